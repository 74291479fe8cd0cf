#pragma once

#include <cstddef>
#include <cstdint>
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "processors/entities/gazetteer.h"
#include "processors/entities/ner_labels.h"
#include "processors/entities/ner_tokenizer.h"
#include "processors/entities/word_clusters.h"
#include "processors/entities/word_vectors.h"

namespace newsflow {

// The features of every token of one document that do not depend on labels, as 64-bit
// hashes of (template, value): token i has hashes[offsets[i], offsets[i + 1]).
struct ner_document_features {
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> offsets;
  std::vector<uint64_t> word_keys;   // per token: its lower-cased form's hash (label features)
  std::vector<uint32_t> word_ids;    // per token: its word's number (document_words)
  uint32_t words = 0;                // distinct words
  // Word vectors (dense features): per token, its word's row in `vectors` (-1: none); null
  // without vectors.
  std::vector<int32_t> vector_rows;
  const word_vectors* vectors = nullptr;
  std::vector<uint64_t> shape_keys;  // per token: its short shape's hash

  std::span<const uint64_t> of(size_t token) const {
    return std::span(hashes).subspan(offsets[token], offsets[token + 1] - offsets[token]);
  }
};

// The words of a document numbered 0, 1, … in order of first occurrence (by their
// lower-cased form), so what is kept per word is an array, not a hash table.
class document_words {
 public:
  // ids[i]: the number of keys[i]'s word. Returns how many words there are.
  uint32_t number(std::span<const uint64_t> keys, std::vector<uint32_t>& ids);

 private:
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> ids_;
};

// What the features need of one token's text. A function of the text alone, so the tagger
// keeps it per word type (ner_word_cache) and does not work it out again for common words.
struct ner_word_info {
  uint64_t written_key = 0;  // the word as written (a feature; the cache's key)
  uint64_t lower_key = 0;    // lower-cased (ner_word_key)
  uint64_t shape_key = 0;    // long shape ("Xxxxx")
  uint64_t short_key = 0;    // short shape ("Xx")
  uint32_t cluster = 0;      // word_clusters::of (of the word without accents if unknown with them), 0 unknown
  uint16_t names = 0;        // name-list categories of the word on its own
  bool names_continue = false;  // a listed phrase of more words starts with it
  uint8_t upper = 0, lower = 0;  // upper / lower-case letters among its first 12 characters
  uint8_t case_class = 0;  // starts with a letter: 1 lower case, 2 capitalised, 4 all upper case
  int32_t vector_row = -1;  // word_vectors::row_of (idem), -1 none
};

// Describes a token's text. `lower` and `shape` receive its lower-cased form and long shape.
ner_word_info describe_word(std::string_view written, const gazetteer* names, const word_clusters* clusters,
                            const word_vectors* vectors, std::string& lower, std::string& shape);

// The features a word gives its own token and, as a neighbour, the tokens around it: all
// of them functions of the word alone. `own` holds the lexical ones (bias, word, shapes,
// affixes) then, with clusters, its three cluster features. A neighbour's features are its
// word, short shape and, with clusters, fine cluster; one or two tokens away, its word.
struct ner_word_features {
  uint64_t own[16];
  uint8_t own_lexical = 0, own_count = 0;
  uint64_t as_previous[3], as_next[3];
  uint8_t neighbour_count = 0;
  uint64_t as_second_previous = 0, as_second_next = 0;
};
void word_features(const ner_word_info& info, std::string_view lower, bool clusters, ner_word_features& out);
// What a token beyond either end of the document gives as a neighbour.
void boundary_features(bool clusters, ner_word_features& out);

// The features of a token that depend on the rest of the document: bigrams with its
// neighbours, the shape at a sentence start and on an upper-case line (headlines such as
// "CRICKET - LEICESTERSHIRE TAKE OVER"), the shape trigram, how the same word is written
// elsewhere in the document away from sentence starts and upper-case lines (so
// "LEICESTERSHIRE" in a headline is known as a capitalised name), the words before a
// capitalised word's other occurrences (context aggregation), and name-list phrases (tokens
// inside a listed phrase get its category and their place in it, B/I/L/U, longest phrase
// per category from each start), and quoted stretches (a short one is often a name or a
// title, "La Obrera", a long one speech: the quotes and the words between them get their
// role and the stretch's length).
class ner_document_context {
 public:
  // `quotes`: whether quoted stretches give features (a trainer may leave them out of a
  // model; the tagger makes them always, and a model without their rows ignores them).
  void build(std::span<const ner_token> tokens, std::span<const ner_word_info> words, const gazetteer* names,
             bool quotes = true);
  // Context aggregation's features of token i.
  void aggregate_features(size_t i, std::vector<uint64_t>& out) const;
  // Bigrams, sentence start, upper-case line, shape trigram, document case.
  void context_features(size_t i, std::vector<uint64_t>& out) const;
  void name_features(size_t i, std::vector<uint64_t>& out) const;

 private:
  uint64_t word_at(ptrdiff_t k) const;
  uint64_t shape_at(ptrdiff_t k) const;
  size_t case_slot(uint64_t key) const;
  void mark_names(const gazetteer& names);
  void mark_quotes();

