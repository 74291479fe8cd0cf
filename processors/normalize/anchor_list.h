#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "pipeline/offset_map.h"

namespace newsflow {

// One anchor of a position map: from normalized position `to` on, position `to + k` came
// from original position `from + k` (same meaning as in offset_map).
struct position_anchor {
  uint32_t to;
  uint32_t from;
};

// A position map under construction. Same semantics as offset_map, but the anchors are
// readable: the NFC pass has to walk the fold's anchors to chain the two maps, and
// offset_map keeps its anchors private. copy_to() hands the result over at the end.
class anchor_list {
 public:
  void clear() {
    items_.clear();
    shift_ = 0;
  }

  // Inline: the fold calls this once per copied run of text.
  void add(uint32_t to, uint32_t from) {
    const int64_t shift = static_cast<int64_t>(from) - to;
    if (shift == shift_) return;
    if (!items_.empty() && items_.back().to == to) {
      items_.back().from = from;
    } else {
      items_.push_back({to, from});
    }
    shift_ = shift;
  }

  uint32_t original(uint32_t normalized) const {
    auto it = std::upper_bound(items_.begin(), items_.end(), normalized,
                               [](uint32_t n, const position_anchor& a) { return n < a.to; });
    if (it == items_.begin()) return normalized;
    --it;
    return it->from + (normalized - it->to);
  }

  // Drops every anchor at or after normalized position `to` (the map is being rewritten from
  // there on).
  void truncate_from(uint32_t to) {
    while (!items_.empty() && items_.back().to >= to) items_.pop_back();
    shift_ = items_.empty() ? 0 : static_cast<int64_t>(items_.back().from) - items_.back().to;
  }

  const std::vector<position_anchor>& items() const { return items_; }
  bool identity() const { return items_.empty(); }

  void copy_to(offset_map& map) const {
    map.clear();
    for (const position_anchor& a : items_) map.add(a.to, a.from);
  }

 private:
  std::vector<position_anchor> items_;
  int64_t shift_ = 0;  // from - to of the last anchor (0: identity so far)
};

}  // namespace newsflow
