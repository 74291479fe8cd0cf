#include "processors/entities/ner_tagger.h"

#include <algorithm>

#include "processors/entities/ner_feature_keys.h"

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

ner_tagger::ner_tagger(const ner_model& model, const gazetteer* names, const word_clusters* clusters,
                       const word_vectors* vectors, size_t cache_words)
    : model_(model), names_(names), cache_(model, names, clusters, vectors, cache_words) {
  for (const ner_weights& stage : model.stages()) label_rows_.emplace_back(stage);
}

namespace {

void add(const float* row, float* scores) {
  for (uint32_t l = 0; l < ner_label::count; ++l) scores[l] += row[l];
}

// Visits many features' slots in order, each fetched 32 features ahead, so the processor
// has many memory reads in flight (a document's features are mostly not in cache) but not
// so many that the early ones are evicted before use. find(k, feature) looks feature k up.
template <class Find>
void find_ahead(const ner_model& model, std::span<const uint64_t> features, Find find) {
  const size_t n = features.size();
  constexpr size_t ahead = 32;
  for (size_t k = 0; k < std::min(n, ahead); ++k) model.prefetch(features[k]);
  for (size_t k = 0; k < n; ++k) {
    if (k + ahead < n) model.prefetch(features[k + ahead]);
    find(k, features[k]);
  }
}

// The rows of many features in one stage (null: not in the model).
void find_all(const ner_model& model, size_t stage, std::span<const uint64_t> features, std::vector<const float*>& rows) {
  rows.resize(features.size());
  find_ahead(model, features, [&](size_t k, uint64_t feature) {
    rows[k] = model.find_in_stage(feature, stage);
    if (rows[k] != nullptr) __builtin_prefetch(rows[k]);
  });
}

// The same for features every stage has a use for: rows[k * max_stages + s] is feature k's
// row in stage s, each feature found with one probe (ner_model::find_in_stages).
void find_all_in_stages(const ner_model& model, std::span<const uint64_t> features, std::vector<const float*>& rows) {
  const size_t stages = model.stages().size();
  rows.resize(features.size() * ner_model::max_stages);
  find_ahead(model, features, [&](size_t k, uint64_t feature) {
    const float** found = rows.data() + k * ner_model::max_stages;
    model.find_in_stages(feature, found);
    for (size_t s = 0; s < stages; ++s)
      if (found[s] != nullptr) __builtin_prefetch(found[s]);
  });
}

}  // namespace

// Each token's label-independent score per stage: its word's rows and its neighbours',
// then the document context's features.
void ner_tagger::score_words(std::string_view text) {
  const size_t n = tokens_.size(), stages = model_.stages().size();
  words_.resize(n);
  word_keys_.resize(n);
  shape_keys_.resize(n);
  scores_.assign(stages * n * ner_label::count, 0.0f);
  const ner_word_cache::word beyond = cache_.beyond();
  for (size_t i = 0; i < n; ++i) {
    // The word's rows are used at once: a later token may displace it from the cache.
    const ner_word_cache::word w = cache_.get(text.substr(tokens_[i].begin, tokens_[i].end - tokens_[i].begin));
    words_[i] = w.info;
    word_keys_[i] = w.info.lower_key;
    shape_keys_[i] = w.info.short_key;
    for (size_t s = 0; s < stages; ++s) {
      add(w.row(s, ner_word_cache::own), scores_of(s, i));
      if (i + 1 < n) add(w.row(s, ner_word_cache::as_previous), scores_of(s, i + 1));
      if (i > 0) add(w.row(s, ner_word_cache::as_next), scores_of(s, i - 1));
      if (i + 2 < n) add(w.row(s, ner_word_cache::as_second_previous), scores_of(s, i + 2));
      if (i > 1) add(w.row(s, ner_word_cache::as_second_next), scores_of(s, i - 2));
    }
  }
  // Beyond the ends: the first tokens' previous words, the last tokens' next words.
  for (size_t s = 0; s < stages; ++s)
    for (size_t i = 0; i < n; ++i) {
      if (i == 0) add(beyond.row(s, ner_word_cache::as_previous), scores_of(s, i));
      if (i < 2) add(beyond.row(s, ner_word_cache::as_second_previous), scores_of(s, i));
      if (i + 1 == n) add(beyond.row(s, ner_word_cache::as_next), scores_of(s, i));
      if (i + 2 >= n) add(beyond.row(s, ner_word_cache::as_second_next), scores_of(s, i));
    }
  words_count_ = numbering_.number(word_keys_, word_ids_);
  context_.build(tokens_, words_, names_);
  context_features_.clear();
  context_offsets_.assign(1, 0);
  for (size_t i = 0; i < n; ++i) {
    context_.aggregate_features(i, context_features_);
    context_.context_features(i, context_features_);
    context_.name_features(i, context_features_);
    context_offsets_.push_back(static_cast<uint32_t>(context_features_.size()));
  }
  find_all_in_stages(model_, context_features_, context_rows_);
  for (size_t i = 0; i < n; ++i)
    for (size_t k = context_offsets_[i]; k < context_offsets_[i + 1]; ++k)
      for (size_t s = 0; s < stages; ++s)
        if (const float* row = context_rows_[k * ner_model::max_stages + s]) add(row, scores_of(s, i));
}

