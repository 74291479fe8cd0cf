#include "processors/dedup/furniture_table.h"

#include <cstring>

namespace newsflow {

furniture_table::furniture_table(uint32_t min_stories, uint32_t slots_log2)
    : slots_(min_stories > 0 ? size_t{1} << slots_log2 : 1, 0),
      mask_(min_stories > 0 ? (uint64_t{1} << slots_log2) - 1 : 0),
      min_stories_(min_stories) {}

void furniture_table::mark_furniture(std::span<const uint64_t> line_keys,
                                     std::span<uint8_t> furniture) const {
  for (size_t i = 0; i < line_keys.size() && i < furniture.size(); ++i)
    furniture[i] = is_furniture(line_keys[i]) ? 1 : 0;
}

void furniture_table::add(std::span<const uint64_t> line_keys, uint64_t story_key) {
  if (min_stories_ == 0) return;
  const uint32_t tag = static_cast<uint32_t>(story_key >> 40) << 8;  // 24 bits
  for (uint64_t key : line_keys) {
    uint32_t& s = slots_[key & mask_];
    if ((s & 0xFFFFFF00u) == tag) continue;  // this story already counted here
    const uint32_t count = s & 0xFF;
    s = tag | (count < 0xFF ? count + 1 : count);
    if (++updates_ > mask_) {  // decay: halve every count once per table's worth of updates
      updates_ = 0;
      for (uint32_t& x : slots_) x = (x & 0xFFFFFF00u) | ((x & 0xFF) >> 1);
    }
  }
}

void furniture_table::save(std::string& bytes) const {
  bytes.resize(sizeof(updates_) + slots_.size() * sizeof(uint32_t));
  std::memcpy(bytes.data(), &updates_, sizeof(updates_));
  std::memcpy(bytes.data() + sizeof(updates_), slots_.data(), slots_.size() * sizeof(uint32_t));
}

bool furniture_table::load(std::string_view bytes) {
  if (bytes.size() != sizeof(updates_) + slots_.size() * sizeof(uint32_t)) return false;
  std::memcpy(&updates_, bytes.data(), sizeof(updates_));
  std::memcpy(slots_.data(), bytes.data() + sizeof(updates_), slots_.size() * sizeof(uint32_t));
  return true;
}

}  // namespace newsflow
