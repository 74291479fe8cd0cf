#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace newsflow::ner_feature {

// Feature templates: the seed of each value's hash. Never renumber (a model's features
// are these hashes); add new ones at the end.
enum tmpl : uint64_t {
  bias = 1,
  word_lower,
  word_as_written,
  shape_long,
  shape_short,
  prefix1,  // ..prefix4 = prefix1 + 3
  suffix1 = prefix1 + 4,
  prev_word = suffix1 + 4,
  next_word,
  prev2_word,
  next2_word,
  prev_shape,
  next_shape,
  prev_bigram,
  next_bigram,
  sentence_start_shape,
  caps_line_shape,
  shape_trigram,
  label1,
  label2,
  label1_word,
  label1_shape,
  document_case,
  history_type,
  history_shape,
  name_list,
  name_list_shape,
  first_label,
  first_next,
  first_next2,
  first_around,
  first_word_majority,
  first_word_majority_shape,
  cluster_coarse,
  cluster_fine,
  cluster_fine_shape,
  prev_cluster,
  next_cluster,
  elsewhere_prev,
  elsewhere_next,
  dense_component,  // (slot, dimension) of a word vector: dense_key
  first_left_across,   // (first-stage label two tokens back, the word between)
  first_right_across,  // (the word between, first-stage label two tokens ahead)
  quote_stretch,        // (role in a quoted stretch of a line, its length): ner_document_context
  quote_stretch_shape,  // (the same, the short shape of the stretch's first word)
};

// The feature of template `t` with a text value, and with one or two numeric values.
uint64_t key(uint64_t t, std::string_view value);
uint64_t combine(uint64_t t, uint64_t a, uint64_t b);

// Word vectors (word_vectors.h) are real-valued features: token i gets the components of
// the vectors of the word at i + dense_offsets[slot] for each slot (the word itself, the
// previous one, the next one); dense_key(slot, dimension) is the feature whose weight row
// the component multiplies.
inline constexpr int dense_offsets[] = {0, -1, 1};
inline constexpr size_t dense_slots = std::size(dense_offsets);
inline uint64_t dense_key(size_t slot, uint32_t dimension) { return combine(dense_component, slot, dimension); }

// Roles in a quoted stretch (quote_stretch), whose lengths in words are told apart up to
// quote_lengths (longer ones count as that many).
enum quote_role : uint64_t { quote_open, quote_close, quoted_first, quoted_last, quoted_only, quoted_middle };
inline constexpr size_t quote_lengths = 7;

// The value of a neighbour beyond the document ("__BOUND_").
inline constexpr uint64_t boundary_key = 0x5f5f424f554e445fULL;
// The value of a first-stage label beyond the document.
inline constexpr uint64_t no_label = 0xFF;

}  // namespace newsflow::ner_feature
