#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "processors/entities/ner_feature_keys.h"
#include "processors/entities/ner_features.h"
#include "processors/entities/ner_label_rows.h"
#include "processors/entities/ner_labels.h"
#include "processors/entities/ner_model.h"
#include "processors/entities/ner_tokenizer.h"
#include "processors/entities/ner_word_cache.h"

namespace newsflow {

// An entity found in a text: bytes [begin, end) and its type (index into entity_types).
struct ner_span {
  uint32_t begin;
  uint32_t end;
  uint8_t type;
};

// Greedy left-to-right decoding (Ratinov & Roth 2009 found it as good as Viterbi for NER
// with these features, at a fraction of the cost): each token takes the best-scoring label
// allowed after the previous one, given its features, the two previous labels and the
// word's prediction history. A line starts afresh (entities do not cross lines).
// The decoder is the step shared by tagging and training (tools/ner_train.cc), so both
// see the same features in the same order.
class greedy_decoder {
 public:
  void begin(const ner_document_features& doc, std::span<const ner_token> tokens) {
    begin(doc.word_keys, doc.shape_keys, doc.word_ids, doc.words, tokens);
  }
  // The same from each token's word and short-shape keys (label_features' inputs) and word
  // number (document_words; `words` of them).
  void begin(std::span<const uint64_t> word_keys, std::span<const uint64_t> shape_keys,
             std::span<const uint32_t> word_ids, uint32_t words, std::span<const ner_token> tokens) {
    word_keys_ = word_keys;
    shape_keys_ = shape_keys;
    word_ids_ = word_ids;
    tokens_ = tokens;
    previous_ = before_ = ner_label::outside;
    history_.reset(words);
  }
  // What the label features of token i see; tokens are taken in order, each committed
  // before the next.
  struct state {
    uint8_t previous, before, history;
  };
  state state_of(size_t i) {
    if (tokens_[i].line_start) previous_ = before_ = ner_label::outside;
    return {previous_, before_, history_.majority(word_ids_[i])};
  }
  // The label features of token i (the same rule).
  std::span<const uint64_t> label_features_of(size_t i) {
    const state s = state_of(i);
    label_features(word_keys_[i], shape_keys_[i], s.previous, s.before, s.history, features_);
    return features_;
  }
  // The best label allowed after the previous one (ties go to the lower label, O first).
  uint8_t best(const float* scores) const {
    uint8_t best = ner_label::outside;
    for (uint8_t l = 1; l < ner_label::count; ++l)
      if (ner_label::may_follow(previous_, l) &&
          (!ner_label::may_follow(previous_, best) || scores[l] > scores[best]))
        best = l;
    return best;
  }
  void commit(size_t i, uint8_t label) {
    history_.add(word_ids_[i], label);
    before_ = previous_;
    previous_ = label;
  }

