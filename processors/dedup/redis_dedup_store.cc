#include "processors/dedup/redis_dedup_store.h"

#include <hiredis/hiredis.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "processors/dedup/redis_scripts.h"

namespace newsflow {
namespace {

// Entry layout (little-endian), as the scripts read it:
//   0 body key (8) | 8 URL key (8, 0 = none) | 16 band keys (4 x bands) |
//   arrival ms (8) | shingles (4) | masked shingles (4) | similarity x1000 (2) |
//   id length (2) | story id length (2) | id | story id | signature (2 x num_hashes)
enum script : size_t { lookup_script, format_script };
constexpr uint32_t band_walk = 4;  // entries looked at per band key, as memory_dedup_store
constexpr uint64_t fields_per_bucket = 48;  // Redis keeps hashes of <= 128 fields compact
// Near-copy decisions kept to correct lookups that ran before they were written: more than
// the articles that can be between the two steps at once (one per worker).
constexpr size_t recent_decisions = 256;

template <typename T>
void put(std::string& out, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF));
}

template <typename T>
T get(const char* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return static_cast<T>(v);
}

bool parse_ref(const redisReply& r, uint64_t& out) {
  if (r.type == REDIS_REPLY_INTEGER) {
    out = static_cast<uint64_t>(r.integer);
    return true;
  }
  if (r.type != REDIS_REPLY_STRING) return false;
  return std::from_chars(r.str, r.str + r.len, out).ec == std::errc{};
}

uint64_t integer_of(const redisReply& r) {
  uint64_t v = 0;
  return parse_ref(r, v) ? v : 0;
}

}  // namespace

redis_dedup_store::options redis_dedup_store::options_for(const dedup_options& o) {
  return options{.redis = o.redis_options,
                 .num_hashes = o.num_hashes,
                 .shingle_words = o.shingle_words,
                 .bands = o.bands,
                 .furniture_stories = o.furniture_stories,
                 .max_entries = static_cast<uint64_t>(o.max_entries),
                 .window_ms = o.window_hours * 3'600'000};
}

redis_dedup_store::redis_dedup_store(const options& o)
    : options_(o),
      base_("{" + o.redis.key_prefix + "}:"),
      seq_key_(base_ + "seq"),
      format_(fmt::format("newsflow-dedup 1 num_hashes={} shingle_words={} bands={} max_entries={}",
                          o.num_hashes, o.shingle_words, o.bands, o.max_entries)),
      band_buckets_(std::max<uint64_t>(1, o.max_entries * o.bands / fields_per_bucket)),
      key_buckets_(std::max<uint64_t>(1, o.max_entries / fields_per_bucket)),
      connection_(o.redis, {redis_scripts::lookup, redis_scripts::format}),
      furniture_(o.furniture_stories),
      recent_(recent_decisions) {
  std::lock_guard lock(mutex_);
  if (!check_format() && !format_error_.empty()) throw dedup_state_error(format_error_);
  if (!connection_.connected())
    spdlog::warn("dedup: Redis at {} not reachable yet ({}); on_unavailable applies until it is",
                 o.redis.address, connection_.last_error());
}

bool redis_dedup_store::check_format() {
  if (connection_.connected() && format_checked_ == connection_.generation()) return true;
  // Perhaps a new Redis, numbering entries from 1 again: decisions kept by number are void.
  for (recent_decision& d : recent_) d.ref = 0;
  redis_args args;
  args.add(base_ + "format").add(format_);
  const redis_reply r = connection_.eval(format_script, 1, args);
  if (!r) return false;
  if (r->type != REDIS_REPLY_STRING || std::string_view(r->str, r->len) != format_) {
    const std::string held = r->type == REDIS_REPLY_STRING ? std::string(r->str, r->len) : "?";
    std::string error = fmt::format("Redis key prefix {} holds entries made with other settings "
                                    "({}; this instance: {}): use another key_prefix or the same settings",
                                    options_.redis.key_prefix, held, format_);
    if (error != format_error_) spdlog::error("dedup: {}", error);  // once, not per article
    format_error_ = std::move(error);
    return false;
  }
  format_checked_ = connection_.generation();
  format_error_.clear();
  return true;
}

