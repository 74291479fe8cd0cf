#include "processors/dedup/band_index.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>

namespace newsflow {

band_index::band_index(uint32_t bands)
    : bands_(std::clamp<uint32_t>(bands, 1, max_bands)),
      used_per_band_(bands_, 0),
      slots_(static_cast<size_t>(bands_) * capacity_, slot{0, none}) {}

size_t band_index::find_slot(uint32_t band, uint32_t key) const {
  const slot* t = table(band);
  size_t i = home(key);
  while (t[i].head != none && (t[i].key & key_bits) != key) i = i + 1 == capacity_ ? 0 : i + 1;
  return i;
}

band_index::slot& band_index::probe(uint32_t band, uint32_t key) {
  return table(band)[find_slot(band, key)];
}

void band_index::push_back(uint32_t seq, std::span<const uint32_t> keys) {
  if (seq != first_seq_ + static_cast<uint32_t>(size())) std::abort();  // entries come in order
  for (uint32_t b = 0; b < bands_; ++b) {
    const uint32_t key = (b < keys.size() ? keys[b] : 0) & key_bits;
    slot& s = probe(b, key);
    if (s.head == none) {
      s.key = key;
      ++used_per_band_[b];
      links_.push_back({key, none});
    } else {
      s.key |= older_bit;
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
    const size_t i = find_slot(b, links_[b].key);
    // The oldest entry is the end of its chain; if it is also the head, the key is gone.
    if (table(b)[i].head == first_seq_) erase(b, i);
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
      if (from[i].head != none) probe(b, from[i].key & key_bits) = from[i];
  }
}

void band_index::find(std::span<const uint32_t> keys, uint32_t max_walk,
                      std::vector<uint32_t>& hits) const {
  const uint32_t n = std::min<uint32_t>(bands_, static_cast<uint32_t>(keys.size()));
  // Slots and links are random reads in arrays larger than the caches: each round asks for
  // all it will read before reading any, so the misses overlap instead of queueing.
  for (uint32_t b = 0; b < n; ++b) __builtin_prefetch(&table(b)[home(keys[b])]);
  struct walk {
    uint32_t band, seq;
  };
  walk walks[max_bands];
  uint32_t walking = 0;
  for (uint32_t b = 0; b < n; ++b) {
    const slot& s = table(b)[find_slot(b, keys[b] & key_bits)];
    if (s.head == none || !live(s.head) || max_walk == 0) continue;
    hits.push_back(s.head);
    if ((s.key & older_bit) == 0 || max_walk == 1 || walking == max_bands) continue;
    __builtin_prefetch(&links_[static_cast<size_t>(s.head - first_seq_) * bands_ + b]);
    walks[walking++] = {b, s.head};
  }
  // The chains a step at a time, all bands together, each next link asked for a round ahead.
  for (uint32_t walked = 1; walked < max_walk && walking > 0; ++walked) {
    uint32_t still = 0;
    for (uint32_t w = 0; w < walking; ++w) {
      const uint32_t b = walks[w].band;
      const uint32_t seq = links_[static_cast<size_t>(walks[w].seq - first_seq_) * bands_ + b].next;
      if (seq == none || !live(seq)) continue;
      hits.push_back(seq);
      __builtin_prefetch(&links_[static_cast<size_t>(seq - first_seq_) * bands_ + b]);
      walks[still++] = {b, seq};
    }
    walking = still;
  }
}

size_t band_index::memory_bytes() const {
  return links_.size() * sizeof(link) + slots_.size() * sizeof(slot);
}

}  // namespace newsflow
