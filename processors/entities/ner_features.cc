#include "processors/entities/ner_features.h"

#define XXH_INLINE_ALL
#include <xxhash.h>
#include <utf8proc.h>

#include <algorithm>
#include <bit>

#include "pipeline/utf8.h"
#include "processors/entities/ner_labels.h"

namespace newsflow {
namespace {

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
};

// Context aggregation looks at this many other occurrences of a word on each side.
constexpr size_t aggregated_occurrences = 4;

uint64_t key(uint64_t t, std::string_view value) { return XXH3_64bits_withSeed(value.data(), value.size(), t); }
uint64_t combine(uint64_t t, uint64_t a, uint64_t b) {
  const uint64_t v[2] = {a, b};
  return XXH3_64bits_withSeed(v, sizeof v, t);
}

// Shapes: upper-case letters X, lower-case x, digits d, other characters as written; the
// short shape collapses runs ("Xxxxx" -> "Xx"). The long one is cut at 12 characters.
void shapes(std::string_view word, std::string& lower, std::string& shape, std::string& short_shape) {
  lower.clear();
  shape.clear();
  short_shape.clear();
  const auto* bytes = reinterpret_cast<const unsigned char*>(word.data());
  for (size_t i = 0; i < word.size();) {
    size_t len = 0;
    const int32_t cp = utf8_decode_valid(bytes, i, len);
    char s;
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') {
        s = 'X';
        lower += static_cast<char>(c - 'A' + 'a');
      } else {
        s = c >= 'a' && c <= 'z' ? 'x' : c >= '0' && c <= '9' ? 'd' : c;
        lower += c;
      }
    } else {
      const utf8proc_category_t cat = utf8proc_category(cp);
      s = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT ? 'X'
          : cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LM ||
                  cat == UTF8PROC_CATEGORY_LO
              ? 'x'
          : cat == UTF8PROC_CATEGORY_ND ? 'd'
                                        : '*';
      utf8proc_uint8_t buf[4];
      const auto n = utf8proc_encode_char(utf8proc_tolower(cp), buf);
      lower.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
    }
    if (shape.size() < 12) shape += s;
    if (short_shape.empty() || short_shape.back() != s) short_shape += s;
    i += len;
  }
}

// The first / last n code points of a UTF-8 string (all of it when shorter).
std::string_view first_chars(std::string_view s, size_t n) {
  size_t i = 0;
  for (size_t k = 0; k < n && i < s.size(); ++k) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return s.substr(0, i);
}
std::string_view last_chars(std::string_view s, size_t n) {
  size_t i = s.size();
  for (size_t k = 0; k < n && i > 0; ++k) {
    --i;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  }
  return s.substr(i);
}

thread_local std::string scratch_lower, scratch_shape, scratch_short;

constexpr uint64_t boundary_key = 0x5f5f424f554e445fULL;  // "__BOUND_": beyond the document

}  // namespace

uint64_t ner_word_key(std::string_view token) {
  shapes(token, scratch_lower, scratch_shape, scratch_short);
  return key(word_lower, scratch_lower);
}

uint64_t resources_fingerprint(const gazetteer* names, const word_clusters* clusters) {
  if (names == nullptr && clusters == nullptr) return 0;
  if (clusters == nullptr) return names->fingerprint();  // as models trained before clusters
  return combine(0x636c757374657273ULL, names ? names->fingerprint() : 0, clusters->fingerprint());
}

