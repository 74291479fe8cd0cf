#include "processors/entities/ner_label_rows.h"

#include <algorithm>

#include "processors/entities/ner_feature_keys.h"

namespace newsflow {

ner_label_rows::ner_label_rows(const ner_weights& weights) {
  size_t rows = 0;
  const auto add = [&](uint64_t feature) {
    rows_.resize((rows + 1) * labels, 0.0f);
    if (const float* row = weights.find(feature)) std::copy_n(row, labels, rows_.data() + rows * labels);
    ++rows;
  };
  // A label or none (beyond the document), as second_stage_features writes it.
  const auto label_or_none = [](uint32_t v) -> uint64_t { return v < labels ? v : ner_feature::no_label; };
  previous_ = rows;
  for (uint32_t l = 0; l < labels; ++l) add(combine(ner_feature::label1, l, 0));
  previous_two_ = rows;
  for (uint32_t b = 0; b < labels; ++b)
    for (uint32_t l = 0; l < labels; ++l) add(combine(ner_feature::label2, b, l));
  history_ = rows;
  for (uint32_t h = 0; h < histories; ++h) add(combine(ner_feature::history_type, h, 0));
  first_ = rows;
  for (uint32_t l = 0; l < labels; ++l) add(combine(ner_feature::first_label, l, 0));
  first_next_ = rows;
  for (uint32_t l = 0; l <= labels; ++l) add(combine(ner_feature::first_next, label_or_none(l), 0));
  first_next_two_ = rows;
  for (uint32_t a = 0; a <= labels; ++a)
    for (uint32_t b = 0; b <= labels; ++b) add(combine(ner_feature::first_next2, label_or_none(a), label_or_none(b)));
  first_around_ = rows;
  for (uint32_t a = 0; a <= labels; ++a)
    for (uint32_t b = 0; b <= labels; ++b) add(combine(ner_feature::first_around, label_or_none(a), label_or_none(b)));
  first_majority_ = rows;
  for (uint32_t h = 0; h < histories; ++h) add(combine(ner_feature::first_word_majority, h, 0));
}

}  // namespace newsflow
