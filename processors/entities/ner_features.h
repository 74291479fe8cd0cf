#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "processors/entities/gazetteer.h"
#include "processors/entities/ner_tokenizer.h"
#include "processors/entities/word_clusters.h"

namespace newsflow {

// The features of every token of one document that do not depend on labels, as 64-bit
// hashes of (template, value): token i has hashes[offsets[i], offsets[i + 1]).
struct ner_document_features {
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> offsets;
  std::vector<uint64_t> word_keys;   // per token: its lower-cased form's hash (label features)
  std::vector<uint64_t> shape_keys;  // per token: its short shape's hash

  std::span<const uint64_t> of(size_t token) const {
    return std::span(hashes).subspan(offsets[token], offsets[token + 1] - offsets[token]);
  }
};

// Lexical features of a token and its neighbours (Ratinov & Roth 2009, without the
// non-local ones yet): the word lower-cased and as written; its shape ("Xxxx", "X.X.",
// "dd-dd", long and short); prefixes and suffixes of 1-4 characters; the words two to each
// side and their shapes; bigrams with each neighbour; the shape at a sentence start and on
// an upper-case line (headlines such as "CRICKET - LEICESTERSHIRE TAKE OVER"); and how the
// same word is written elsewhere in the document, away from sentence starts and upper-case
// lines (so "LEICESTERSHIRE" in a headline is known as a capitalised name).
// Non-ASCII letters are lower-cased and shaped by their Unicode category.
class ner_feature_extractor {
 public:
  // With a gazetteer, tokens inside a listed phrase also get its category and their place
  // in it (B/I/L/U, longest phrase per category from each start).
  // With word clusters, each token and its neighbours also get their clusters.
  explicit ner_feature_extractor(const gazetteer* names = nullptr, const word_clusters* clusters = nullptr)
      : names_(names), clusters_(clusters) {}
  void extract(std::string_view text, std::span<const ner_token> tokens, ner_document_features& out);

 private:
  struct token_info {
    std::string lower;
    std::string shape;
    std::string short_shape;
    uint64_t lower_key, shape_key, short_key;
  };
  void mark_names(std::span<const ner_token> tokens, size_t n);

  const gazetteer* names_;
  const word_clusters* clusters_;
  std::vector<uint32_t> cluster_of_;
  std::vector<token_info> info_;
  std::vector<uint8_t> caps_line_;
  std::vector<uint64_t> name_bits_;  // per token: bit 4 * category + part
  std::vector<uint64_t> case_keys_;      // document case table: word key
  std::vector<uint8_t> case_seen_;       // bit 0 lower, 1 capitalised, 2 all upper
  std::vector<std::pair<uint64_t, uint32_t>> occurrences_;  // (word key, token) of capitalised words
  std::vector<uint32_t> occurrence_at_;                     // token -> its index in occurrences_
};

// A second stage's features (Ratinov & Roth's two-stage prediction aggregation): token i's
// own features plus what the first stage labelled it and the two tokens after it (a
// look-ahead greedy decoding lacks), and the type the first stage gave most often to the same
// word elsewhere in the document, before or after.
void second_stage_features(const ner_document_features& first_features, std::span<const uint8_t> first_labels,
                           ner_document_features& out);

// What a model records of the lists and clusters it was trained with (0: neither).
uint64_t resources_fingerprint(const gazetteer* names, const word_clusters* clusters);

// The key of a token's lower-cased form (its word feature; gazetteer phrases are made of these).
uint64_t ner_word_key(std::string_view token);

// The features of token `i` that depend on labels already given: the two previous labels
// (with the word and its shape), and the prediction history of the word in this document
// (Ratinov & Roth's "extended prediction history": what earlier occurrences of the same
// word were labelled, so "Blinken" after "Antony Blinken" leans to PER).
inline constexpr size_t label_feature_count = 6;

class label_history {
 public:
  // Starts a document of `tokens` tokens.
  void reset(size_t tokens);
  // The majority type of the word's earlier occurrences: 0 none yet, 1 + type, or 5 for
  // mostly outside.
  uint8_t majority(uint64_t word_key) const;
  // The same, leaving out one occurrence labelled `label` (the token asking).
  uint8_t majority_without(uint64_t word_key, uint8_t label) const;
  void add(uint64_t word_key, uint8_t label);

 private:
  struct entry {
    uint64_t key;
    uint16_t counts[5];  // per type, then outside
  };
  size_t slot(uint64_t key) const;
  std::vector<entry> table_;
};

void label_features(const ner_document_features& doc, size_t i, uint8_t previous,
                    uint8_t before_previous, uint8_t history, uint64_t out[label_feature_count]);

}  // namespace newsflow
