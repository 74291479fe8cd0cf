#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "processors/dedup/text_signature.h"

namespace newsflow {

// What dedup remembers of one article: enough to decide whether a later article copies it
// and to name it in `duplicate_of` / `story_id`. The body itself is never kept.
struct dedup_record {
  std::string_view id;        // the article's id (or its derived id)
  std::string_view story_id;  // id of the first copy of its story
  int64_t arrival_ms = 0;     // processor clock at arrival: expiry runs on it
  uint32_t shingles = 0;      // distinct shingles in the body (set size, for containment)
  uint32_t masked_shingles = 0;  // the same with numbers masked
  uint64_t body_key = 0;      // XXH3 of the normalized body (exact duplicates)
  uint64_t url_key = 0;       // XXH3 of the canonical URL; 0 = no URL
  uint16_t similarity_milli = 0;  // a near copy's similarity to its story (x 1000); 0 if unique
  std::span<const minhash_value> signature;  // MinHash values (text_signature.h), fixed length
  std::span<const uint32_t> band_keys;  // LSH keys (minhash_signer::band_keys), >= bands
};

// A remembered entry as read back: strings copied into caller-owned buffers (capacity reused),
// so nothing points into the store once the call returns.
struct dedup_entry {
  uint64_t ref = 0;  // the store's handle of the entry
  std::string id;
  std::string story_id;
  int64_t arrival_ms = 0;
  uint32_t shingles = 0;
  uint32_t masked_shingles = 0;
  uint16_t similarity_milli = 0;
  std::vector<minhash_value> signature;
};

// A store's state cannot be used: a state directory that cannot be opened or holds another
// format, a Redis key prefix holding entries made with other settings.
class dedup_state_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The dedup index. Implementations: memory_dedup_store (in process), rocksdb_dedup_store
// (the same, journaled to disk and rebuilt at start-up) and redis_dedup_store (in Redis,
// shared by several instances); the processor sees only these calls.
//
// Keys: exact keys (body hash, canonical-URL hash) and LSH buckets: band i holds the
// articles by their band key i (one MinHash row per band, keyed on the full minimum), so a
// candidate shares at least one of the first `bands` minima (see memory_dedup_store for why
// one row per band, and how buckets of common shingles are kept from swamping lookups).
//
// The store also keeps the page-furniture counts (furniture_table): lines seen in several
// stories, left out of signatures. They are state learned from the stream like the entries.
//
// All calls are thread-safe. Expiry is explicit (expire()), driven by the caller's clock.
class dedup_store : public line_classifier {
 public:
  ~dedup_store() override = default;

  // One article's lookups go: fetch(), then find_body / find_url / candidates / read, then
  // (unless it is an exact copy) claim(). An embedded store answers each call directly.
  //
  // fetch() reads at once what the article's lookups will ask for (body, URL and band keys
  // of `as_unique`), for a store in another process; such a store may also remember the
  // article right away as `as_unique` unless its body matches (then claim() writes the
  // final decision). False: the store cannot be reached (nothing is known about the article).
  virtual bool fetch(const dedup_record& as_unique) {
    (void)as_unique;
    return true;
  }
  // Pipelining, for a store in another process (dedup_processor::begin(), in input order):
  // begin_fetch() sends an article's lookup and returns at once, so several articles'
  // lookups can be on their way; the fetch() that later comes for that article (in the
  // same order) reads its answer. refetch() looks the article up again after its fetch()
  // failed (the retries of on_unavailable: pause).
  virtual bool pipelined() const { return false; }
  virtual void begin_fetch(const dedup_record& as_unique) { (void)as_unique; }
  virtual bool refetch(const dedup_record& as_unique) { return fetch(as_unique); }

  enum class claim_outcome {
    remembered,   // the article is remembered (evicted counts what that pushed out)
    unavailable,  // the store cannot be reached; its decision may not be remembered
  };
  // Remembers the decided article (as insert() does).
  virtual claim_outcome claim(const dedup_record& record, size_t& evicted) {
    evicted += insert(record);
    return claim_outcome::remembered;
  }

  // Page furniture: mark_furniture() (line_classifier), and counting an article's lines.
  virtual void add_lines(std::span<const uint64_t> line_keys, uint64_t story_key) = 0;

  // Earliest live entry with this body hash / latest live entry with this URL hash.
  virtual bool find_body(uint64_t body_key, dedup_entry& out) = 0;
  virtual bool find_url(uint64_t url_key, dedup_entry& out) = 0;
  // Handles of live entries sharing a band key with `band_keys` (deduplicated, any order),
  // leaving out bands whose key is common to too many entries to tell stories apart.
  virtual void candidates(std::span<const uint32_t> band_keys, std::vector<uint64_t>& refs) = 0;
  // Reads a live entry; false if it expired or was evicted meanwhile.
  virtual bool read(uint64_t ref, dedup_entry& out) = 0;
  // Remembers an article. May evict the oldest entry when full; returns how many it evicted.
  virtual size_t insert(const dedup_record& record) = 0;
  // Forgets entries that arrived before `cutoff_ms`; returns how many.
  virtual size_t expire(int64_t cutoff_ms) = 0;

  virtual size_t size() const = 0;
  // Bytes held by the index (see the implementation for what is counted).
  virtual size_t memory_bytes() const = 0;
};

}  // namespace newsflow
