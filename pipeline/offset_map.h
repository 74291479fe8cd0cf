#pragma once

#include <cstdint>
#include <vector>

namespace newsflow {

// Maps code point positions in a rewritten string (normalized text) back to positions in
// the string it came from, so offsets computed on normalized text can be reported against
// the field the user sent. Stored as anchors where the shift between the two changes; a
// position maps through the last anchor at or before it. An empty map is the identity.
class offset_map {
 public:
  void clear() { anchors_.clear(); }
  bool identity() const { return anchors_.empty(); }

  // From normalized position `to` on, normalized position `to + k` came from original `from + k`.
  // Anchors must be added with non-decreasing `to`.
  void add(uint32_t to, uint32_t from);

  uint32_t original(uint32_t normalized) const;

 private:
  struct anchor {
    uint32_t to;
    uint32_t from;
  };
  std::vector<anchor> anchors_;
};

}  // namespace newsflow
