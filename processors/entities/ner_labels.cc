#include "processors/entities/ner_labels.h"

#include <algorithm>

namespace newsflow {

std::optional<uint8_t> entity_type_index(std::string_view name) {
  const auto it = std::find(entity_types.begin(), entity_types.end(), name);
  if (it == entity_types.end()) return std::nullopt;
  return static_cast<uint8_t>(it - entity_types.begin());
}

}  // namespace newsflow