void ner_feature_extractor::mark_names(std::span<const ner_token> tokens, size_t n) {
  name_bits_.assign(n, 0);
  if (names_ == nullptr) return;
  for (size_t i = 0; i < n; ++i) {
    size_t longest[gazetteer::max_categories] = {};
    uint16_t any = 0;
    uint64_t phrase = 0;
    for (size_t len = 1; len <= gazetteer::max_words && i + len <= n; ++len) {
      if (len > 1 && tokens[i + len - 1].line_start) break;
      phrase = gazetteer::extend(phrase, info_[i + len - 1].lower_key);
      const uint16_t bits = names_->categories_of(phrase);
      for (uint16_t b = bits; b != 0; b &= static_cast<uint16_t>(b - 1)) longest[std::countr_zero(b)] = len;
      any |= bits;
    }
    for (uint16_t b = any; b != 0; b &= static_cast<uint16_t>(b - 1)) {
      const int c = std::countr_zero(b);
      const size_t len = longest[c];
      if (len == 1) {
        name_bits_[i] |= uint64_t{1} << (4 * c + ner_label::part_unit);
        continue;
      }
      name_bits_[i] |= uint64_t{1} << (4 * c + ner_label::part_begin);
      for (size_t k = 1; k + 1 < len; ++k) name_bits_[i + k] |= uint64_t{1} << (4 * c + ner_label::part_inside);
      name_bits_[i + len - 1] |= uint64_t{1} << (4 * c + ner_label::part_last);
    }
  }
}

