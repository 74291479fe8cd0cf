#include "processors/entities/ner_features.h"

#define XXH_INLINE_ALL
#include <xxhash.h>
#include <utf8proc.h>

#include <algorithm>
#include <bit>

#include "pipeline/utf8.h"
#include "processors/entities/ner_feature_keys.h"
#include "processors/entities/ner_labels.h"

namespace newsflow {

namespace ner_feature {
uint64_t key(uint64_t t, std::string_view value) { return XXH3_64bits_withSeed(value.data(), value.size(), t); }
uint64_t combine(uint64_t t, uint64_t a, uint64_t b) {
  const uint64_t v[2] = {a, b};
  return XXH3_64bits_withSeed(v, sizeof v, t);
}
}  // namespace ner_feature

using namespace ner_feature;

namespace {

// Context aggregation looks at this many other occurrences of a word on each side.
constexpr size_t aggregated_occurrences = 4;

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

thread_local std::string scratch_lower, scratch_shape, scratch_short, scratch_folded;

// `lower` without its accents and other combining marks ("perú" -> "peru", "coruña" ->
// "coruna"): the form the English-trained clusters and vectors may know a Spanish or Dutch
// name by. False when there is nothing to fold.
bool fold_marks(std::string_view lower, std::string& folded) {
  if (std::all_of(lower.begin(), lower.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return false;
  folded.clear();
  const auto* bytes = reinterpret_cast<const unsigned char*>(lower.data());
  bool changed = false;
  for (size_t i = 0; i < lower.size();) {
    size_t len = 0;
    const int32_t cp = utf8_decode_valid(bytes, i, len);
    utf8proc_int32_t parts[4];
    int last_boundclass = 0;
    const utf8proc_ssize_t n =
        utf8proc_decompose_char(cp, parts, 4, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK),
                                &last_boundclass);
    if (n < 1 || n > 4) {
      folded.append(lower.substr(i, len));
    } else {
      for (utf8proc_ssize_t k = 0; k < n; ++k) {
        utf8proc_uint8_t buf[4];
        folded.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(utf8proc_encode_char(parts[k], buf)));
      }
      changed |= n != 1 || parts[0] != cp;
    }
    i += len;
  }
  return changed;
}

}  // namespace

uint64_t ner_word_key(std::string_view token) {
  shapes(token, scratch_lower, scratch_shape, scratch_short);
  return key(word_lower, scratch_lower);
}

uint64_t resources_fingerprint(const gazetteer* names, const word_clusters* clusters, const word_vectors* vectors) {
  if (vectors != nullptr)
    return combine(0x766563746f727321ULL, resources_fingerprint(names, clusters, nullptr), vectors->fingerprint());
  if (names == nullptr && clusters == nullptr) return 0;
  if (clusters == nullptr) return names->fingerprint();  // as models trained before clusters
  return combine(0x636c757374657273ULL, names ? names->fingerprint() : 0, clusters->fingerprint());
}

ner_word_info describe_word(std::string_view written, const gazetteer* names, const word_clusters* clusters,
                            const word_vectors* vectors, std::string& lower, std::string& shape) {
  ner_word_info w;
  shapes(written, lower, shape, scratch_short);
  w.written_key = key(word_as_written, written);
  w.lower_key = key(word_lower, lower);
  w.shape_key = key(shape_long, shape);
  w.short_key = key(shape_short, scratch_short);
  if (clusters != nullptr) w.cluster = clusters->of(w.lower_key);
  if (vectors != nullptr) w.vector_row = vectors->row_of(w.lower_key);
  if (((clusters != nullptr && w.cluster == 0) || (vectors != nullptr && w.vector_row < 0)) &&
      fold_marks(lower, scratch_folded)) {
    const uint64_t folded = key(word_lower, scratch_folded);
    if (clusters != nullptr && w.cluster == 0) w.cluster = clusters->of(folded);
    if (vectors != nullptr && w.vector_row < 0) w.vector_row = vectors->row_of(folded);
  }
  if (names != nullptr) {
    const gazetteer::match m = names->find(gazetteer::extend(0, w.lower_key));
    w.names = m.categories;
    w.names_continue = m.continues;
  }
  for (char c : shape) w.upper += c == 'X', w.lower += c == 'x';
  if (!shape.empty() && (shape[0] == 'X' || shape[0] == 'x')) {
    const bool all_upper = shape.size() > 1 && w.lower == 0;
    w.case_class = shape[0] == 'x' ? 1 : all_upper ? 4 : 2;
  }
  return w;
}

void word_features(const ner_word_info& w, std::string_view lower, bool clusters, ner_word_features& out) {
  uint8_t n = 0;
  out.own[n++] = bias;
  out.own[n++] = w.lower_key;
  out.own[n++] = w.written_key;
  out.own[n++] = w.shape_key;
  out.own[n++] = w.short_key;
  for (size_t len = 1; len <= 4; ++len) {
    const std::string_view p = first_chars(lower, len), s = last_chars(lower, len);
    if (p.size() == lower.size() && len > 1) break;  // the whole word: already there
    out.own[n++] = key(prefix1 + len - 1, p);
    out.own[n++] = key(suffix1 + len - 1, s);
  }
  out.own_lexical = n;
  out.as_previous[0] = combine(prev_word, w.lower_key, 0);
  out.as_next[0] = combine(next_word, w.lower_key, 0);
  out.as_previous[1] = combine(prev_shape, w.short_key, 0);
  out.as_next[1] = combine(next_shape, w.short_key, 0);
  out.neighbour_count = 2;
  if (clusters) {
    const uint32_t c = w.cluster;
    out.own[n++] = combine(cluster_coarse, c >> 16, 0);
    out.own[n++] = combine(cluster_fine, c & 0xFFFF, 0);
    out.own[n++] = combine(cluster_fine_shape, c & 0xFFFF, w.short_key);
    out.as_previous[2] = combine(prev_cluster, c & 0xFFFF, 0);
    out.as_next[2] = combine(next_cluster, c & 0xFFFF, 0);
    out.neighbour_count = 3;
  }
  out.own_count = n;
  out.as_second_previous = combine(prev2_word, w.lower_key, 0);
  out.as_second_next = combine(next2_word, w.lower_key, 0);
}

void boundary_features(bool clusters, ner_word_features& out) {
  out.own_lexical = out.own_count = 0;
  out.as_previous[0] = combine(prev_word, boundary_key, 0);
  out.as_next[0] = combine(next_word, boundary_key, 0);
  out.as_previous[1] = combine(prev_shape, boundary_key, 0);
  out.as_next[1] = combine(next_shape, boundary_key, 0);
  out.as_previous[2] = combine(prev_cluster, boundary_key, 0);
  out.as_next[2] = combine(next_cluster, boundary_key, 0);
  out.neighbour_count = clusters ? 3 : 2;
  out.as_second_previous = combine(prev2_word, boundary_key, 0);
  out.as_second_next = combine(next2_word, boundary_key, 0);
}

uint64_t ner_document_context::word_at(ptrdiff_t k) const {
  return k < 0 || k >= static_cast<ptrdiff_t>(words_.size()) ? boundary_key : words_[static_cast<size_t>(k)].lower_key;
}
uint64_t ner_document_context::shape_at(ptrdiff_t k) const {
  return k < 0 || k >= static_cast<ptrdiff_t>(words_.size()) ? boundary_key : words_[static_cast<size_t>(k)].short_key;
}
size_t ner_document_context::case_slot(uint64_t k) const {
  const size_t mask = case_keys_.size() - 1;
  size_t j = k & mask;
  while (case_keys_[j] != 0 && case_keys_[j] != k) j = (j + 1) & mask;
  return j;
}

void ner_document_context::mark_names(const gazetteer& names) {
  const size_t n = words_.size();
  // The two-word phrases are looked up below one after the other, each a likely cache
  // miss in the large table: their keys are made and their slots fetched all first.
  two_word_keys_.assign(n, 0);
  for (size_t i = 0; i + 1 < n; ++i)
    if (words_[i].names_continue && !tokens_[i + 1].line_start) {
      two_word_keys_[i] = gazetteer::extend(gazetteer::extend(0, words_[i].lower_key), words_[i + 1].lower_key);
      names.prefetch(two_word_keys_[i]);
    }
  for (size_t i = 0; i < n; ++i) {
    if (words_[i].names == 0 && !words_[i].names_continue) continue;
    size_t longest[gazetteer::max_categories] = {};
    uint16_t any = 0;
    uint64_t phrase = 0;
    gazetteer::match m{words_[i].names, words_[i].names_continue};
    for (size_t len = 1;; ++len) {
      for (uint16_t b = m.categories; b != 0; b &= static_cast<uint16_t>(b - 1)) longest[std::countr_zero(b)] = len;
      any |= m.categories;
      // Longer phrases only where one starts so, within the line.
      if (!m.continues || len == gazetteer::max_words || i + len >= n || tokens_[i + len].line_start) break;
      phrase = len == 1 ? two_word_keys_[i] : gazetteer::extend(phrase, words_[i + len].lower_key);
      m = names.find(phrase);
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

namespace {

// Quote marks as tokens (the tokenizer splits them off): the straight one pairs with the next
// on its line; the typographic ones say which side they are.
enum class quote_mark { none, either, opening, closing };
quote_mark quote_mark_of(uint64_t written_key) {
  static const uint64_t straight = key(word_as_written, "\""), left = key(word_as_written, "\u201C"),
                        right = key(word_as_written, "\u201D"), low = key(word_as_written, "\u201E"),
                        guillemet_left = key(word_as_written, "\u00AB"), guillemet_right = key(word_as_written, "\u00BB");
  if (written_key == straight) return quote_mark::either;
  if (written_key == left || written_key == low || written_key == guillemet_left) return quote_mark::opening;
  if (written_key == right || written_key == guillemet_right) return quote_mark::closing;
  return quote_mark::none;
}

}  // namespace

void ner_document_context::mark_quotes() {
  const size_t n = words_.size();
  const auto mark = [&](size_t open, size_t close) {
    const size_t length = close - open - 1;
    if (length == 0) return;
    const uint64_t bucket = std::min(length, quote_lengths);
    const uint64_t first_shape = words_[open + 1].short_key;
    for (size_t k = open; k <= close; ++k) {
      const uint64_t role = k == open ? quote_open : k == close ? quote_close : length == 1 ? quoted_only
                            : k == open + 1 ? quoted_first : k + 1 == close ? quoted_last : quoted_middle;
      quote_keys_[k] = {combine(quote_stretch, role, bucket), combine(quote_stretch_shape, role * 16 + bucket, first_shape)};
    }
  };
  ptrdiff_t open = -1;
  for (size_t i = 0; i < n; ++i) {
    if (tokens_[i].line_start) open = -1;  // a stretch ends with its line
    switch (quote_mark_of(words_[i].written_key)) {
      case quote_mark::none:
        break;
      case quote_mark::opening:
        open = static_cast<ptrdiff_t>(i);
        break;
      case quote_mark::closing:
        if (open >= 0) mark(static_cast<size_t>(open), i);
        open = -1;
        break;
      case quote_mark::either:
        if (open >= 0) {
          mark(static_cast<size_t>(open), i);
          open = -1;
        } else {
          open = static_cast<ptrdiff_t>(i);
        }
        break;
    }
  }
}

void ner_document_context::build(std::span<const ner_token> tokens, std::span<const ner_word_info> words,
                                 const gazetteer* names, bool quotes) {
  tokens_ = tokens;
  words_ = words;
  const size_t n = words.size();
  name_bits_.assign(n, 0);
  if (names != nullptr) mark_names(*names);
  quote_keys_.assign(n, {0, 0});
  if (quotes) mark_quotes();
  // Lines written in capitals (headlines, datelines): letters mostly upper case.
  caps_line_.assign(n, 0);
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && !tokens[j].line_start) ++j;
    size_t upper = 0, lower = 0;
    for (size_t k = i; k < j; ++k) upper += words[k].upper, lower += words[k].lower;
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
  for (size_t i = 0; i < n; ++i) {
    if (tokens[i].sentence_start || caps_line_[i] || words[i].case_class == 0) continue;
    const size_t j = case_slot(words[i].lower_key | 1);
    case_keys_[j] = words[i].lower_key | 1;
    case_seen_[j] |= words[i].case_class;
  }
  // Context aggregation (Ratinov & Roth): a capitalised word also gets the neighbours of its
  // other occurrences in the document ("Mr. Blinken" there helps "Blinken said" here).
  occurrences_.clear();
  for (size_t i = 0; i < n; ++i)
    if (words[i].case_class >= 2) occurrences_.emplace_back(words[i].lower_key, static_cast<uint32_t>(i));
  std::sort(occurrences_.begin(), occurrences_.end());
  occurrence_at_.assign(n, UINT32_MAX);
  for (size_t g = 0; g < occurrences_.size(); ++g) occurrence_at_[occurrences_[g].second] = static_cast<uint32_t>(g);
}

void ner_document_context::aggregate_features(size_t i, std::vector<uint64_t>& out) const {
  const uint32_t g = occurrence_at_[i];
  if (g == UINT32_MAX) return;
  const uint64_t w = words_[i].lower_key;
  const auto aggregate = [&](size_t other) {
    if (tokens_[other].sentence_start) return;  // nothing before it to learn from
    out.push_back(combine(elsewhere_prev, word_at(static_cast<ptrdiff_t>(other) - 1), 0));
  };
  for (size_t d = 1; d <= aggregated_occurrences && g >= d && occurrences_[g - d].first == w; ++d)
    aggregate(occurrences_[g - d].second);
  for (size_t d = 1; d <= aggregated_occurrences && g + d < occurrences_.size() && occurrences_[g + d].first == w; ++d)
    aggregate(occurrences_[g + d].second);
}

void ner_document_context::context_features(size_t i, std::vector<uint64_t>& out) const {
  const ner_word_info& w = words_[i];
  const auto k = static_cast<ptrdiff_t>(i);
  out.push_back(combine(prev_bigram, word_at(k - 1), w.lower_key));
  out.push_back(combine(next_bigram, w.lower_key, word_at(k + 1)));
  if (tokens_[i].sentence_start) out.push_back(combine(sentence_start_shape, w.short_key, 0));
  if (caps_line_[i]) out.push_back(combine(caps_line_shape, w.short_key, 0));
  out.push_back(combine(shape_trigram, combine(0, shape_at(k - 1), w.short_key), shape_at(k + 1)));
  out.push_back(combine(document_case, case_seen_[case_slot(w.lower_key | 1)], w.short_key));
  if (quote_keys_[i][0] != 0) out.insert(out.end(), quote_keys_[i].begin(), quote_keys_[i].end());
}

void ner_document_context::name_features(size_t i, std::vector<uint64_t>& out) const {
  for (uint64_t b = name_bits_[i]; b != 0; b &= b - 1) {
    const auto bit = static_cast<uint64_t>(std::countr_zero(b));
    out.push_back(combine(name_list, bit, 0));
    out.push_back(combine(name_list_shape, bit, words_[i].short_key));
  }
}

void ner_feature_extractor::extract(std::string_view text, std::span<const ner_token> tokens,
                                    ner_document_features& out) {
  const size_t n = tokens.size();
  const bool clusters = clusters_ != nullptr;
  out.hashes.clear();
  out.offsets.assign(1, 0);
  out.word_keys.resize(n);
  out.shape_keys.resize(n);
  words_.resize(n);
  features_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    words_[i] = describe_word(text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin), names_, clusters_,
                              vectors_, lower_, shape_);
    word_features(words_[i], lower_, clusters, features_[i]);
    out.word_keys[i] = words_[i].lower_key;
    out.shape_keys[i] = words_[i].short_key;
  }
  out.words = numbering_.number(out.word_keys, out.word_ids);
  out.vectors = vectors_;
  out.vector_rows.resize(vectors_ != nullptr ? n : 0);
  for (size_t i = 0; i < out.vector_rows.size(); ++i) out.vector_rows[i] = words_[i].vector_row;
  context_.build(tokens, words_, names_, quotes_);
  ner_word_features beyond;
  boundary_features(clusters, beyond);
  const auto at = [&](size_t k) -> const ner_word_features& { return k < n ? features_[k] : beyond; };
  auto& h = out.hashes;
  for (size_t i = 0; i < n; ++i) {
    const ner_word_features& own = features_[i];
    const ner_word_features& prev = i > 0 ? features_[i - 1] : beyond;
    const ner_word_features& prev2 = i > 1 ? features_[i - 2] : beyond;
    const ner_word_features& next = at(i + 1);
    const ner_word_features& next2 = at(i + 2);
    // The order of a model's training (sums of floats): keep it.
    context_.aggregate_features(i, h);
    h.insert(h.end(), own.own, own.own + own.own_lexical);
    h.push_back(prev.as_previous[0]);
    h.push_back(next.as_next[0]);
    h.push_back(prev2.as_second_previous);
    h.push_back(next2.as_second_next);
    h.push_back(prev.as_previous[1]);
    h.push_back(next.as_next[1]);
    context_.context_features(i, h);
    if (clusters) {
      h.insert(h.end(), own.own + own.own_lexical, own.own + own.own_count);
      h.push_back(prev.as_previous[2]);
      h.push_back(next.as_next[2]);
    }
    context_.name_features(i, h);
    out.offsets.push_back(static_cast<uint32_t>(h.size()));
  }
}

void second_stage_features(const ner_document_features& first, std::span<const uint8_t> labels,
                           ner_document_features& out) {
  const size_t n = labels.size();
  out.word_keys = first.word_keys;
  out.word_ids = first.word_ids;
  out.words = first.words;
  out.vector_rows = first.vector_rows;
  out.vectors = first.vectors;
  out.shape_keys = first.shape_keys;
  out.hashes.clear();
  out.offsets.assign(1, 0);
  // Per word, how the first stage labelled its occurrences: counts per type and outside.
  label_history counts;
  counts.reset(first.words);
  for (size_t i = 0; i < n; ++i) counts.add(first.word_ids[i], labels[i]);
  constexpr uint64_t none = no_label;
  const auto at = [&](size_t k) -> uint64_t { return k < n ? labels[k] : none; };
  for (size_t i = 0; i < n; ++i) {
    const auto own = first.of(i);
    out.hashes.insert(out.hashes.end(), own.begin(), own.end());
    out.hashes.push_back(combine(first_label, labels[i], 0));
    out.hashes.push_back(combine(first_next, at(i + 1), 0));
    out.hashes.push_back(combine(first_next2, at(i + 1), at(i + 2)));
    out.hashes.push_back(combine(first_around, i > 0 ? labels[i - 1] : none, at(i + 1)));
    const uint8_t majority = counts.majority_without(first.word_ids[i], labels[i]);
    out.hashes.push_back(combine(first_word_majority, majority, 0));
    out.hashes.push_back(combine(first_word_majority_shape, majority, first.shape_keys[i]));
    out.hashes.push_back(first_left_across_key(first.word_keys, labels, i));
    out.hashes.push_back(first_right_across_key(first.word_keys, labels, i));
    out.offsets.push_back(static_cast<uint32_t>(out.hashes.size()));
  }
}

uint64_t first_left_across_key(std::span<const uint64_t> word_keys, std::span<const uint8_t> labels, size_t i) {
  return combine(first_left_across, i >= 2 ? labels[i - 2] : no_label, i >= 1 ? word_keys[i - 1] : boundary_key);
}

uint64_t first_right_across_key(std::span<const uint64_t> word_keys, std::span<const uint8_t> labels, size_t i) {
  const size_t n = labels.size();
  return combine(first_right_across, i + 1 < n ? word_keys[i + 1] : boundary_key, i + 2 < n ? labels[i + 2] : no_label);
}

uint32_t document_words::number(std::span<const uint64_t> keys, std::vector<uint32_t>& ids) {
  size_t cap = 16;
  while (cap < 2 * keys.size()) cap *= 2;
  keys_.assign(cap, 0);
  ids_.resize(cap);
  ids.resize(keys.size());
  uint32_t words = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    const uint64_t k = keys[i] | 1;  // 0 marks an empty slot
    size_t j = k & (cap - 1);
    while (keys_[j] != 0 && keys_[j] != k) j = (j + 1) & (cap - 1);
    if (keys_[j] == 0) {
      keys_[j] = k;
      ids_[j] = words++;
    }
    ids[i] = ids_[j];
  }
  return words;
}

uint8_t label_history::majority_without(uint32_t word, uint8_t label) const {
  counts c = counts_[word];
  if (c[slot_of(label)] > 0) --c[slot_of(label)];
  return majority_of(c);
}

void label_features(uint64_t word_key, uint64_t shape_key, uint8_t previous, uint8_t before_previous,
                    uint8_t history, uint64_t out[label_feature_count]) {
  out[0] = combine(label1, previous, 0);
  out[1] = combine(label2, before_previous, previous);
  out[2] = combine(label1_word, previous, word_key);
  out[3] = combine(label1_shape, previous, shape_key);
  out[4] = combine(history_type, history, 0);
  out[5] = combine(history_shape, history, shape_key);
}

}  // namespace newsflow
