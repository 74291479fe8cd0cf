#pragma once

#include <cstdint>
#include <vector>

#include "processors/entities/ner_labels.h"
#include "processors/entities/ner_model.h"

namespace newsflow {

// The weight rows of one stage's label features whose values are few (the previous labels,
// the word's history type, the first stage's labels around a token and its word's majority),
// looked up once when a tagger starts rather than hashed and probed for every token.
// A missing feature reads as a row of zeros. `no_label` (ner_feature_keys.h) stands for a
// first-stage label beyond the document.
class ner_label_rows {
 public:
  static constexpr uint32_t labels = ner_label::count;
  static constexpr uint32_t histories = 6;  // label_history::majority's values

  explicit ner_label_rows(const ner_weights& weights);

  const float* previous(uint8_t label) const { return at(previous_, label); }
  const float* previous_two(uint8_t before, uint8_t label) const { return at(previous_two_, before * labels + label); }
  const float* history(uint8_t type) const { return at(history_, type); }
  const float* first(uint8_t label) const { return at(first_, label); }
  const float* first_next(uint64_t label) const { return at(first_next_, slot(label)); }
  const float* first_next_two(uint64_t next, uint64_t after) const {
    return at(first_next_two_, slot(next) * (labels + 1) + slot(after));
  }
  const float* first_around(uint64_t before, uint64_t next) const {
    return at(first_around_, slot(before) * (labels + 1) + slot(next));
  }
  const float* first_majority(uint8_t type) const { return at(first_majority_, type); }

 private:
  static uint32_t slot(uint64_t label) { return label < labels ? static_cast<uint32_t>(label) : labels; }
  const float* at(size_t table, size_t row) const { return rows_.data() + (table + row) * labels; }

  std::vector<float> rows_;
  size_t previous_ = 0, previous_two_ = 0, history_ = 0, first_ = 0, first_next_ = 0, first_next_two_ = 0,
         first_around_ = 0, first_majority_ = 0;  // first row of each table
};

}  // namespace newsflow
