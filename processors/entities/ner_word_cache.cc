#include "processors/entities/ner_word_cache.h"

#include <algorithm>

#include "processors/entities/ner_feature_keys.h"

namespace newsflow {

ner_word_cache::ner_word_cache(const ner_model& model, const gazetteer* names, const word_clusters* clusters,
                               const word_vectors* vectors, size_t capacity)
    : model_(model), names_(names), clusters_(clusters), vectors_(vectors) {
  size_t slots = 2;
  while (slots < capacity) slots *= 2;
  mask_ = slots - 1;
  stride_ = model.stages().size() * roles * labels;
  keys_.assign(slots, 0);  // 0: empty (a text's key is never 0, see get)
  infos_.resize(slots);
  // Not initialised: a slot's rows are written when a word takes it, so memory is only
  // touched as the vocabulary grows.
  rows_.reset(new float[slots * stride_]);
  recent_.assign(slots / 2, 0);
  ner_word_features beyond;
  boundary_features(clusters != nullptr, beyond);
  beyond_rows_.resize(stride_);
  sum_rows(beyond, -1, beyond_rows_.data());
}

void ner_word_cache::sum_rows(const ner_word_features& f, int32_t vector_row, float* rows) {
  std::fill_n(rows, stride_, 0.0f);
  if (vectors_ != nullptr && vector_row >= 0) vectors_->values(vector_row, vector_);
  // The word's vector as each dense slot's word: itself, its next token's previous word,
  // its previous token's next word (ner_feature::dense_offsets).
  constexpr role dense_roles[ner_feature::dense_slots] = {own, as_previous, as_next};
  const auto& stages = model_.stages();
  // The rows of a new word's features are mostly not in cache: ask for all of them first,
  // then find each feature's rows in every stage with one probe.
  for (size_t k = 0; k < f.own_count; ++k) model_.prefetch(f.own[k]);
  for (size_t k = 0; k < f.neighbour_count; ++k) {
    model_.prefetch(f.as_previous[k]);
    model_.prefetch(f.as_next[k]);
  }
  model_.prefetch(f.as_second_previous);
  model_.prefetch(f.as_second_next);
  const auto add_rows = [&](uint64_t feature, role r) {
    const float* found[ner_model::max_stages];
    model_.find_in_stages(feature, found);
    for (size_t s = 0; s < stages.size(); ++s)
      if (found[s] != nullptr) {
        float* to = rows + (s * roles + r) * labels;
        for (uint32_t l = 0; l < labels; ++l) to[l] += found[s][l];
      }
  };
  for (size_t k = 0; k < f.own_count; ++k) add_rows(f.own[k], own);
  for (size_t k = 0; k < f.neighbour_count; ++k) {
    add_rows(f.as_previous[k], as_previous);
    add_rows(f.as_next[k], as_next);
  }
  add_rows(f.as_second_previous, as_second_previous);
  add_rows(f.as_second_next, as_second_next);
  if (vectors_ != nullptr && vector_row >= 0)
    for (size_t s = 0; s < stages.size(); ++s)
      for (size_t slot = 0; slot < ner_feature::dense_slots; ++slot)
        stages[s].add_dense(slot, vector_, vectors_->dims(), rows + (s * roles + dense_roles[slot]) * labels);
}

ner_word_cache::word ner_word_cache::get(std::string_view written) {
  const uint64_t key = ner_feature::key(ner_feature::word_as_written, written) | 1;
  // Two ways per set: the word is in slot or slot ^ 1; a new word replaces the one of the
  // two used less lately.
  const size_t first = key & mask_, second = first ^ 1;
  size_t slot = keys_[first] == key ? first : keys_[second] == key ? second : SIZE_MAX;
  if (slot != SIZE_MAX) {
    ++hits_;
    recent_[first >> 1] = static_cast<uint8_t>(slot & 1);
    return {infos_[slot], rows_.get() + slot * stride_};
  }
  ++misses_;
  slot = recent_[first >> 1] == (first & 1) ? second : first;
  recent_[first >> 1] = static_cast<uint8_t>(slot & 1);
  float* rows = rows_.get() + slot * stride_;
  keys_[slot] = key;
  infos_[slot] = describe_word(written, names_, clusters_, vectors_, lower_, shape_);
  ner_word_features features;
  word_features(infos_[slot], lower_, clusters_ != nullptr, features);
  sum_rows(features, infos_[slot].vector_row, rows);
  return {infos_[slot], rows};
}

}  // namespace newsflow