// The label features that are hashed (those of the word and shape with the previous label
// and the history) cost a look-up each per token while decoding, one after the other. Most
// of them can be looked up ahead, all at once: with the labels decoding will likely give
// (`likely`: outside everywhere in the first stage, the first stage's labels in the second),
// each token's previous label and history are known in advance; decoding uses these rows
// where the guess was right and looks up the rest.
void ner_tagger::look_up_likely_label_rows(size_t stage, std::span<const uint8_t> likely) {
  using namespace ner_feature;
  const size_t n = tokens_.size();
  likely_.resize(n);
  likely_features_.resize(3 * n);
  label_history history;
  history.reset(words_count_);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t previous = i == 0 || tokens_[i].line_start ? ner_label::outside : likely[i - 1];
    const uint8_t h = history.majority(word_ids_[i]);
    history.add(word_ids_[i], likely[i]);
    likely_[i].previous = previous;
    likely_[i].history = h;
    likely_features_[3 * i] = combine(label1_word, previous, word_keys_[i]);
    likely_features_[3 * i + 1] = combine(label1_shape, previous, shape_keys_[i]);
    likely_features_[3 * i + 2] = combine(history_shape, h, shape_keys_[i]);
  }
  find_all(model_, stage, likely_features_, likely_rows_);
}

void ner_tagger::decode(size_t stage, std::vector<uint8_t>& labels) {
  using namespace ner_feature;
  const ner_label_rows& rows = label_rows_[stage];
  const size_t n = tokens_.size();
  labels.resize(n);
  decoder_.begin(word_keys_, shape_keys_, word_ids_, words_count_, tokens_);
  const auto add_found = [&](const float* row, float* scores) {
    if (row != nullptr) add(row, scores);
  };
  for (size_t i = 0; i < n; ++i) {
    float scores[ner_label::count];
    std::copy_n(scores_of(stage, i), ner_label::count, scores);
    const greedy_decoder::state s = decoder_.state_of(i);
    add(rows.previous(s.previous), scores);
    add(rows.previous_two(s.before, s.previous), scores);
    add(rows.history(s.history), scores);
    const float* const* likely = likely_rows_.data() + 3 * i;
    if (s.previous == likely_[i].previous) {
      add_found(likely[0], scores);
      add_found(likely[1], scores);
    } else {
      add_found(model_.find_in_stage(combine(label1_word, s.previous, word_keys_[i]), stage), scores);
      add_found(model_.find_in_stage(combine(label1_shape, s.previous, shape_keys_[i]), stage), scores);
    }
    if (s.history == likely_[i].history)
      add_found(likely[2], scores);
    else
      add_found(model_.find_in_stage(combine(history_shape, s.history, shape_keys_[i]), stage), scores);
    labels[i] = decoder_.best(scores);
    decoder_.commit(i, labels[i]);
  }
}

void ner_tagger::tag(std::string_view text, std::vector<ner_span>& spans) {
  tokenize_for_ner(text, tokens_);
  const size_t n = tokens_.size();
  score_words(text);
  outside_.assign(n, ner_label::outside);
  look_up_likely_label_rows(0, outside_);
  if (model_.stages().size() == 1) {
    decode(0, labels_);
  } else {
    decode(0, first_labels_);
    // What the second stage adds: the first stage's labels (second_stage_features).
    const ner_label_rows& rows = label_rows_[1];
    label_history counts;
    counts.reset(words_count_);
    for (size_t i = 0; i < n; ++i) counts.add(word_ids_[i], first_labels_[i]);
    const auto at = [&](size_t k) -> uint64_t { return k < n ? first_labels_[k] : ner_feature::no_label; };
    // The hashed ones (the majority with the shape, the labels across a word) looked up
    // all at once, as the context features are.
    constexpr size_t hashed = 3;
    first_features_.resize(hashed * n);
    for (size_t i = 0; i < n; ++i) {
      float* scores = scores_of(1, i);
      add(rows.first(first_labels_[i]), scores);
      add(rows.first_next(at(i + 1)), scores);
      add(rows.first_next_two(at(i + 1), at(i + 2)), scores);
      add(rows.first_around(i > 0 ? first_labels_[i - 1] : ner_feature::no_label, at(i + 1)), scores);
      const uint8_t majority = counts.majority_without(word_ids_[i], first_labels_[i]);
      add(rows.first_majority(majority), scores);
      first_features_[hashed * i] =
          ner_feature::combine(ner_feature::first_word_majority_shape, majority, shape_keys_[i]);
      first_features_[hashed * i + 1] = first_left_across_key(word_keys_, first_labels_, i);
      first_features_[hashed * i + 2] = first_right_across_key(word_keys_, first_labels_, i);
    }
    find_all(model_, 1, first_features_, first_rows_);
    for (size_t i = 0; i < n; ++i)
      for (size_t k = hashed * i; k < hashed * (i + 1); ++k)
        if (first_rows_[k] != nullptr) add(first_rows_[k], scores_of(1, i));
    look_up_likely_label_rows(1, first_labels_);
    decode(1, labels_);
  }
  labels_to_spans(tokens_, labels_, spans);
}

}  // namespace newsflow
