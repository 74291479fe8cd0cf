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
// Whether `label` may follow `previous` (outside before the first token). An open entity
// (B or I before) goes on with I or L of its type, or ends where it is: O, B or U may
// follow, and labels_to_spans closes it at its last token. Without that way out a greedy
// decoder that has begun an entity must drag it on until an L scores best ("R. Dominicana)
// 16,10 16,55 Pesos (Uruguay" as one name); the way out is worth +0.2 / +0.8 / +1.6 dev F1
// (en / es / nl, trainer figures). I and L never follow a closed label.
inline constexpr bool may_follow(uint8_t previous, uint8_t label) {
  const bool open = previous != outside && (part_of(previous) == part_begin || part_of(previous) == part_inside);
  if (!open) return label == outside || part_of(label) == part_begin || part_of(label) == part_unit;
  if (label == outside || part_of(label) == part_begin || part_of(label) == part_unit) return true;
  return type_of(label) == type_of(previous);
}
}  // namespace ner_label

}  // namespace newsflow
