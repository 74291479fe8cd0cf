#include "pipeline/offset_map.h"

#include <algorithm>

namespace newsflow {

void offset_map::add(uint32_t to, uint32_t from) {
  if (!anchors_.empty()) {
    anchor& last = anchors_.back();
    // Same shift as the anchor before: nothing new to record.
    if (static_cast<int64_t>(from) - to == static_cast<int64_t>(last.from) - last.to) return;
    if (last.to == to) {
      last.from = from;
      return;
    }
  } else if (from == to) {
    return;
  }
  anchors_.push_back({to, from});
}

uint32_t offset_map::original(uint32_t normalized) const {
  auto it = std::upper_bound(anchors_.begin(), anchors_.end(), normalized,
                             [](uint32_t n, const anchor& a) { return n < a.to; });
  if (it == anchors_.begin()) return normalized;
  --it;
  return it->from + (normalized - it->to);
}

}  // namespace newsflow