void redis_dedup_store::mark_furniture(std::span<const uint64_t> line_keys,
                                       std::span<uint8_t> furniture) const {
  std::lock_guard lock(mutex_);
  furniture_.mark_furniture(line_keys, furniture);
}

void redis_dedup_store::add_lines(std::span<const uint64_t> line_keys, uint64_t story_key) {
  std::lock_guard lock(mutex_);
  furniture_.add(line_keys, story_key);
}

void redis_dedup_store::encode(const dedup_record& r, std::string& out) const {
  out.clear();
  put<uint64_t>(out, r.body_key);
  put<uint64_t>(out, r.url_key);
  for (uint32_t i = 0; i < options_.bands; ++i)
    put<uint32_t>(out, i < r.band_keys.size() ? r.band_keys[i] : 0);
  put<int64_t>(out, r.arrival_ms);
  put<uint32_t>(out, r.shingles);
  put<uint32_t>(out, r.masked_shingles);
  put<uint16_t>(out, r.similarity_milli);
  const std::string_view id = r.id.substr(0, 0xFFFF), story = r.story_id.substr(0, 0xFFFF);
  put<uint16_t>(out, id.size());
  put<uint16_t>(out, story.size());
  out.append(id);
  out.append(story);
  const size_t length = 2 * size_t{options_.num_hashes};
  for (size_t i = 0; i < length; ++i)
    out.push_back(static_cast<char>(i < r.signature.size() ? r.signature[i] : 0));
}

bool redis_dedup_store::decode(const redisReply& ref, const redisReply& bytes, dedup_entry& out) const {
  if (bytes.type != REDIS_REPLY_STRING || !parse_ref(ref, out.ref)) return false;
  const size_t fixed = 16 + 4 * size_t{options_.bands} + 8 + 4 + 4 + 2 + 2 + 2;
  const size_t length = 2 * size_t{options_.num_hashes};
  if (bytes.len < fixed) return false;
  const char* p = bytes.str + 16 + 4 * size_t{options_.bands};
  out.arrival_ms = get<int64_t>(p);
  out.shingles = get<uint32_t>(p + 8);
  out.masked_shingles = get<uint32_t>(p + 12);
  out.similarity_milli = get<uint16_t>(p + 16);
  const size_t id_len = get<uint16_t>(p + 18), story_len = get<uint16_t>(p + 20);
  if (bytes.len != fixed + id_len + story_len + length) return false;
  p += 22;
  out.id.assign(p, id_len);
  out.story_id.assign(p + id_len, story_len);
  const auto* sig = reinterpret_cast<const minhash_value*>(p + id_len + story_len);
  out.signature.assign(sig, sig + length);
  patch(out);
  return true;
}

void redis_dedup_store::patch(dedup_entry& e) const {
  for (const recent_decision& d : recent_)
    if (d.ref == e.ref) {
      e.story_id = d.story_id;
      e.similarity_milli = d.similarity_milli;
      return;
    }
}

void redis_dedup_store::lookup_args(redis_args& args, const std::string& entry, int64_t arrival_ms) {
  args.clear();
  args.add(seq_key_)
      .add(base_)
      .add(band_buckets_)
      .add(key_buckets_)
      .add(uint64_t{band_walk})
      .add(uint64_t{options_.bands})
      .add(2 * options_.window_ms)
      .add(cutoff_ms_)
      .add(entry)
      .add(arrival_ms)
      .add(options_.max_entries);
  // The article's buckets and band fields, as the scripts' key_slot and band_slot make them.
  const auto bucket = [&](std::string_view kind, uint64_t n) {
    slot_.assign(base_).append(kind);
    char digits[24];
    slot_.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
    args.add(slot_);
  };
  const char* keys = entry.data();
  bucket("b:", get<uint32_t>(keys) % key_buckets_);
  bucket("u:", get<uint32_t>(keys + 8) % key_buckets_);
  for (uint32_t i = 0; i < options_.bands; ++i) {
    const uint32_t band_key = get<uint32_t>(keys + 16 + 4 * i);
    bucket("k:", (uint64_t{band_key} + uint64_t{i} * 40503) % band_buckets_);
    slot_.assign(1, static_cast<char>(i)).append(keys + 16 + 4 * i, 4);
    args.add(slot_);
  }
}

