#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace newsflow {

// Entity types, as written to enrichment.entities[].type.
inline constexpr std::array<std::string_view, 4> entity_types = {"PER", "ORG", "LOC", "MISC"};
std::optional<uint8_t> entity_type_index(std::string_view name);

// Token labels in the BILOU scheme (Ratinov & Roth 2009: better than IOB for greedy
// taggers): 0 is O (outside); 1 + 4 * type + part, part B(egin) I(nside) L(ast) U(nit).
namespace ner_label {
inline constexpr uint8_t outside = 0;
inline constexpr uint8_t part_begin = 0, part_inside = 1, part_last = 2, part_unit = 3;
inline constexpr uint8_t count = 1 + 4 * entity_types.size();
inline constexpr uint8_t make(uint8_t type, uint8_t part) { return static_cast<uint8_t>(1 + 4 * type + part); }
inline constexpr uint8_t type_of(uint8_t label) { return static_cast<uint8_t>((label - 1) / 4); }
inline constexpr uint8_t part_of(uint8_t label) { return static_cast<uint8_t>((label - 1) % 4); }
// Whether `label` may follow `previous` (outside before the first token): an entity that
// begins must go on with I or L of its type; anything else may not.
inline constexpr bool may_follow(uint8_t previous, uint8_t label) {
  const bool open = previous != outside && (part_of(previous) == part_begin || part_of(previous) == part_inside);
  if (!open) return label == outside || part_of(label) == part_begin || part_of(label) == part_unit;
  return label != outside && type_of(label) == type_of(previous) &&
         (part_of(label) == part_inside || part_of(label) == part_last);
}
}  // namespace ner_label

}  // namespace newsflow
