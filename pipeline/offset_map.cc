#include "pipeline/offset_map.h"

#include <algorithm>

namespace newsflow {

void offset_map::truncate_from(uint32_t to) {
  while (!anchors_.empty() && anchors_.back().to >= to) anchors_.pop_back();
  shift_ = anchors_.empty() ? 0 : static_cast<int64_t>(anchors_.back().from) - anchors_.back().to;
}

uint32_t offset_map::original(uint32_t normalized) const {
  auto it = std::upper_bound(anchors_.begin(), anchors_.end(), normalized,
                             [](uint32_t n, const anchor& a) { return n < a.to; });
  if (it == anchors_.begin()) return normalized;
  --it;
  return it->from + (normalized - it->to);
}

}  // namespace newsflow
