#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace newsflow {

// Maps code point positions in a rewritten string (normalized text) back to positions in
// the string it came from, so offsets computed on normalized text can be reported against
// the field the user sent. Stored as anchors where the shift between the two changes; a
// position maps through the last anchor at or before it. An empty map is the identity.
class offset_map {
 public:
  // From normalized position `to` on, normalized position `to + k` came from original `from + k`.
  struct anchor {
    uint32_t to;
    uint32_t from;
  };

  void clear() {
    anchors_.clear();
    shift_ = 0;
  }
  bool identity() const { return anchors_.empty(); }
  // Frees the anchors' memory when it grew beyond `limit` bytes.
  void release_buffer_over(size_t limit) {
    if (anchors_.capacity() * sizeof(anchor) > limit) std::vector<anchor>().swap(anchors_);
  }

  // Anchors must be added with non-decreasing `to`. Inline: the normalizer calls it once per
  // copied run of text.
  void add(uint32_t to, uint32_t from) {
    const int64_t shift = static_cast<int64_t>(from) - to;
    if (shift == shift_) return;  // nothing new to record
    if (!anchors_.empty() && anchors_.back().to == to) {
      anchors_.back().from = from;
    } else {
      anchors_.push_back({to, from});
    }
    shift_ = shift;
  }

  // Drops every anchor at or after normalized position `to` (the map is rewritten from there).
  void truncate_from(uint32_t to);

  uint32_t original(uint32_t normalized) const;

  const std::vector<anchor>& anchors() const { return anchors_; }

 private:
  std::vector<anchor> anchors_;
  int64_t shift_ = 0;  // from - to of the last anchor (0: identity so far)
};

}  // namespace newsflow