void redis_dedup_store::begin_fetch(const dedup_record& as_unique) {
  std::lock_guard lock(mutex_);
  ticket t{.body_key = as_unique.body_key, .sent = false};
  // In order: nothing is sent while an earlier lookup still has to be redone.
  if (ready_ && unsent_ == 0) {
    encode(as_unique, begin_entry_);
    lookup_args(begin_args_, begin_entry_, as_unique.arrival_ms);
    t.sent = connection_.send_eval(lookup_script, 1, begin_args_);
    if (t.sent)
      in_flight_.push_back(answer::lookup);
    else
      ready_ = false;  // fetch() finds the connection broken and starts again
  }
  if (!t.sent) ++unsent_;
  tickets_.push_back(t);
}

void redis_dedup_store::break_pipeline() {
  connection_.reset("pipeline broken: " + connection_.last_error());
  in_flight_.clear();
  ready_ = false;
  for (ticket& t : tickets_)
    if (t.sent) {
      t.sent = false;
      ++unsent_;
    }
}

bool redis_dedup_store::receive_lookup(std::unique_lock<std::mutex>& lock, redis_reply& reply) {
  for (;;) {
    if (in_flight_.empty()) {
      spdlog::critical("dedup: waiting for a Redis lookup that was never sent");
      std::abort();
    }
    const answer kind = in_flight_.front();
    in_flight_.pop_front();
    lock.unlock();  // begin_fetch() may send meanwhile
    reply = connection_.receive();
    lock.lock();
    if (!reply) {
      break_pipeline();
      return false;
    }
    if (kind == answer::lookup) return true;
  }
}

bool redis_dedup_store::fetch(const dedup_record& as_unique) {
  std::unique_lock lock(mutex_);
  if (tickets_.empty()) return lookup_now(as_unique, lock);  // not begun: one round trip now
  const ticket t = tickets_.front();
  tickets_.pop_front();
  if (t.body_key != as_unique.body_key) {
    spdlog::critical("dedup: fetch() for another article than the lookup begun first");
    std::abort();
  }
  if (!t.sent) {
    --unsent_;
    return lookup_now(as_unique, lock);
  }
  redis_reply reply;
  return receive_lookup(lock, reply) && load(*reply);
}

bool redis_dedup_store::refetch(const dedup_record& as_unique) {
  std::unique_lock lock(mutex_);
  return lookup_now(as_unique, lock);
}

bool redis_dedup_store::lookup_now(const dedup_record& r, std::unique_lock<std::mutex>& lock) {
  ready_ = false;  // no lookup of a later article may overtake this one
  // Only decisions can be in flight: a later lookup is never sent while this one is unsent.
  redis_reply reply;
  while (!in_flight_.empty()) {
    if (in_flight_.front() == answer::lookup) {
      spdlog::critical("dedup: a Redis lookup in flight ahead of an earlier article's");
      std::abort();
    }
    in_flight_.pop_front();
    lock.unlock();
    reply = connection_.receive();
    lock.lock();
    if (!reply) {
      break_pipeline();
      return false;
    }
  }
  if (!check_format()) return false;
  encode(r, entry_);
  lookup_args(args_, entry_, r.arrival_ms);
  reply = connection_.eval(lookup_script, 1, args_);
  if (!reply) return false;
  ready_ = connection_.connected();
  return load(*reply);
}