  std::span<const ner_token> tokens_;
  std::span<const ner_word_info> words_;
  std::vector<uint8_t> caps_line_;
  std::vector<uint64_t> name_bits_;  // per token: bit 4 * category + part
  std::vector<std::array<uint64_t, 2>> quote_keys_;  // per token: its quote_stretch features (0: none)
  std::vector<uint64_t> two_word_keys_;  // per token: the key of the two-word phrase it begins (0: not looked up)
  std::vector<uint64_t> case_keys_;  // document case table: word key
  std::vector<uint8_t> case_seen_;   // case classes seen
  std::vector<std::pair<uint64_t, uint32_t>> occurrences_;  // (word key, token) of capitalised words
  std::vector<uint32_t> occurrence_at_;                     // token -> its index in occurrences_
};

// All the features of every token of a document (Ratinov & Roth 2009's local and
// non-local features, less the label ones): the word's own, its neighbours' (words two to
// each side, shapes and clusters one to each side) and the document context's. What the
// trainer learns from; the tagger sums the same features per word type.
// Non-ASCII letters are lower-cased and shaped by their Unicode category.
class ner_feature_extractor {
 public:
  // With a gazetteer, name-list features; with word clusters, each token and its neighbours
  // also get their clusters; with word vectors, the vectors of the word and its neighbours
  // (dense features: ner_document_features::vector_rows, ner_feature::dense_offsets).
  explicit ner_feature_extractor(const gazetteer* names = nullptr, const word_clusters* clusters = nullptr,
                                 const word_vectors* vectors = nullptr)
      : names_(names), clusters_(clusters), vectors_(vectors) {}
  void extract(std::string_view text, std::span<const ner_token> tokens, ner_document_features& out);
  // Leaves out the quoted-stretch features (ner_document_context::build).
  void without_quote_features() { quotes_ = false; }

 private:
  const gazetteer* names_;
  const word_clusters* clusters_;
  const word_vectors* vectors_;
  bool quotes_ = true;
  std::vector<ner_word_info> words_;
  std::vector<ner_word_features> features_;
  ner_document_context context_;
  document_words numbering_;
  std::string lower_, shape_;
};

// A second stage's features (Ratinov & Roth's two-stage prediction aggregation): token i's
// own features plus what the first stage labelled it and the two tokens after it (a
// look-ahead greedy decoding lacks), what it labelled the tokens two back and two ahead with
// the word between, and the type the first stage gave most often to the same word elsewhere
// in the document, before or after.
void second_stage_features(const ner_document_features& first_features, std::span<const uint8_t> first_labels,
                           ner_document_features& out);

// Two of those features: what the first stage labelled the token two back (ahead) with the
// word between, so "Maia (Lleida)" and "Josemi y Maia" see the name across the "(" or "y".
uint64_t first_left_across_key(std::span<const uint64_t> word_keys, std::span<const uint8_t> first_labels, size_t i);
uint64_t first_right_across_key(std::span<const uint64_t> word_keys, std::span<const uint8_t> first_labels, size_t i);

// What a model records of the lists, clusters and vectors it was trained with (0: none).
uint64_t resources_fingerprint(const gazetteer* names, const word_clusters* clusters,
                               const word_vectors* vectors = nullptr);

// The key of a token's lower-cased form (its word feature; gazetteer phrases are made of these).
uint64_t ner_word_key(std::string_view token);

// The features of token `i` that depend on labels already given: the two previous labels
// (with the word and its shape), and the prediction history of the word in this document
// (Ratinov & Roth's "extended prediction history": what earlier occurrences of the same
// word were labelled, so "Blinken" after "Antony Blinken" leans to PER).
inline constexpr size_t label_feature_count = 6;

// Per word of a document (document_words' numbers), how its occurrences so far were labelled.
class label_history {
 public:
  // Starts a document of `words` words.
  void reset(size_t words) { counts_.assign(words, {0, 0, 0, 0, 0}); }
  // The majority type of the word's earlier occurrences: 0 none yet, 1 + type, or 5 for
  // mostly outside.
  uint8_t majority(uint32_t word) const { return majority_of(counts_[word]); }
  // The same, leaving out one occurrence labelled `label` (the token asking).
  uint8_t majority_without(uint32_t word, uint8_t label) const;
  void add(uint32_t word, uint8_t label) {
    uint16_t& c = counts_[word][slot_of(label)];
    if (c < 0xFFFF) ++c;
  }

 private:
  using counts = std::array<uint16_t, 5>;  // per type, then outside
  static size_t slot_of(uint8_t label) { return label == ner_label::outside ? 4 : ner_label::type_of(label); }
  static uint8_t majority_of(const counts& c) {
    if (c[0] + c[1] + c[2] + c[3] + c[4] == 0) return 0;
    uint8_t best = 0;
    for (uint8_t k = 1; k < 5; ++k)
      if (c[k] > c[best]) best = k;
    return static_cast<uint8_t>(best + 1);
  }
  std::vector<counts> counts_;
};

void label_features(uint64_t word_key, uint64_t shape_key, uint8_t previous, uint8_t before_previous,
                    uint8_t history, uint64_t out[label_feature_count]);

}  // namespace newsflow
