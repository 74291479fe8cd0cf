#include "processors/dedup/band_index.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>

namespace newsflow {

band_index::band_index(uint32_t bands)
    : bands_(std::max<uint32_t>(1, bands)),
      used_per_band_(bands_, 0),
      slots_(static_cast<size_t>(bands_) * capacity_, slot{0, none}) {}

band_index::slot& band_index::probe(uint32_t band, uint32_t key) {
  slot* t = table(band);
  size_t i = home(key);
  while (t[i].head != none && t[i].key != key) i = i + 1 == capacity_ ? 0 : i + 1;
  return t[i];
}

void band_index::push_back(uint32_t seq, std::span<const uint32_t> keys) {
  if (seq != first_seq_ + static_cast<uint32_t>(size())) std::abort();  // entries come in order
  for (uint32_t b = 0; b < bands_; ++b) {
    const uint32_t key = b < keys.size() ? keys[b] : 0;
    slot& s = probe(b, key);
    if (s.head == none) {
      s.key = key;
      ++used_per_band_[b];
      links_.push_back({key, none});
    } else {
      links_.push_back({key, s.head});
    }
    s.head = seq;
  }
  for (size_t u : used_per_band_)
    if (u * 4 > capacity_ * 3) {
      grow();
      break;
    }
}

void band_index::pop_front() {
  if (links_.empty()) return;
  for (uint32_t b = 0; b < bands_; ++b) {
    const uint32_t key = links_[b].key;
    slot* t = table(b);
    size_t i = home(key);
    while (t[i].head != none && t[i].key != key) i = i + 1 == capacity_ ? 0 : i + 1;
    // The oldest entry is the end of its chain; if it is also the head, the key is gone.
    if (t[i].head == first_seq_) erase(b, i);
  }
  links_.erase(links_.begin(), links_.begin() + bands_);
  ++first_seq_;
}

void band_index::erase(uint32_t band, size_t at) {
  // Backward-shift deletion: later slots of the same probe run move up, so no tombstones.
  slot* t = table(band);
  size_t i = at;
  for (size_t j = i;;) {
    j = j + 1 == capacity_ ? 0 : j + 1;
    if (t[j].head == none) break;
    const size_t k = home(t[j].key);
    const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (stays) continue;
    t[i] = t[j];
    i = j;
  }
  t[i] = slot{0, none};
  --used_per_band_[band];
}

void band_index::grow() {
  const size_t old_capacity = capacity_;
  std::vector<slot> old;
  old.swap(slots_);
  capacity_ = old_capacity + old_capacity / 2;
  slots_.assign(static_cast<size_t>(bands_) * capacity_, slot{0, none});
  for (uint32_t b = 0; b < bands_; ++b) {
    const slot* from = old.data() + static_cast<size_t>(b) * old_capacity;
    for (size_t i = 0; i < old_capacity; ++i)
      if (from[i].head != none) probe(b, from[i].key) = from[i];
  }
}

void band_index::find(std::span<const uint32_t> keys, uint32_t max_walk,
                      std::vector<uint32_t>& hits) const {
  const uint32_t n = std::min<uint32_t>(bands_, static_cast<uint32_t>(keys.size()));
  // The table slots are random reads in arrays larger than the caches: ask for all first.
  for (uint32_t b = 0; b < n; ++b) __builtin_prefetch(&table(b)[home(keys[b])]);
  for (uint32_t b = 0; b < n; ++b) {
    const slot* t = table(b);
    size_t i = home(keys[b]);
    while (t[i].head != none && t[i].key != keys[b]) i = i + 1 == capacity_ ? 0 : i + 1;
    uint32_t seq = t[i].head;
    for (uint32_t walked = 0; seq != none && live(seq) && walked < max_walk; ++walked) {
      hits.push_back(seq);
      seq = links_[static_cast<size_t>(seq - first_seq_) * bands_ + b].next;
    }
  }
}

size_t band_index::memory_bytes() const {
  return links_.size() * sizeof(link) + slots_.size() * sizeof(slot);
}

}  // namespace newsflow
