#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "processors/entities/gazetteer.h"
#include "processors/entities/ner_features.h"
#include "processors/entities/ner_model.h"
#include "processors/entities/word_clusters.h"

namespace newsflow {

// A tagger's memory of the word types it met lately. For each text it keeps the word's
// description (ner_word_info) and, per stage of the model, five rows: the summed weights of
// the features the word gives its own token (~16, and its vector's components), its next
// token as the previous word (2-3, and the vector), its previous token as the next word
// (2-3, and the vector), and the tokens two away (1 each). Tagging a
// common word then reads five rows instead of hashing and probing ~25 features. Two-way set
// associative on the text's hash; a word met again after being displaced is worked out again.
// One per tagger (per worker and model): not shared between threads.
class ner_word_cache {
 public:
  enum role : uint32_t { own, as_previous, as_next, as_second_previous, as_second_next, roles };
  static constexpr uint32_t labels = ner_label::count;

  // `capacity`: words kept (rounded up to a power of two).
  ner_word_cache(const ner_model& model, const gazetteer* names, const word_clusters* clusters,
                 const word_vectors* vectors = nullptr, size_t capacity = 16384);

  // The word of this text: its description, and rows(stage, role) of its weights.
  struct word {
    const ner_word_info& info;
    const float* rows;
    const float* row(size_t stage, role r) const { return rows + (stage * roles + r) * labels; }
  };
  word get(std::string_view written);
  // The rows of a token beyond either end of the document (roles other than own).
  word beyond() const { return {beyond_info_, beyond_rows_.data()}; }

  size_t hits() const { return hits_; }
  size_t misses() const { return misses_; }

 private:
  void sum_rows(const ner_word_features& features, int32_t vector_row, float* rows);

  const ner_model& model_;
  const gazetteer* names_;
  const word_clusters* clusters_;
  const word_vectors* vectors_;
  size_t mask_;
  size_t stride_;  // floats per word: stages x roles x labels
  std::vector<uint64_t> keys_;
  std::vector<ner_word_info> infos_;
  std::unique_ptr<float[]> rows_;
  std::vector<uint8_t> recent_;  // per set: the way used last
  ner_word_info beyond_info_;
  std::vector<float> beyond_rows_;
  std::string lower_, shape_;
  float vector_[word_vectors::max_dims];
  size_t hits_ = 0, misses_ = 0;
};

}  // namespace newsflow
