#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace newsflow {

// A map from 64-bit keys that are already well mixed hashes (ner_word_key, the gazetteer's
// phrase keys, a model's feature keys) to small values, filled once at load time and then
// only read, by every worker. Open addressing with linear probing, at most half full: a look-up reads one or
// two adjacent slots where std::unordered_map follows a bucket to a separately allocated
// node (two cache misses on the tagger's word-cache misses).
template <class Value>
class hashed_key_table {
 public:
  // The value slot of `key` and whether it was added now (value-initialised) or was there.
  std::pair<Value*, bool> emplace(uint64_t key) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    key = stored(key);
    size_t i = key & mask_;
    while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & mask_;
    const bool added = slots_[i].key == 0;
    if (added) {
      slots_[i] = slot{key, Value{}};
      ++size_;
    }
    return {&slots_[i].value, added};
  }
  // The value of `key`, or null.
  const Value* find(uint64_t key) const {
    if (slots_.empty()) return nullptr;
    key = stored(key);
    for (size_t i = key & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == 0) return nullptr;
    }
  }
  // Asks the processor to fetch the slot a find(key) reads first.
  void prefetch(uint64_t key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[stored(key) & mask_]);
  }
  size_t size() const { return size_; }

 private:
  struct slot {
    uint64_t key;  // 0: empty
    Value value;
  };
  // 0 marks an empty slot, so a key of 0 is stored as 1 (as ner_weights does; hashes give
  // neither in practice, and the two would share a slot).
  static uint64_t stored(uint64_t key) { return key == 0 ? 1 : key; }
  void grow() {
    std::vector<slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : 2 * old.size(), slot{0, Value{}});
    mask_ = slots_.size() - 1;
    for (const slot& s : old) {
      if (s.key == 0) continue;
      size_t i = s.key & mask_;
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace newsflow
