#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace newsflow {

// 64-bit key -> 32-bit entry number, for the dedup store's exact keys (body hash, canonical
// URL hash). Open addressing with linear probing and backward-shift deletion, at most 3/4
// full, grown by half: 16 bytes a slot, no allocation per key (a node-based map allocates on
// every remembered article and needs ~40 bytes a key).
class exact_key_index {
 public:
  static constexpr uint32_t none = 0xFFFFFFFFu;

  exact_key_index() : slots_(capacity_) {}

  // The entry stored under `key`, or `none`.
  uint32_t find(uint64_t key) const {
    const slot& s = slots_[probe(key)];
    return s.used ? s.value : none;
  }
  // Stores `value` under `key` unless the key is there already (true if stored).
  bool insert(uint64_t key, uint32_t value);
  // Stores `value` under `key`, replacing what was there.
  void assign(uint64_t key, uint32_t value);
  // Removes `key` if it maps to `value`.
  void erase_if_equal(uint64_t key, uint32_t value);

  size_t size() const { return size_; }
  size_t memory_bytes() const { return slots_.size() * sizeof(slot); }

 private:
  struct slot {
    uint64_t key = 0;
    uint32_t value = 0;
    uint32_t used = 0;
  };
  size_t home(uint64_t key) const {  // the high bits of a hash key, scaled: any capacity
    return static_cast<size_t>(((key >> 32) * capacity_) >> 32);
  }
  size_t next(size_t i) const { return i + 1 == capacity_ ? 0 : i + 1; }
  size_t probe(uint64_t key) const {
    size_t i = home(key);
    while (slots_[i].used && slots_[i].key != key) i = next(i);
    return i;
  }
  void grow();

  size_t capacity_ = 1024;
  size_t size_ = 0;
  std::vector<slot> slots_;
};

}  // namespace newsflow
