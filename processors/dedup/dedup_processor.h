#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/config_errors.h"
#include "pipeline/metrics.h"
#include "pipeline/processor.h"
#include "pipeline/processor_registry.h"
#include "processors/dedup/dedup_options.h"
#include "processors/dedup/dedup_store.h"
#include "processors/dedup/text_signature.h"
#include "processors/dedup/url_canonicalizer.h"

namespace newsflow {

// Exact and near-duplicate detection, decided online in input order (ordering::input_order):
// the first copy of a story is `unique`, every later copy names the story's first copy in
// `duplicate_of` (an exact copy: the first copy of that identical body, which is the story's
// first copy unless a near copy came first), and every copy carries the story's first id as
// `story_id`.
//
// Writes enrichment.dedup = {"status", "duplicate_of", "similarity", "story_id"}:
//  - duplicate: the normalized body is byte-identical to a remembered one (XXH3-64); similarity 1.
//  - near_duplicate: a remembered body passes the similarity rule below; similarity = the
//    estimated Jaccard of the two shingle sets.
//  - unique: duplicate_of and similarity null; story_id = the article's own id.
// Ids: the article's `id`; without one, the 16 hex digits of XXH3-64 of the canonical URL
// (of the normalized body when there is no URL either).
//
// Similarity rule. Bodies are compared as sets of word 3-shingles (text_signature.h),
// through 256-value MinHash signatures. With J the estimated Jaccard and C the share of the
// smaller set inside the larger one (derived from J and the two set sizes), a candidate is
// a near duplicate when C >= min_containment (0.7), J >= min_jaccard (0.3) and
// C + J >= min_combined (1.2):
//  - containment, not Jaccard, is the main test, because page furniture, bylines and
//    truncation add or remove text at the ends: the copy is still mostly inside the other;
//  - the Jaccard floor and the sum keep out texts that merely quote another (a recap that
//    borrows a few paragraphs of an earlier story is contained at ~0.7 but J is ~0.3). The
//    estimates of a short text are noisy (sd ~0.04): at 1.15 the dev stream's partial
//    overlaps passed 1-4 times in 435 over five hash seeds, at 1.2 1-2 times, for ~0.4 points
//    of near-duplicate F1;
//  - short shingles (3 words) keep copy edits from destroying much of the set;
//  - template guard: a second signature is taken with every number masked; when masking
//    raises the containment by more than max_number_gap (0.12), the shared text is a frame
//    (a results table, a market report) around other figures: not a copy. A same-story
//    update changes at most a number or two, and furniture numbers (times in a "last
//    modified" line) move both estimates alike; on the dev stream true copies stay below
//    0.10 and templates that pass the other tests are at 0.13-0.25.
//  - page furniture is learned, not listed: a line (paragraph) that has appeared in
//    furniture_stories (4) different stories is left out of later signatures (see
//    furniture_table); copies of one story count once, so a story's own lines never become
//    furniture by being syndicated.
// The headline is not compared (outlets rewrite it). A URL match alone never makes a
// duplicate (live pages are reused for other stories): it only nominates the page last seen
// at that URL as one more candidate for the same test.
//
// Policies: mark (annotate only), drop (verdict::drop for duplicates of both kinds),
// route (a.route = "duplicates").
//
// Shared store (store: redis): several instances decide against one memory; an article's
// lookup and the claim of its story's first copy are one atomic step in Redis, so two
// instances that get copies of one story at the same moment agree on one original (see
// redis_dedup_store). When Redis cannot be reached, redis.on_unavailable says what
// happens: "unknown" writes {"status": "unknown", "duplicate_of": null, "similarity":
// null, "story_id": null} and remembers nothing; "pause" waits (retry_ms) until Redis
// answers, holding up the input behind the article.
//
// Redeliveries: an article whose `id` and body are those of a remembered article is that
// article again (Kafka redelivers after a crash or a rebalance; a batch may be replayed on
// kept state). It gets the decision it got the first time and changes nothing remembered,
// so at-least-once delivery never turns an article into a copy of itself. Only a sent `id`
// counts: an id-less article re-sent from the same URL is a duplicate of its first copy.
class dedup_processor final : public processor {
 public:
  // Milliseconds since an epoch; arrival times and expiry run on it.
  using clock_fn = std::function<int64_t()>;

  // `store` defaults to a memory_dedup_store sized from the options; `clock` to the system clock.
  dedup_processor(const dedup_options& options, metrics_registry& metrics,
                  std::shared_ptr<dedup_store> store = nullptr, clock_fn clock = nullptr);

  std::string_view name() const override { return "dedup"; }
  ordering order() const override { return ordering::input_order; }
  // With a store in another process (Redis): the article's lookup is sent in begin(), so the
  // next articles' lookups are on their way while this one is decided.
  bool split_in_order() const override { return store_->pipelined(); }
  void begin(article& a) override;
  process_result process(article& a) override;

  const dedup_store& store() const { return *store_; }

 private:
  // An article's id, keys and signatures, worked out before its lookup (in begin() when
  // split, else in process()).
  struct prepared {
    std::string id;  // the article's id, or its derived id
    uint64_t url_key = 0;
    uint64_t body_key = 0;
    int64_t arrival_ms = 0;
    minhash_signer::result signed_body{};
    std::vector<minhash_value> signature;
    std::vector<uint32_t> band_keys;
    std::vector<uint64_t> line_keys;
    dedup_record record() const;  // as unique (the lookup's claim)
  };
  void prepare(const article& a, prepared& p);
  process_result decide_and_remember(article& a, const prepared& p,
                                     std::chrono::steady_clock::time_point started);

  enum class status { unique, duplicate, near_duplicate, redelivered };
  struct decision {
    status result = status::unique;
    double similarity = 0.0;
    std::string_view story;   // the story's first id (points into the record or best_)
    std::string_view target;  // duplicate_of
  };
  // A lookup's decision, from what the store answers (after fetch()).
  decision decide(const article& a, const prepared& p, const dedup_record& record);
  // After a failed round trip: true if the policy is to wait and try again (it has waited).
  bool wait_for_store();
  process_result unknown(article& a, std::chrono::steady_clock::time_point started);
  process_result redelivered(article& a, std::chrono::steady_clock::time_point started);
  void write_decision(article& a, std::string_view status, std::string_view target,
                      double similarity, std::string_view story);
  void observe(std::chrono::steady_clock::time_point started);
  process_result apply_policy(article& a);

  dedup_options options_;
  std::shared_ptr<dedup_store> store_;
  clock_fn clock_;
  url_canonicalizer canonicalizer_;
  minhash_signer signer_;

  counter& exact_;
  counter& near_;
  counter& evictions_;
  gauge& entries_;
  counter& redelivered_;
  histogram& lookup_;
  counter& unknown_;
  counter& store_failures_;
  gauge& store_up_;

  // Split: prepared by begin(), oldest first, and emptied ones for reuse (begin() and
  // process() run in different threads).
  std::mutex begun_mutex_;
  std::deque<std::unique_ptr<prepared>> begun_;
  std::vector<std::unique_ptr<prepared>> spare_;
  prepared inline_;  // not split

  // Buffers reused from one article to the next.
  std::string canonical_url_;
  std::vector<uint64_t> refs_;
  dedup_entry candidate_;
  dedup_entry best_;
};

std::unique_ptr<processor> make_dedup_processor(const YAML::Node& options, const std::string& path,
                                                config_errors& errors, processor_context& context);

}  // namespace newsflow