void ner_feature_extractor::extract(std::string_view text, std::span<const ner_token> tokens,
                                    ner_document_features& out) {
  const size_t n = tokens.size();
  out.hashes.clear();
  out.offsets.assign(1, 0);
  out.word_keys.resize(n);
  out.shape_keys.resize(n);
  if (info_.size() < n) info_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    token_info& t = info_[i];
    shapes(text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin), t.lower, t.shape, t.short_shape);
    t.lower_key = key(word_lower, t.lower);
    t.shape_key = key(shape_long, t.shape);
    t.short_key = key(shape_short, t.short_shape);
    out.word_keys[i] = t.lower_key;
    out.shape_keys[i] = t.short_key;
  }
  mark_names(tokens, n);
  cluster_of_.assign(n, 0);
  if (clusters_ != nullptr)
    for (size_t i = 0; i < n; ++i) cluster_of_[i] = clusters_->of(info_[i].lower_key);
  // Lines written in capitals (headlines, datelines): letters mostly upper case.
  caps_line_.assign(n, 0);
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && !tokens[j].line_start) ++j;
    size_t upper = 0, lower = 0;
    for (size_t k = i; k < j; ++k)
      for (char c : info_[k].shape) upper += c == 'X', lower += c == 'x';
    const bool caps = upper >= 4 && lower * 10 <= upper;
    for (size_t k = i; k < j; ++k) caps_line_[k] = caps;
    i = j;
  }
  // How each word is written where its case means something: not at a sentence start, not
  // on an upper-case line. Open addressing on the word key, cleared per document.
  size_t cap = 16;
  while (cap < 2 * n) cap *= 2;
  case_keys_.assign(cap, 0);
  case_seen_.assign(cap, 0);
  const auto case_slot = [&](uint64_t k) {
    size_t j = k & (cap - 1);
    while (case_keys_[j] != 0 && case_keys_[j] != k) j = (j + 1) & (cap - 1);
    return j;
  };
  for (size_t i = 0; i < n; ++i) {
    if (tokens[i].sentence_start || caps_line_[i]) continue;
    const std::string& shape = info_[i].shape;
    if (shape.empty() || (shape[0] != 'X' && shape[0] != 'x')) continue;
    const size_t j = case_slot(info_[i].lower_key | 1);
    case_keys_[j] = info_[i].lower_key | 1;
    const bool all_upper = shape.size() > 1 && shape.find('x') == std::string::npos;
    case_seen_[j] |= shape[0] == 'x' ? 1 : all_upper ? 4 : 2;
  }
  const auto word_at = [&](ptrdiff_t k) {
    return k < 0 || k >= static_cast<ptrdiff_t>(n) ? boundary_key : info_[static_cast<size_t>(k)].lower_key;
  };
  const auto shape_at = [&](ptrdiff_t k) {
    return k < 0 || k >= static_cast<ptrdiff_t>(n) ? boundary_key : info_[static_cast<size_t>(k)].short_key;
  };
  // Context aggregation (Ratinov & Roth): a capitalised word also gets the neighbours of its
  // other occurrences in the document ("Mr. Blinken" there helps "Blinken said" here).
  occurrences_.clear();
  for (size_t i = 0; i < n; ++i)
    if (!info_[i].short_shape.empty() && info_[i].short_shape[0] == 'X')
      occurrences_.emplace_back(info_[i].lower_key, static_cast<uint32_t>(i));
  std::sort(occurrences_.begin(), occurrences_.end());
  occurrence_at_.assign(n, UINT32_MAX);
  for (size_t g = 0; g < occurrences_.size(); ++g) occurrence_at_[occurrences_[g].second] = static_cast<uint32_t>(g);
  for (size_t i = 0; i < n; ++i) {
    const token_info& t = info_[i];
    const auto k = static_cast<ptrdiff_t>(i);
    auto& h = out.hashes;
    if (const uint32_t g = occurrence_at_[i]; g != UINT32_MAX) {
      const uint64_t w = t.lower_key;
      const auto aggregate = [&](size_t other) {
        if (tokens[other].sentence_start) return;  // nothing before it to learn from
        h.push_back(combine(elsewhere_prev, word_at(static_cast<ptrdiff_t>(other) - 1), 0));
      };
      for (size_t d = 1; d <= aggregated_occurrences && g >= d && occurrences_[g - d].first == w; ++d)
        aggregate(occurrences_[g - d].second);
      for (size_t d = 1; d <= aggregated_occurrences && g + d < occurrences_.size() && occurrences_[g + d].first == w;
           ++d)
        aggregate(occurrences_[g + d].second);
    }
    h.push_back(bias);
    h.push_back(t.lower_key);
    h.push_back(key(word_as_written, text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin)));
    h.push_back(t.shape_key);
    h.push_back(t.short_key);
    for (size_t len = 1; len <= 4; ++len) {
      const std::string_view p = first_chars(t.lower, len), s = last_chars(t.lower, len);
      if (p.size() == t.lower.size() && len > 1) break;  // the whole word: already there
      h.push_back(key(prefix1 + len - 1, p));
      h.push_back(key(suffix1 + len - 1, s));
    }
    h.push_back(combine(prev_word, word_at(k - 1), 0));
    h.push_back(combine(next_word, word_at(k + 1), 0));
    h.push_back(combine(prev2_word, word_at(k - 2), 0));
    h.push_back(combine(next2_word, word_at(k + 2), 0));
    h.push_back(combine(prev_shape, shape_at(k - 1), 0));
    h.push_back(combine(next_shape, shape_at(k + 1), 0));
    h.push_back(combine(prev_bigram, word_at(k - 1), t.lower_key));
    h.push_back(combine(next_bigram, t.lower_key, word_at(k + 1)));
    if (tokens[i].sentence_start) h.push_back(combine(sentence_start_shape, t.short_key, 0));
    if (caps_line_[i]) h.push_back(combine(caps_line_shape, t.short_key, 0));
    h.push_back(combine(shape_trigram, combine(0, shape_at(k - 1), t.short_key), shape_at(k + 1)));
    h.push_back(combine(document_case, case_seen_[case_slot(t.lower_key | 1)], t.short_key));
    if (clusters_ != nullptr) {
      const uint32_t c = cluster_of_[i];
      h.push_back(combine(cluster_coarse, c >> 16, 0));
      h.push_back(combine(cluster_fine, c & 0xFFFF, 0));
      h.push_back(combine(cluster_fine_shape, c & 0xFFFF, t.short_key));
      h.push_back(combine(prev_cluster, i > 0 ? cluster_of_[i - 1] & 0xFFFF : boundary_key, 0));
      h.push_back(combine(next_cluster, i + 1 < n ? cluster_of_[i + 1] & 0xFFFF : boundary_key, 0));
    }
    for (uint64_t b = name_bits_[i]; b != 0; b &= b - 1) {
      const auto bit = static_cast<uint64_t>(std::countr_zero(b));
      h.push_back(combine(name_list, bit, 0));
      h.push_back(combine(name_list_shape, bit, t.short_key));
    }
    out.offsets.push_back(static_cast<uint32_t>(h.size()));
  }
}

