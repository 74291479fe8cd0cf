#include "processors/dedup/exact_key_index.h"

namespace newsflow {

bool exact_key_index::insert(uint64_t key, uint32_t value) {
  slot& s = slots_[probe(key)];
  if (s.used) return false;
  s = slot{key, value, 1};
  if (++size_ * 4 > capacity_ * 3) grow();
  return true;
}

void exact_key_index::assign(uint64_t key, uint32_t value) {
  if (!insert(key, value)) slots_[probe(key)].value = value;
}

void exact_key_index::erase_if_equal(uint64_t key, uint32_t value) {
  size_t i = probe(key);
  if (!slots_[i].used || slots_[i].value != value) return;
  // Backward-shift deletion: later slots of the same probe run move up, so no tombstones.
  for (size_t j = i;;) {
    j = next(j);
    if (!slots_[j].used) break;
    const size_t k = home(slots_[j].key);
    const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (stays) continue;
    slots_[i] = slots_[j];
    i = j;
  }
  slots_[i] = slot{};
  --size_;
}

void exact_key_index::grow() {
  std::vector<slot> old;
  old.swap(slots_);
  capacity_ += capacity_ / 2;
  slots_.assign(capacity_, slot{});
  for (const slot& s : old)
    if (s.used) slots_[probe(s.key)] = s;
}

}  // namespace newsflow
