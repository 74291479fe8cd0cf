#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "processors/dedup/dedup_store.h"
#include "processors/dedup/memory_dedup_store.h"

namespace rocksdb {
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace newsflow {

// What a persistent dedup state must agree on with the processor that reopens it: signatures
// made with other settings cannot be compared.
struct dedup_state_format {
  uint32_t num_hashes = 0;     // MinHash values per signature kind (the signature is twice that)
  uint32_t shingle_words = 0;
  uint32_t bands = 0;
  uint32_t furniture_stories = 0;
};

// The dedup index remembered across restarts: a memory_dedup_store (all lookups run there)
// whose changes are journaled to a RocksDB database in `dir`, replayed into it at start-up.
// Signatures (512 B of the ~0.85 KB an entry takes in memory) stay in the journal only:
// read() fetches a candidate's from disk (RocksDB's block cache, then the page cache), which
// happens for a fraction of articles (most have no candidate), so memory per remembered
// article is what the index needs to find candidates, not what it needs to verify them.
//
// Journal (keys are a prefix byte and a big-endian 64-bit number, so they sort in order):
//  - 'i' + insert number: one remembered article (its dedup_record, signature included);
//  - 'l' + line-update number: one article's page-furniture update (story key, line keys);
//  - 'f': a snapshot of the furniture counts and the number of line updates it includes;
//  - 'm': the format (dedup_state_format), checked on open.
// Each insert and each line update is written as it happens (one write batch per call,
// through RocksDB's write-ahead log, not fsync'ed: a killed process loses nothing, a power
// cut may lose the last writes, which then count as never seen). Replay: every insert in
// order (the memory store evicts beyond max_entries as it did live), then expire() drops
// what the window has since forgotten; the furniture snapshot, then the line updates after
// it. Both parts are independent state, so their relative order does not matter.
// Bounded on disk: inserts that are no longer live, and line updates older than the
// snapshot (rewritten every `snapshot_every` line updates and on close), are deleted.
//
// Thread-safe like the memory store (calls are serialized by its lock and the journal's).
class rocksdb_dedup_store final : public dedup_store {
 public:
  struct options {
    uint32_t max_entries = 1'000'000;
    dedup_state_format format;
    uint64_t snapshot_every = 65'536;  // line updates between furniture snapshots
    uint64_t prune_every = 4'096;      // dead inserts deleted together (one range tombstone)
  };

  // Opens (creating if needed) the state in `dir` and rebuilds the index from it; entries
  // that arrived before `expire_before_ms` are forgotten right away. Throws dedup_state_error
  // when the directory cannot be opened (locked by another process, not writable, corrupt)
  // or holds state of another format.
  rocksdb_dedup_store(const std::filesystem::path& dir, const options& o, int64_t expire_before_ms);
  // Writes a furniture snapshot and closes the database.
  ~rocksdb_dedup_store() override;

  void mark_furniture(std::span<const uint64_t> line_keys,
                      std::span<uint8_t> furniture) const override {
    memory_.mark_furniture(line_keys, furniture);
  }
  void add_lines(std::span<const uint64_t> line_keys, uint64_t story_key) override;
  bool find_body(uint64_t body_key, dedup_entry& out) override {
    return memory_.find_body(body_key, out);
  }
  bool find_url(uint64_t url_key, dedup_entry& out) override { return memory_.find_url(url_key, out); }
  void candidates(std::span<const uint32_t> band_keys, std::vector<uint64_t>& refs) override {
    memory_.candidates(band_keys, refs);
  }
  bool read(uint64_t ref, dedup_entry& out) override;
  size_t insert(const dedup_record& record) override;
  size_t expire(int64_t cutoff_ms) override;
  size_t size() const override { return memory_.size(); }
  size_t memory_bytes() const override { return memory_.memory_bytes(); }

  // Entries rebuilt from disk at start-up (before expiry).
  uint64_t replayed() const { return replayed_; }
  // Journal writes that failed since start-up.
  uint64_t write_errors() const { return write_errors_; }

 private:
  // Refuses state of other settings; drops state of another release (journal version).
  void check_format(const std::filesystem::path& dir);
  void replay(int64_t expire_before_ms);
  void write_snapshot();
  void prune_inserts();
  // Writes `batch`; a failure (disk full, I/O error) is logged and counted, not thrown: the
  // index in memory stays right, only what a restart would remember falls behind.
  void write(rocksdb::WriteBatch& batch);

  const options options_;
  memory_dedup_store memory_;
  std::unique_ptr<rocksdb::DB> db_;
  std::mutex journal_mutex_;
  uint64_t inserts_ = 0;        // inserts ever journaled (the next insert number)
  uint64_t pruned_below_ = 0;   // inserts below this number are deleted from disk
  uint64_t line_updates_ = 0;   // line updates ever journaled
  uint64_t snapshot_at_ = 0;    // line updates included in the last snapshot
  uint64_t replayed_ = 0;
  std::vector<minhash_value> read_signature_;  // read() scratch
  std::vector<uint32_t> read_band_keys_;
  uint64_t write_errors_ = 0;
  uint64_t read_errors_ = 0;
  std::string buffer_;
};

}  // namespace newsflow
