#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "processors/dedup/dedup_options.h"
#include "processors/dedup/dedup_store.h"
#include "processors/dedup/furniture_table.h"
#include "processors/dedup/redis_connection.h"

namespace newsflow {

// The dedup index in Redis, shared by every newsflowd instance pointed at the same Redis and
// key prefix: a copy is found whichever instance saw the first one.
//
// One round trip per article: fetch() runs one script that expires what the window forgot,
// reads the body and URL matches and the band candidates (with their signatures), and,
// unless the body matches (an exact copy), remembers the article at once, as unique. That
// is the "first copy" claim: atomic in Redis, so of two instances racing on one story the
// first lookup is the original and the other finds it. A near copy's decision (story,
// similarity) is then written into its entry by claim(), a plain SET whose answer is not
// waited for.
//
// Pipelined (dedup runs begin_fetch() and fetch() as two ordered steps): the lookups of the
// next articles are sent while an earlier one is decided, so round trips overlap instead of
// queueing. Redis runs them in the order sent, so each still sees every article before it;
// an earlier article of this instance whose near-copy decision had not been written yet when
// a later lookup ran is corrected from the decisions kept here (recent_). On any failure the
// pipeline is dropped and the articles in it are looked up again one at a time, in order.
// Page furniture is learned one article later than without pipelining.
//
// What a lookup may miss: copies of one story that several instances look up within the
// same moment, while an earlier original exists, each see the other's entry as unique
// until its decision is written; the later one may then name that copy as its story
// instead of the original. Its status (near_duplicate) is right either way.
//
// Layout and cost per remembered article in Redis (num_hashes 256, bands 16): the entry
// (signature 512 B, keys 80 B, ids, counts: ~650 B with Redis's own overhead), its member
// in the ordered set by arrival (~80 B), 16 band fields, a body and a URL field in small
// bucketed hashes (~25 B each): ~1.2 KB (docs/operations.md, "Sizing Redis").
//
// Page furniture stays in the process (furniture_table): it is learned from each
// instance's own share of the stream — site boilerplate recurs often enough that every
// instance learns it — and needs no round trip.
//
// Thread-safe: begin_fetch() (one thread at a time) may run while fetch() and claim() (one
// thread at a time) wait for Redis.
class redis_dedup_store final : public dedup_store {
 public:
  struct options {
    redis_store_options redis;
    uint32_t num_hashes = 256;  // signature length is twice this (as written, numbers masked)
    uint32_t shingle_words = 3;
    uint32_t bands = 16;
    uint32_t furniture_stories = 4;
    uint64_t max_entries = 1'000'000;
    int64_t window_ms = 168 * 3'600'000LL;
  };
  // The store's options for a dedup processor's.
  static options options_for(const dedup_options& o);

  // Connects (if Redis is reachable now) and checks that the key prefix holds entries of
  // the same settings; throws dedup_state_error if not. An unreachable Redis is not an
  // error here: the processor's on_unavailable policy applies until it answers.
  explicit redis_dedup_store(const options& o);

  void mark_furniture(std::span<const uint64_t> line_keys,
                      std::span<uint8_t> furniture) const override;
  void add_lines(std::span<const uint64_t> line_keys, uint64_t story_key) override;

  bool pipelined() const override { return true; }
  void begin_fetch(const dedup_record& as_unique) override;
  bool fetch(const dedup_record& as_unique) override;
  bool refetch(const dedup_record& as_unique) override;
  claim_outcome claim(const dedup_record& record, size_t& evicted) override;

  // Answered from what the last fetch() read.
  bool find_body(uint64_t body_key, dedup_entry& out) override;
  bool find_url(uint64_t url_key, dedup_entry& out) override;
  void candidates(std::span<const uint32_t> band_keys, std::vector<uint64_t>& refs) override;
  bool read(uint64_t ref, dedup_entry& out) override;

  size_t insert(const dedup_record& record) override;
  // Records the cutoff for the next round trip (Redis expires there); returns what the
  // last round trips forgot.
  size_t expire(int64_t cutoff_ms) override;
  // Live entries in Redis as of the last round trip.
  size_t size() const override;
  // Bytes held in this process (the furniture table); Redis holds the index.
  size_t memory_bytes() const override;

  std::string last_error() const { return connection_.last_error(); }

 private:
  // A lookup begun by begin_fetch(), oldest first.
  struct ticket {
    uint64_t body_key;  // checks that fetch() is for the same article
    bool sent;          // false: fetch() looks it up itself
  };
  // What the commands in flight will answer, in order.
  enum class answer : uint8_t { lookup, decision };
  // A near copy's decision this instance wrote (or is writing) into its entry.
  struct recent_decision {
    uint64_t ref = 0;
    std::string story_id;
    uint16_t similarity_milli = 0;
  };

  // Encodes `r` into `out` (the layout the scripts read: see the .cc).
  void encode(const dedup_record& r, std::string& out) const;
  bool decode(const redisReply& ref, const redisReply& bytes, dedup_entry& out) const;
  void lookup_args(redis_args& args, const std::string& entry, int64_t arrival_ms);
  bool check_format();
  // The lookup of `r` sent and answered now (nothing else in flight but decisions).
  bool lookup_now(const dedup_record& r, std::unique_lock<std::mutex>& lock);
  // Reads answers up to the next lookup's; false (pipeline dropped) if one fails.
  bool receive_lookup(std::unique_lock<std::mutex>& lock, redis_reply& reply);
  // Reads what a lookup answered into the snapshot the find/read calls answer from.
  bool load(const redisReply& r);
  void patch(dedup_entry& e) const;
  // Drops the connection and everything in flight; begun lookups are redone one by one.
  void break_pipeline();

  const options options_;
  const std::string base_;        // "{key_prefix}:"
  const std::string seq_key_;
  const std::string format_;      // the settings, as stored under base_ + "format"
  const uint64_t band_buckets_;
  const uint64_t key_buckets_;

  mutable std::mutex mutex_;
  redis_connection connection_;
  uint64_t format_checked_ = 0;  // connection generation whose format was checked
  std::string format_error_;     // the prefix holds entries of other settings
  furniture_table furniture_;
  redis_args args_;
  std::string entry_;
  redis_args begin_args_;  // begin_fetch()'s own buffers (it runs beside fetch())
  std::string begin_entry_;
  std::string slot_;  // lookup_args() scratch
  int64_t cutoff_ms_ = 0;
  size_t forgotten_ = 0;  // since the last expire()
  size_t live_ = 0;

  // Pipelining.
  std::deque<ticket> tickets_;
  size_t unsent_ = 0;            // tickets not sent (after a failure, until redone)
  std::deque<answer> in_flight_;
  bool ready_ = false;           // connected and checked: begin_fetch() may send
  std::vector<recent_decision> recent_;  // a ring of the last near-copy decisions
  size_t recent_next_ = 0;

  // What the last fetch() read.
  uint64_t claimed_ = 0;  // the entry fetch() remembered the article as (0: an exact copy)
  bool has_body_ = false, has_url_ = false;
  dedup_entry body_, url_;
  std::vector<dedup_entry> candidates_;
  size_t candidate_count_ = 0;
};

}  // namespace newsflow
