#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "processors/dedup/band_index.h"
#include "processors/dedup/dedup_store.h"
#include "processors/dedup/exact_key_index.h"

namespace newsflow {

// The in-process dedup index: bounded, thread-safe (one mutex; dedup runs input_order, so
// there is no contention in the pipeline), entries kept in arrival order.
//
// Layout (per remembered article, with num_hashes = 256 and bands = 16):
//  - a slot: arrival (8 B), arena offsets and lengths of id and story id (20 B), shingle
//    counts (8 B), body and URL keys (16 B), similarity (2 B) = 56 B;
//  - the LSH band index (band_index.h): ~19 B per band, ~300 B at 16 bands;
//  - the signature: 2 x 256 x 8 bits (512 B: as written and numbers masked), in a ring
//    (unless keep_signatures is false);
//  - the id (and the story id when it differs) in a FIFO string arena: the id's bytes;
//  - two tables of exact keys (exact_key_index.h, ~21-32 B each): body hash -> earliest
//    entry, URL hash -> latest entry.
// Plus the furniture table, 4 MiB whatever the number of entries.
//
// One row per band: with rows r and b bands, a pair of Jaccard J shares a band with
// probability 1-(1-J^r)^b. The price of r = 1 is that unrelated articles share a band
// whenever the same shingle holds that minimum, and in real text common word triples ("one
// of the") are in thousands of articles: over a week of news, ~2x10^-3 x N articles share
// a band with any given one. So a candidate must share at least two bands (for J = 0.3,
// the lowest similarity a near duplicate may have, 16 bands give 0.974; J = 0.5, 0.9997),
// and in each band only the newest `band_walk` entries with the key are looked at. A
// story's copies share many minima and its newest copies are recent, so they still meet;
// the cost of a lookup stays bounded whatever the number of entries. Candidates are then
// verified on the whole signature.
//
// Entry handles are 32-bit sequence numbers (wrap-safe comparisons), so max_entries < 2^31.
class memory_dedup_store final : public dedup_store {
 public:
  // furniture_stories: furniture_table's min_stories (0: no furniture detection).
  // keep_signatures false: signatures are not kept (read() returns entries without one), for
  // a store that keeps them elsewhere (rocksdb_dedup_store reads them from its journal).
  memory_dedup_store(uint32_t signature_length, uint32_t bands, size_t max_entries,
                     uint32_t furniture_stories = 0, bool keep_signatures = true);

  void mark_furniture(std::span<const uint64_t> line_keys,
                      std::span<uint8_t> furniture) const override;
  void add_lines(std::span<const uint64_t> line_keys, uint64_t story_key) override;

  bool find_body(uint64_t body_key, dedup_entry& out) override;
  bool find_url(uint64_t url_key, dedup_entry& out) override;
  void candidates(std::span<const uint32_t> band_keys, std::vector<uint64_t>& refs) override;
  bool read(uint64_t ref, dedup_entry& out) override;
  size_t insert(const dedup_record& record) override;
  size_t expire(int64_t cutoff_ms) override;
  size_t size() const override;
  size_t memory_bytes() const override;

  // The handle the next insert will get (entries are numbered in insertion order).
  uint32_t next_ref() const;

  // The page-furniture counts as bytes, and back (false, nothing changed, on a size mismatch).
  void save_furniture(std::string& bytes) const;
  bool load_furniture(std::string_view bytes);

 private:
  struct slot {
    int64_t arrival_ms;
    uint64_t id_pos;     // position in the arena's byte stream
    uint64_t story_pos;
    uint16_t id_len;
    uint16_t story_len;
    uint16_t similarity_milli;
    uint32_t shingles;
    uint32_t masked_shingles;
    uint64_t body_key;
    uint64_t url_key;
  };

  bool live(uint32_t seq) const { return seq - first_seq_ < static_cast<uint32_t>(slots_.size()); }
  size_t index_of(uint32_t seq) const { return seq - first_seq_; }
  std::string_view arena_view(uint64_t pos, uint16_t len) const {
    return std::string_view(arena_).substr(pos - arena_base_, len);
  }
  void copy_out(uint32_t seq, dedup_entry& out) const;
  void evict_oldest();
  static constexpr uint32_t band_walk = 4;

  const uint32_t num_hashes_;  // signature length
  const bool keep_signatures_;
  const uint32_t bands_;
  const size_t max_entries_;

  mutable std::mutex mutex_;
  uint32_t first_seq_ = 0;  // sequence number of slots_.front()
  std::deque<slot> slots_;
  std::deque<minhash_value> signatures_;  // num_hashes_ (signature length) per slot
  std::string arena_;                // ids, FIFO: front bytes freed on eviction
  uint64_t arena_base_ = 0;          // stream position of arena_[0]
  uint64_t arena_dead_ = 0;          // freed bytes at the front of arena_
  band_index bands_index_;
  std::vector<uint32_t> hits_;  // candidates() scratch
  exact_key_index by_body_;  // body hash -> earliest entry
  exact_key_index by_url_;   // canonical URL hash -> latest entry
  furniture_table furniture_;
};

}  // namespace newsflow
