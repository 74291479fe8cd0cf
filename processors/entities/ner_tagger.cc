#include "processors/entities/ner_tagger.h"

namespace newsflow {

void labels_to_spans(std::span<const ner_token> tokens, std::span<const uint8_t> labels,
                     std::vector<ner_span>& spans) {
  spans.clear();
  const size_t n = std::min(tokens.size(), labels.size());
  for (size_t i = 0; i < n;) {
    const uint8_t l = labels[i];
    if (l == ner_label::outside || ner_label::part_of(l) == ner_label::part_inside ||
        ner_label::part_of(l) == ner_label::part_last) {
      ++i;  // outside, or the rest of an entity whose start was refused
      continue;
    }
    const uint8_t type = ner_label::type_of(l);
    size_t j = i;
    if (ner_label::part_of(l) == ner_label::part_begin) {
      while (j + 1 < n && !tokens[j + 1].line_start && labels[j + 1] != ner_label::outside &&
             ner_label::type_of(labels[j + 1]) == type &&
             ner_label::part_of(labels[j + 1]) == ner_label::part_inside)
        ++j;
      if (j + 1 < n && !tokens[j + 1].line_start && labels[j + 1] == ner_label::make(type, ner_label::part_last))
        ++j;
    }
    spans.push_back({tokens[i].begin, tokens[j].end, type});
    i = j + 1;
  }
}

void ner_tagger::tag(std::string_view text, std::vector<ner_span>& spans) {
  tokenize_for_ner(text, tokens_);
  extractor_.extract(text, tokens_, features_);
  const auto& stages = model_.stages();
  if (stages.size() == 1) {
    greedy_decode(features_, tokens_, stages[0], decoder_, labels_);
  } else {
    greedy_decode(features_, tokens_, stages[0], decoder_, first_labels_);
    second_stage_features(features_, first_labels_, second_features_);
    greedy_decode(second_features_, tokens_, stages[1], decoder_, labels_);
  }
  labels_to_spans(tokens_, labels_, spans);
}

}  // namespace newsflow
