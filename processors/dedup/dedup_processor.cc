#include "processors/dedup/dedup_processor.h"

#include <xxhash.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <thread>

#include "processors/dedup/memory_dedup_store.h"
#include "processors/dedup/redis_dedup_store.h"
#include "processors/dedup/rocksdb_dedup_store.h"

namespace newsflow {
namespace {

int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void to_hex(uint64_t v, std::string& out) {
  static constexpr char digits[] = "0123456789abcdef";
  out.resize(16);
  for (int i = 15; i >= 0; --i) {
    out[static_cast<size_t>(i)] = digits[v & 0xF];
    v >>= 4;
  }
}

}  // namespace

dedup_processor::dedup_processor(const dedup_options& options, metrics_registry& metrics,
                                 std::shared_ptr<dedup_store> store, clock_fn clock)
    : options_(options),
      store_(store ? std::move(store)
                   : std::make_shared<memory_dedup_store>(2 * options.num_hashes, options.bands,
                                                          static_cast<size_t>(options.max_entries),
                                                          options.furniture_stories)),
      clock_(clock ? std::move(clock) : clock_fn(system_now_ms)),
      signer_(options.num_hashes, options.shingle_words),
      exact_(metrics.get_counter("newsflow_dedup_duplicates_total",
                                 "Articles found to duplicate an earlier one, by kind",
                                 {{"kind", "exact"}})),
      near_(metrics.get_counter("newsflow_dedup_duplicates_total",
                                "Articles found to duplicate an earlier one, by kind",
                                {{"kind", "near"}})),
      evictions_(metrics.get_counter("newsflow_dedup_evictions_total",
                                     "Remembered articles forgotten (window expiry or max_entries)")),
      entries_(metrics.get_gauge("newsflow_dedup_entries", "Articles remembered by dedup")),
      redelivered_(metrics.get_counter("newsflow_dedup_redelivered_total",
                                       "Articles seen again with the same id and body (redeliveries); "
                                       "given their first decision")),
      lookup_(metrics.get_histogram("newsflow_dedup_lookup_seconds",
                                    "Time to sign an article, look it up and remember it")),
      unknown_(metrics.get_counter("newsflow_dedup_unknown_total",
                                   "Articles passed on with status unknown: the shared store "
                                   "(Redis) could not be reached")),
      store_failures_(metrics.get_counter("newsflow_dedup_store_failures_total",
                                          "Round trips to the shared store (Redis) that failed")),
      store_up_(metrics.get_gauge("newsflow_dedup_store_up",
                                  "1 while the dedup store answers, 0 after a failed round trip")) {
  store_up_.set(1);
}

void dedup_processor::prepare(const article& a, prepared& p) {
  p.arrival_ms = clock_();
  p.url_key = 0;
  if (a.url.present && !a.url.value.empty()) {
    canonicalizer_.canonicalize(a.url.value, canonical_url_);
    p.url_key = XXH3_64bits(canonical_url_.data(), canonical_url_.size()) | 1;  // 0 = no URL
  }
  if (a.id.present && !a.id.value.empty()) {
    p.id.assign(a.id.value);
  } else {
    to_hex(p.url_key != 0 ? XXH3_64bits(canonical_url_.data(), canonical_url_.size())
                          : XXH3_64bits(a.body.data(), a.body.size()),
           p.id);
  }
  p.body_key = XXH3_64bits(a.body.data(), a.body.size());
  p.signed_body = signer_.sign(a.body, p.signature, store_.get());
  const auto bands = signer_.band_keys();
  p.band_keys.assign(bands.begin(), bands.end());
  const auto lines = signer_.line_keys();
  p.line_keys.assign(lines.begin(), lines.end());
}

dedup_record dedup_processor::prepared::record() const {
  return dedup_record{.id = id,
                      .story_id = id,
                      .arrival_ms = arrival_ms,
                      .shingles = signed_body.shingles,
                      .masked_shingles = signed_body.masked_shingles,
                      .body_key = body_key,
                      .url_key = url_key,
                      .similarity_milli = 0,
                      .signature = signature,
                      .band_keys = band_keys};
}

void dedup_processor::begin(article& a) {
  std::unique_ptr<prepared> p;
  {
    std::lock_guard lock(begun_mutex_);
    if (!spare_.empty()) {
      p = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  if (!p) p = std::make_unique<prepared>();
  prepare(a, *p);
  // Sent now: the lookups of the next articles go out while this one waits for its turn.
  if (!a.body.empty()) store_->begin_fetch(p->record());
  std::lock_guard lock(begun_mutex_);
  begun_.push_back(std::move(p));
}

process_result dedup_processor::process(article& a) {
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<prepared> begun;
  {
    std::lock_guard lock(begun_mutex_);
    if (!begun_.empty()) {
      begun = std::move(begun_.front());
      begun_.pop_front();
    }
  }
  if (begun && begun->body_key != XXH3_64bits(a.body.data(), a.body.size())) {
    spdlog::critical("dedup: process() got another article than the one begin() saw first");
    std::abort();
  }
  prepared& p = begun ? *begun : inline_;
  if (!begun) prepare(a, p);
  const process_result result = decide_and_remember(a, p, started);
  if (begun) {
    std::lock_guard lock(begun_mutex_);
    spare_.push_back(std::move(begun));
  }
  return result;
}

process_result dedup_processor::decide_and_remember(article& a, const prepared& p,
                                                    std::chrono::steady_clock::time_point started) {
  size_t evicted = store_->expire(p.arrival_ms - options_.window_hours * 3'600'000);
  dedup_record record = p.record();
  if (!a.body.empty() && !store_->fetch(record)) {
    do {
      if (!wait_for_store()) return unknown(a, started);
    } while (!store_->refetch(record));
  }
  const decision d = decide(a, p, record);
  if (d.result == status::redelivered) return redelivered(a, started);
  if (d.result != status::duplicate && !a.body.empty()) {
    // Remembered with its decision; an exact copy is not (its body already is).
    record.story_id = d.story;
    record.similarity_milli = static_cast<uint16_t>(std::lround(d.similarity * 1000));
    while (store_->claim(record, evicted) == dedup_store::claim_outcome::unavailable)
      if (!wait_for_store()) return unknown(a, started);
  }
  store_up_.set(1);

  store_->add_lines(p.line_keys, XXH3_64bits(d.story.data(), d.story.size()));

  write_decision(a, d.result == status::unique ? "unique"
                  : d.result == status::duplicate ? "duplicate"
                                                  : "near_duplicate",
                 d.target, d.similarity, d.story);
  if (evicted > 0) evictions_.inc(evicted);
  entries_.set(static_cast<int64_t>(store_->size()));
  observe(started);
  if (d.result == status::unique) return verdict::next;
  (d.result == status::duplicate ? exact_ : near_).inc();
  return apply_policy(a);
}

dedup_processor::decision dedup_processor::decide(const article& a, const prepared& p,
                                                  const dedup_record& record) {
  decision d;
  const std::string_view id = record.id;
  const size_t k = options_.num_hashes;
  const std::span<const minhash_value> raw(p.signature.data(), k), masked(p.signature.data() + k, k);

  const bool found_body = !a.body.empty() && store_->find_body(record.body_key, best_);
  if (found_body && a.id.present && best_.id == id) {
    // This very article again (a redelivery after a crash or rebalance, a replayed batch):
    // the decision it got the first time, and nothing remembered twice.
    d.result = status::redelivered;
    return d;
  }
  if (found_body) {
    d.result = status::duplicate;
    d.similarity = 1.0;
  } else if (record.shingles > 0) {
    store_->candidates(record.band_keys, refs_);
    if (record.url_key != 0 && store_->find_url(record.url_key, candidate_))
      refs_.push_back(candidate_.ref);
    double best_score = -1.0;
    uint64_t best_ref = 0;
    for (uint64_t ref : refs_) {
      if (!store_->read(ref, candidate_)) continue;
      const std::span<const minhash_value> other(candidate_.signature);
      if (other.size() < 2 * k) continue;
      const double j = estimate_jaccard(raw, other.first(k));
      if (j < options_.min_jaccard) continue;
      const double c = containment_from_jaccard(j, record.shingles, candidate_.shingles);
      if (c < options_.min_containment || c + j < options_.min_combined) continue;
      const double cm = containment_from_jaccard(estimate_jaccard(masked, other.subspan(k, k)),
                                                 record.masked_shingles,
                                                 candidate_.masked_shingles);
      if (cm - c > options_.max_number_gap) continue;
      const double score = c + j;
      if (score > best_score || (score == best_score && ref < best_ref)) {
        best_score = score;
        best_ref = ref;
        d.similarity = j;
        std::swap(best_, candidate_);
      }
    }
    if (best_score >= 0.0) d.result = status::near_duplicate;
    // Kept to three decimals, as written and as remembered (a redelivery repeats it exactly).
    d.similarity = static_cast<double>(std::lround(d.similarity * 1000)) / 1000.0;
  }
  d.story = d.result == status::unique ? id : std::string_view(best_.story_id);
  // An exact copy names the earliest identical body (always right for that pair, even if
  // that body was itself misjudged); a near copy names the first copy of its story.
  d.target = d.result == status::duplicate ? std::string_view(best_.id) : d.story;
  return d;
}

bool dedup_processor::wait_for_store() {
  store_up_.set(0);
  store_failures_.inc();
  if (options_.redis_options.on_unavailable == unavailable_policy::unknown) return false;
  // pause: this article waits, and with it the input behind it (the runner stops taking
  // more once its in-flight limits are reached; the consumer pauses).
  std::this_thread::sleep_for(std::chrono::milliseconds(options_.redis_options.retry_ms));
  return true;
}

process_result dedup_processor::unknown(article& a, std::chrono::steady_clock::time_point started) {
  unknown_.inc();
  json_writer w = a.enrichment_member("dedup");
  w.begin_object();
  w.key("status").string("unknown");
  w.key("duplicate_of").null();
  w.key("similarity").null();
  w.key("story_id").null();
  w.end_object();
  observe(started);
  return verdict::next;
}

process_result dedup_processor::redelivered(article& a, std::chrono::steady_clock::time_point started) {
  redelivered_.inc();
  const bool unique = best_.story_id == best_.id;
  write_decision(a, unique ? "unique" : "near_duplicate", best_.story_id,
                 best_.similarity_milli / 1000.0, best_.story_id);
  observe(started);
  return unique ? verdict::next : apply_policy(a);
}

void dedup_processor::write_decision(article& a, std::string_view status, std::string_view target,
                                     double similarity, std::string_view story) {
  json_writer w = a.enrichment_member("dedup");
  w.begin_object();
  w.key("status").string(status);
  if (status == "unique") {
    w.key("duplicate_of").null();
    w.key("similarity").null();
  } else {
    w.key("duplicate_of").string(target);
    w.key("similarity").number(similarity, 3);
  }
  w.key("story_id").string(story);
  w.end_object();
}

void dedup_processor::observe(std::chrono::steady_clock::time_point started) {
  lookup_.observe_us(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                               std::chrono::steady_clock::now() - started)
                                               .count()));
}

process_result dedup_processor::apply_policy(article& a) {
  switch (options_.policy) {
    case dedup_policy::mark:
      break;
    case dedup_policy::drop:
      return verdict::drop;
    case dedup_policy::route:
      a.route = "duplicates";
      break;
  }
  return verdict::next;
}

std::unique_ptr<processor> make_dedup_processor(const YAML::Node& options, const std::string& path,
                                                config_errors& errors, processor_context& context) {
  const size_t errors_before = errors.all().size();
  dedup_options parsed = parse_dedup_options(options, path, errors, &context.effective_options);
  if (errors.all().size() != errors_before) return nullptr;
  std::shared_ptr<dedup_store> store;
  if (parsed.redis && !context.validate_only) {
    try {
      store = std::make_shared<redis_dedup_store>(redis_dedup_store::options_for(parsed));
    } catch (const dedup_state_error& e) {
      errors.add(path + ".redis.key_prefix", e.what());
      return nullptr;
    }
  } else if (!parsed.state_dir.empty() && !context.validate_only) {
    std::error_code ec;
    const std::filesystem::path dir =
        std::filesystem::weakly_canonical(context.base_dir / parsed.state_dir, ec);
    rocksdb_dedup_store::options o;
    o.max_entries = static_cast<uint32_t>(parsed.max_entries);
    o.format = {.num_hashes = parsed.num_hashes,
                .shingle_words = parsed.shingle_words,
                .bands = parsed.bands,
                .furniture_stories = parsed.furniture_stories};
    try {
      auto persistent = std::make_shared<rocksdb_dedup_store>(
          dir, o, system_now_ms() - parsed.window_hours * 3'600'000);
      spdlog::info("dedup: {} articles remembered from {}", persistent->size(), dir.string());
      store = std::move(persistent);
    } catch (const dedup_state_error& e) {
      errors.add(path + ".state_dir", fmt::format("dedup state {}: {}", dir.string(), e.what()));
      return nullptr;
    }
  }
  return std::make_unique<dedup_processor>(parsed, context.metrics, std::move(store));
}

}  // namespace newsflow