void second_stage_features(const ner_document_features& first, std::span<const uint8_t> labels,
                           ner_document_features& out) {
  const size_t n = labels.size();
  out.word_keys = first.word_keys;
  out.shape_keys = first.shape_keys;
  out.hashes.clear();
  out.offsets.assign(1, 0);
  // Per word, how the first stage labelled its occurrences: counts per type and outside.
  label_history counts;
  counts.reset(n);
  for (size_t i = 0; i < n; ++i) counts.add(first.word_keys[i], labels[i]);
  constexpr uint64_t none = 0xFF;
  const auto at = [&](size_t k) -> uint64_t { return k < n ? labels[k] : none; };
  for (size_t i = 0; i < n; ++i) {
    const auto own = first.of(i);
    out.hashes.insert(out.hashes.end(), own.begin(), own.end());
    out.hashes.push_back(combine(first_label, labels[i], 0));
    out.hashes.push_back(combine(first_next, at(i + 1), 0));
    out.hashes.push_back(combine(first_next2, at(i + 1), at(i + 2)));
    out.hashes.push_back(combine(first_around, i > 0 ? labels[i - 1] : none, at(i + 1)));
    const uint8_t majority = counts.majority_without(first.word_keys[i], labels[i]);
    out.hashes.push_back(combine(first_word_majority, majority, 0));
    out.hashes.push_back(combine(first_word_majority_shape, majority, first.shape_keys[i]));
    out.offsets.push_back(static_cast<uint32_t>(out.hashes.size()));
  }
}

void label_history::reset(size_t tokens) {
  size_t cap = 16;
  while (cap < 2 * tokens) cap *= 2;
  table_.assign(cap, entry{0, {0, 0, 0, 0, 0}});
}

size_t label_history::slot(uint64_t key) const {
  const size_t mask = table_.size() - 1;
  size_t j = key & mask;
  while (table_[j].key != 0 && table_[j].key != key) j = (j + 1) & mask;
  return j;
}

uint8_t label_history::majority(uint64_t word_key) const {
  const entry& e = table_[slot(word_key | 1)];
  if (e.key == 0) return 0;
  uint8_t best = 0;
  for (uint8_t k = 1; k < 5; ++k)
    if (e.counts[k] > e.counts[best]) best = k;
  return static_cast<uint8_t>(best + 1);
}

uint8_t label_history::majority_without(uint64_t word_key, uint8_t label) const {
  entry e = table_[slot(word_key | 1)];
  if (e.key == 0) return 0;
  const size_t own = label == ner_label::outside ? 4 : ner_label::type_of(label);
  if (e.counts[own] > 0) --e.counts[own];
  if (e.counts[0] + e.counts[1] + e.counts[2] + e.counts[3] + e.counts[4] == 0) return 0;
  uint8_t best = 0;
  for (uint8_t k = 1; k < 5; ++k)
    if (e.counts[k] > e.counts[best]) best = k;
  return static_cast<uint8_t>(best + 1);
}

void label_history::add(uint64_t word_key, uint8_t label) {
  entry& e = table_[slot(word_key | 1)];
  e.key = word_key | 1;
  const size_t k = label == ner_label::outside ? 4 : ner_label::type_of(label);
  if (e.counts[k] < 0xFFFF) ++e.counts[k];
}

void label_features(const ner_document_features& doc, size_t i, uint8_t previous,
                    uint8_t before_previous, uint8_t history, uint64_t out[label_feature_count]) {
  out[0] = combine(label1, previous, 0);
  out[1] = combine(label2, before_previous, previous);
  out[2] = combine(label1_word, previous, doc.word_keys[i]);
  out[3] = combine(label1_shape, previous, doc.shape_keys[i]);
  out[4] = combine(history_type, history, 0);
  out[5] = combine(history_shape, history, doc.shape_keys[i]);
}

}  // namespace newsflow