bool redis_dedup_store::load(const redisReply& r) {
  has_body_ = has_url_ = false;
  candidate_count_ = 0;
  claimed_ = 0;
  if (r.type != REDIS_REPLY_ARRAY || r.elements < 7 || (r.elements - 7) % 2 != 0) {
    spdlog::error("dedup: unexpected answer from the Redis lookup script");
    return false;
  }
  redisReply** e = r.element;
  if (e[0]->type != REDIS_REPLY_NIL) claimed_ = integer_of(*e[0]);
  live_ = integer_of(*e[1]);
  forgotten_ += integer_of(*e[2]);
  has_body_ = e[3]->type != REDIS_REPLY_NIL && decode(*e[3], *e[4], body_);
  has_url_ = e[5]->type != REDIS_REPLY_NIL && decode(*e[5], *e[6], url_);
  const size_t n = (r.elements - 7) / 2;
  if (candidates_.size() < n) candidates_.resize(n);
  for (size_t i = 0; i < n; ++i)
    if (decode(*e[7 + 2 * i], *e[8 + 2 * i], candidates_[candidate_count_])) ++candidate_count_;
  return true;
}

dedup_store::claim_outcome redis_dedup_store::claim(const dedup_record& record, size_t& evicted) {
  std::lock_guard lock(mutex_);
  evicted += std::exchange(forgotten_, 0);
  // The lookup remembered it as unique; a near copy's entry gets its decision (story and
  // similarity), so later copies and redeliveries read it. An entry forgotten meanwhile
  // (a restarted Redis) stays forgotten: XX.
  if (claimed_ == 0 || (record.story_id == record.id && record.similarity_milli == 0)) {
    claimed_ = 0;
    return claim_outcome::remembered;
  }
  if (!ready_) {
    // The connection was lost (or a send failed): start again with nothing on its way.
    if (!in_flight_.empty()) break_pipeline();
    if (unsent_ == tickets_.size() && check_format()) ready_ = connection_.connected();
  }
  encode(record, entry_);
  args_.clear();
  char digits[24];
  slot_.assign(base_).append("e:").append(digits, std::to_chars(digits, digits + sizeof digits, claimed_).ptr);
  args_.add("SET").add(slot_).add(entry_).add("XX").add("KEEPTTL");
  if (!ready_ || !connection_.send(args_)) {
    ready_ = false;
    return claim_outcome::unavailable;  // claimed_ kept: retried
  }
  in_flight_.push_back(answer::decision);  // read with the next lookup's answer
  recent_decision& d = recent_[recent_next_++ % recent_.size()];
  d.ref = claimed_;
  d.story_id.assign(record.story_id);
  d.similarity_milli = record.similarity_milli;
  claimed_ = 0;
  return claim_outcome::remembered;
}

bool redis_dedup_store::find_body(uint64_t, dedup_entry& out) {
  std::lock_guard lock(mutex_);
  if (!has_body_) return false;
  out = body_;
  return true;
}

bool redis_dedup_store::find_url(uint64_t, dedup_entry& out) {
  std::lock_guard lock(mutex_);
  if (!has_url_) return false;
  out = url_;
  return true;
}

void redis_dedup_store::candidates(std::span<const uint32_t>, std::vector<uint64_t>& refs) {
  std::lock_guard lock(mutex_);
  refs.clear();
  for (size_t i = 0; i < candidate_count_; ++i) refs.push_back(candidates_[i].ref);
}

bool redis_dedup_store::read(uint64_t ref, dedup_entry& out) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < candidate_count_; ++i)
    if (candidates_[i].ref == ref) {
      out = candidates_[i];
      return true;
    }
  if (has_url_ && url_.ref == ref) {
    out = url_;
    return true;
  }
  if (has_body_ && body_.ref == ref) {
    out = body_;
    return true;
  }
  return false;
}

size_t redis_dedup_store::insert(const dedup_record& record) {
  size_t evicted = 0;
  claim(record, evicted);
  return evicted;
}

size_t redis_dedup_store::expire(int64_t cutoff_ms) {
  std::lock_guard lock(mutex_);
  cutoff_ms_ = cutoff_ms;
  return std::exchange(forgotten_, 0);
}

size_t redis_dedup_store::size() const {
  std::lock_guard lock(mutex_);
  return live_;
}

size_t redis_dedup_store::memory_bytes() const {
  std::lock_guard lock(mutex_);
  return furniture_.memory_bytes();
}

}  // namespace newsflow
