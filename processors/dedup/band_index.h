#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace newsflow {

// The LSH buckets of the dedup store: for each band, which remembered entries have a given
// band key, newest first. Entries are numbered by 32-bit sequence numbers, added at the back
// and removed from the front (the store forgets oldest first).
//
// Per band, an open-addressing table (linear probing, at most 3/4 full) maps a key to the
// newest entry with that key; each entry links, per band, to the next older entry with the
// same key. A lookup is one table probe per band (a cache miss or two) plus one step per
// entry walked, and only entries that share the key are walked. Keys common to many
// entries (a frequent word triple holding a minimum) make long chains: find() walks at most
// `max_walk` of them, the newest.
//
// A slot also tells whether its key ever had an older entry: most keys belong to one entry,
// and for them a lookup reads no link (at a million entries, a link is a cache miss).
//
// Memory per entry: 8 B per band for its key and link, and about 10.7 B per band of table
// (8-byte slots, 3/4 full at most, grown by half when full).
class band_index {
 public:
  static constexpr uint32_t none = 0xFFFFFFFFu;
  static constexpr uint32_t max_bands = 64;

  explicit band_index(uint32_t bands);

  // Adds entry `seq` (the sequence number after the newest) with one key per band.
  void push_back(uint32_t seq, std::span<const uint32_t> keys);
  // Forgets the oldest entry.
  void pop_front();
  // Appends to `hits`, for each band, the newest entries (at most max_walk) whose key in that
  // band is keys[band] (compared on 31 bits): an entry appears once per band it shares. In
  // no particular order.
  void find(std::span<const uint32_t> keys, uint32_t max_walk, std::vector<uint32_t>& hits) const;

  size_t size() const { return links_.size() / bands_; }
  size_t memory_bytes() const;

 private:
  // Keys are kept to 31 bits; the top bit of a slot's key says the chain may go on.
  static constexpr uint32_t key_bits = 0x7FFFFFFFu, older_bit = 0x80000000u;
  struct slot {
    uint32_t key;   // key | older_bit once a second entry got this key
    uint32_t head;  // newest entry with this key; `none` = empty slot
  };
  struct link {
    uint32_t key;
    uint32_t next;  // next older entry with the same key in this band, or `none`
  };

  bool live(uint32_t seq) const { return seq - first_seq_ < static_cast<uint32_t>(size()); }
  size_t home(uint32_t key) const {  // key * capacity / 2^31: any capacity, no modulo
    return static_cast<size_t>((static_cast<uint64_t>(key & key_bits) * capacity_) >> 31);
  }
  slot* table(uint32_t band) { return slots_.data() + static_cast<size_t>(band) * capacity_; }
  const slot* table(uint32_t band) const {
    return slots_.data() + static_cast<size_t>(band) * capacity_;
  }
  // The slot holding `key` (31 bits) in `band`, or the empty slot where it would go.
  slot& probe(uint32_t band, uint32_t key);
  size_t find_slot(uint32_t band, uint32_t key) const;
  void erase(uint32_t band, size_t at);
  void grow();

  const uint32_t bands_;
  uint32_t first_seq_ = 0;
  std::deque<link> links_;   // bands_ per entry, oldest entry first
  size_t capacity_ = 1024;   // slots per band
  std::vector<size_t> used_per_band_;  // occupied slots
  std::vector<slot> slots_;  // bands_ x capacity_
};

}  // namespace newsflow
