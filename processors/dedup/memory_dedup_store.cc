#include "processors/dedup/memory_dedup_store.h"

#include <algorithm>

namespace newsflow {

memory_dedup_store::memory_dedup_store(uint32_t signature_length, uint32_t bands,
                                       size_t max_entries, uint32_t furniture_stories,
                                       bool keep_signatures)
    : num_hashes_(signature_length),
      keep_signatures_(keep_signatures),
      bands_(std::min(bands, signature_length)),
      max_entries_(std::max<size_t>(1, max_entries)),
      bands_index_(bands_),
      furniture_(furniture_stories) {}

void memory_dedup_store::mark_furniture(std::span<const uint64_t> line_keys,
                                        std::span<uint8_t> furniture) const {
  std::lock_guard lock(mutex_);
  furniture_.mark_furniture(line_keys, furniture);
}

void memory_dedup_store::add_lines(std::span<const uint64_t> line_keys, uint64_t story_key) {
  std::lock_guard lock(mutex_);
  furniture_.add(line_keys, story_key);
}

void memory_dedup_store::copy_out(uint32_t seq, dedup_entry& out) const {
  const size_t i = index_of(seq);
  const slot& s = slots_[i];
  out.ref = seq;
  out.id.assign(arena_view(s.id_pos, s.id_len));
  out.story_id.assign(arena_view(s.story_pos, s.story_len));
  out.arrival_ms = s.arrival_ms;
  out.shingles = s.shingles;
  out.masked_shingles = s.masked_shingles;
  out.similarity_milli = s.similarity_milli;
  if (!keep_signatures_) {
    out.signature.clear();
    return;
  }
  out.signature.resize(num_hashes_);
  const auto first = signatures_.begin() + static_cast<std::ptrdiff_t>(i * num_hashes_);
  std::copy(first, first + num_hashes_, out.signature.begin());
}

bool memory_dedup_store::find_body(uint64_t body_key, dedup_entry& out) {
  std::lock_guard lock(mutex_);
  const uint32_t seq = by_body_.find(body_key);
  if (seq == exact_key_index::none || !live(seq)) return false;
  copy_out(seq, out);
  return true;
}

bool memory_dedup_store::find_url(uint64_t url_key, dedup_entry& out) {
  std::lock_guard lock(mutex_);
  const uint32_t seq = by_url_.find(url_key);
  if (seq == exact_key_index::none || !live(seq)) return false;
  copy_out(seq, out);
  return true;
}

void memory_dedup_store::candidates(std::span<const uint32_t> band_keys,
                                    std::vector<uint64_t>& refs) {
  refs.clear();
  if (band_keys.size() < bands_) return;
  std::lock_guard lock(mutex_);
  hits_.clear();
  bands_index_.find(band_keys.first(bands_), band_walk, hits_);
  // A candidate shares at least two bands.
  std::sort(hits_.begin(), hits_.end());
  for (size_t i = 0; i < hits_.size();) {
    size_t j = i;
    while (j < hits_.size() && hits_[j] == hits_[i]) ++j;
    if (j - i >= 2) refs.push_back(hits_[i]);
    i = j;
  }
}

bool memory_dedup_store::read(uint64_t ref, dedup_entry& out) {
  std::lock_guard lock(mutex_);
  const auto seq = static_cast<uint32_t>(ref);
  if (ref > 0xFFFFFFFFu || !live(seq)) return false;
  copy_out(seq, out);
  return true;
}

size_t memory_dedup_store::insert(const dedup_record& r) {
  std::lock_guard lock(mutex_);
  size_t evicted = 0;
  while (slots_.size() >= max_entries_) {
    evict_oldest();
    ++evicted;
  }
  const uint32_t seq = first_seq_ + static_cast<uint32_t>(slots_.size());
  slot s{};
  s.arrival_ms = r.arrival_ms;
  const std::string_view id = r.id.substr(0, 0xFFFF);
  const std::string_view story = r.story_id.substr(0, 0xFFFF);
  s.id_pos = arena_base_ + arena_.size();
  s.id_len = static_cast<uint16_t>(id.size());
  arena_.append(id);
  if (story == id) {
    s.story_pos = s.id_pos;
  } else {
    s.story_pos = arena_base_ + arena_.size();
    arena_.append(story);
  }
  s.story_len = static_cast<uint16_t>(story.size());
  s.shingles = r.shingles;
  s.masked_shingles = r.masked_shingles;
  s.body_key = r.body_key;
  s.url_key = r.url_key;
  s.similarity_milli = r.similarity_milli;
  slots_.push_back(s);

  if (keep_signatures_)
    for (uint32_t i = 0; i < num_hashes_; ++i)
      signatures_.push_back(i < r.signature.size() ? r.signature[i] : 0);
  bands_index_.push_back(seq, r.band_keys.first(std::min<size_t>(bands_, r.band_keys.size())));
  by_body_.insert(r.body_key, seq);  // the earliest copy stays the target
  if (r.url_key != 0) by_url_.assign(r.url_key, seq);  // the latest page at a URL
  return evicted;
}

void memory_dedup_store::evict_oldest() {
  if (slots_.empty()) return;
  const uint32_t seq = first_seq_;
  const slot& s = slots_.front();
  bands_index_.pop_front();
  by_body_.erase_if_equal(s.body_key, seq);
  if (s.url_key != 0)
    by_url_.erase_if_equal(s.url_key, seq);
  const uint64_t end = std::max(s.id_pos + s.id_len, s.story_pos + s.story_len);
  arena_dead_ = std::max(arena_dead_, end - arena_base_);
  if (arena_dead_ >= 4096 && arena_dead_ * 2 >= arena_.size()) {
    arena_.erase(0, arena_dead_);
    arena_base_ += arena_dead_;
    arena_dead_ = 0;
  }
  slots_.pop_front();
  if (keep_signatures_) signatures_.erase(signatures_.begin(), signatures_.begin() + num_hashes_);
  ++first_seq_;
}

size_t memory_dedup_store::expire(int64_t cutoff_ms) {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  while (!slots_.empty() && slots_.front().arrival_ms < cutoff_ms) {
    evict_oldest();
    ++n;
  }
  return n;
}

void memory_dedup_store::save_furniture(std::string& bytes) const {
  std::lock_guard lock(mutex_);
  furniture_.save(bytes);
}

bool memory_dedup_store::load_furniture(std::string_view bytes) {
  std::lock_guard lock(mutex_);
  return furniture_.load(bytes);
}

uint32_t memory_dedup_store::next_ref() const {
  std::lock_guard lock(mutex_);
  return first_seq_ + static_cast<uint32_t>(slots_.size());
}

size_t memory_dedup_store::size() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

size_t memory_dedup_store::memory_bytes() const {
  std::lock_guard lock(mutex_);
  // Payload bytes of every structure (deques add a few percent of block bookkeeping).
  return slots_.size() * sizeof(slot) + bands_index_.memory_bytes() +
         signatures_.size() * sizeof(minhash_value) + arena_.capacity() +
         by_body_.memory_bytes() + by_url_.memory_bytes() +
         furniture_.memory_bytes();
}

}  // namespace newsflow