 private:
  std::span<const uint64_t> word_keys_, shape_keys_;
  std::span<const uint32_t> word_ids_;
  std::span<const ner_token> tokens_;
  uint8_t previous_ = ner_label::outside, before_ = ner_label::outside;
  label_history history_;
  uint64_t features_[label_feature_count];
};

// Adds token i's dense features (the vectors of its word and its neighbours,
// ner_feature::dense_offsets) to scores. Weights without add_dense (a test's toy table) have none.
template <class Weights>
void add_dense_scores(const ner_document_features& doc, size_t i, const Weights& weights, float* scores) {
  if constexpr (requires(const float* x) { weights.add_dense(size_t{0}, x, uint32_t{0}, scores); }) {
    if (doc.vectors == nullptr) return;
    float x[word_vectors::max_dims];
    for (size_t s = 0; s < ner_feature::dense_slots; ++s) {
      const ptrdiff_t k = static_cast<ptrdiff_t>(i) + ner_feature::dense_offsets[s];
      if (k < 0 || k >= static_cast<ptrdiff_t>(doc.vector_rows.size()) || doc.vector_rows[static_cast<size_t>(k)] < 0)
        continue;
      doc.vectors->values(doc.vector_rows[static_cast<size_t>(k)], x);
      weights.add_dense(s, x, doc.vectors->dims(), scores);
    }
  }
}

// Decodes a document with `weights` (anything with add_row(feature, scores): the trained
// model, or the trainer's current weights).
template <class Weights>
void greedy_decode(const ner_document_features& doc, std::span<const ner_token> tokens,
                   const Weights& weights, greedy_decoder& decoder, std::vector<uint8_t>& labels) {
  labels.resize(tokens.size());
  decoder.begin(doc, tokens);
  for (size_t i = 0; i < tokens.size(); ++i) {
    float scores[ner_label::count] = {};
    for (uint64_t f : doc.of(i)) weights.add_row(f, scores);
    add_dense_scores(doc, i, weights, scores);
    for (uint64_t f : decoder.label_features_of(i)) weights.add_row(f, scores);
    labels[i] = decoder.best(scores);
    decoder.commit(i, labels[i]);
  }
}

// Entities from token labels. An entity left open (a B or I without its L: ner_label::may_follow
// lets one end so, and a line's end ends it) ends at its last token.
void labels_to_spans(std::span<const ner_token> tokens, std::span<const uint8_t> labels,
                     std::vector<ner_span>& spans);

// Tags texts with a model: tokenize, score, decode, collect spans. One per thread
// (scratch buffers and its word cache); the model is shared.
//
// It computes what greedy_decode computes over ner_feature_extractor's features (the
// trainer's path; tests hold the two to the same labels), faster: each token's
// label-independent score is summed once per stage from its word's cached rows
// (ner_word_cache), the document context's features and, in the second stage, the first
// stage's labels (ner_label_rows); decoding then adds only the label features.
class ner_tagger {
 public:
  // `names`, `clusters`, `vectors`: the gazetteer, word clusters and word vectors the model
  // was trained with (null if none). `cache_words`: word types its cache keeps.
  ner_tagger(const ner_model& model, const gazetteer* names, const word_clusters* clusters = nullptr,
             const word_vectors* vectors = nullptr, size_t cache_words = 16384);
  // Entities of `text` (cleared first), in text order.
  void tag(std::string_view text, std::vector<ner_span>& spans);
  // Tokens of the text last tagged.
  const std::vector<ner_token>& tokens() const { return tokens_; }
  // Labels of the tokens of the text last tagged.
  const std::vector<uint8_t>& labels() const { return labels_; }
  const ner_word_cache& cache() const { return cache_; }
  // The label-independent score of a token of the text last tagged, per label (the sum of
  // its features' weights in that stage, the label features aside).
  const float* scores(size_t stage, size_t token) const {
    return scores_.data() + (stage * tokens_.size() + token) * ner_label::count;
  }

 private:
  void score_words(std::string_view text);
  void look_up_likely_label_rows(size_t stage, std::span<const uint8_t> likely);
  void decode(size_t stage, std::vector<uint8_t>& labels);
  float* scores_of(size_t stage, size_t token) { return const_cast<float*>(scores(stage, token)); }

  const ner_model& model_;
  const gazetteer* names_;
  ner_word_cache cache_;
  std::vector<ner_label_rows> label_rows_;  // per stage
  std::vector<ner_token> tokens_;
  std::vector<ner_word_info> words_;
  std::vector<uint64_t> word_keys_, shape_keys_;
  std::vector<uint32_t> word_ids_;
  uint32_t words_count_ = 0;
  document_words numbering_;
  ner_document_context context_;
  std::vector<uint64_t> context_features_;  // every token's, token i's from context_offsets_[i]
  std::vector<uint32_t> context_offsets_;
  std::vector<const float*> context_rows_;
  std::vector<float> scores_;  // per stage, token and label: the label-independent score
  greedy_decoder decoder_;
  struct likely_state {
    uint8_t previous, history;
  };
  std::vector<likely_state> likely_;         // per token: the previous label and history guessed
  std::vector<uint64_t> likely_features_;    // per token: its 3 hashed label features so
  std::vector<const float*> likely_rows_;    // and their rows (null: not in the model)
  std::vector<uint8_t> outside_;
  std::vector<uint8_t> first_labels_;
  std::vector<uint64_t> first_features_;   // per token: the second stage's 3 hashed features of
  std::vector<const float*> first_rows_;   // the first stage's labels, and their rows
  std::vector<uint8_t> labels_;
};

}  // namespace newsflow
