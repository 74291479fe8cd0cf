#pragma once

#include <cstdint>

#include "connectors/kafka/offset_tracker.h"

namespace newsflow {

// What a produced message carries in its opaque so its delivery report can mark its input
// handled: the input's tracked partition id (16 bits) and offset (48 bits, enough for 2.8e14
// messages per partition). Packed into the pointer-sized opaque: no allocation per message.
struct delivery_token {
  static constexpr int offset_bits = 48;
  static constexpr uint64_t offset_mask = (uint64_t{1} << offset_bits) - 1;

  static bool fits(int64_t offset) { return offset >= 0 && static_cast<uint64_t>(offset) <= offset_mask; }
  static uint64_t make(offset_tracker::partition_id id, int64_t offset) {
    return (uint64_t{id} << offset_bits) | (static_cast<uint64_t>(offset) & offset_mask);
  }
  static offset_tracker::partition_id partition(uint64_t token) {
    return static_cast<offset_tracker::partition_id>(token >> offset_bits);
  }
  static int64_t offset(uint64_t token) { return static_cast<int64_t>(token & offset_mask); }
};

}  // namespace newsflow
