#include "processors/langid/fasttext_model.h"

#include <fasttext/fasttext.h>

#include <cmath>
#include <fstream>
#include <stdexcept>
#include <unordered_map>

#include "processors/langid/label_map.h"

namespace newsflow {
namespace {

// fastText's Dictionary keeps the pruned-bucket map protected; a derived class may name it.
struct dictionary_access : fasttext::Dictionary {
  static const std::unordered_map<int32_t, int32_t>& prune_index(const fasttext::Dictionary& d) {
    return d.*(&dictionary_access::pruneidx_);
  }
  static int64_t prune_index_size(const fasttext::Dictionary& d) {
    return d.*(&dictionary_access::pruneidx_size_);
  }
};

inline uint32_t mix(uint32_t x) { return x * 0x9E3779B1u; }

}  // namespace

fasttext_model::fasttext_model(const std::string& path) : ft_(std::make_unique<fasttext::FastText>()) {
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw std::runtime_error("cannot open fastText model " + path);
  }
  try {
    ft_->loadModel(path);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load fastText model " + path + ": " + e.what());
  }
  const fasttext::Args args = ft_->getArgs();
  if (args.model != fasttext::model_name::sup)
    throw std::runtime_error("fastText model " + path + " is not a supervised (classifier) model");
  dict_ = ft_->getDictionary();
  // Word n-grams (wordNgrams > 1) would need the dictionary's protected addWordNgrams();
  // lid.176 uses word unigrams plus character 2-4-grams.
  if (args.wordNgrams > 1)
    throw std::runtime_error("fastText model " + path + " uses word n-grams (wordNgrams " +
                             std::to_string(args.wordNgrams) + "), which langid does not feed");
  codes_.reserve(static_cast<size_t>(dict_->nlabels()));
  for (int32_t i = 0; i < dict_->nlabels(); ++i)
    codes_.emplace_back(map_language_label(dict_->getLabel(i)));
  eos_id_ = dict_->getId(fasttext::Dictionary::EOS);
  minn_ = args.minn;
  maxn_ = args.maxn;
  bucket_ = static_cast<uint32_t>(args.bucket);
  nwords_ = dict_->nwords();

  const int64_t prune_size = dictionary_access::prune_index_size(*dict_);
  no_ngrams_ = prune_size == 0 || maxn_ <= 0 || bucket_ == 0;
  pruned_ = prune_size > 0;
  if (pruned_) {
    const auto& index = dictionary_access::prune_index(*dict_);
    size_t capacity = 16;
    while (capacity < index.size() * 2) capacity *= 2;
    prune_table_.assign(capacity, {-1, -1});
    prune_mask_ = static_cast<uint32_t>(capacity - 1);
    for (const auto& [from, to] : index) {
      uint32_t slot = mix(static_cast<uint32_t>(from)) & prune_mask_;
      while (prune_table_[slot].first != -1) slot = (slot + 1) & prune_mask_;
      prune_table_[slot] = {from, to};
    }
  }
}

int32_t fasttext_model::bucket_row(uint32_t bucket) const {
  if (!pruned_) return nwords_ + static_cast<int32_t>(bucket);
  const auto key = static_cast<int32_t>(bucket);
  for (uint32_t slot = mix(bucket) & prune_mask_;; slot = (slot + 1) & prune_mask_) {
    const auto& [from, to] = prune_table_[slot];
    if (from == key) return nwords_ + to;
    if (from == -1) return -1;
  }
}

// Dictionary::computeSubwords() with FNV-1a extended one byte at a time instead of hashing
// each n-gram string from scratch. Same order of ids, same hash (bytes as signed chars).
void fasttext_model::add_char_ngrams(std::string_view word, std::vector<int32_t>& ids) const {
  if (no_ngrams_) return;
  const size_t size = word.size();
  for (size_t i = 0; i < size; ++i) {
    if ((word[i] & 0xC0) == 0x80) continue;
    uint32_t h = 2166136261u;
    size_t j = i;
    for (int n = 1; j < size && n <= maxn_; ++n) {
      h = (h ^ static_cast<uint32_t>(static_cast<int8_t>(word[j++]))) * 16777619u;
      while (j < size && (word[j] & 0xC0) == 0x80)
        h = (h ^ static_cast<uint32_t>(static_cast<int8_t>(word[j++]))) * 16777619u;
      if (n >= minn_ && !(n == 1 && (i == 0 || j == size))) {
        const int32_t row = bucket_row(h % bucket_);
        if (row >= 0) ids.push_back(row);
      }
    }
  }
}

void fasttext_model::reference_char_ngrams(const std::string& word,
                                           std::vector<int32_t>& ids) const {
  dict_->computeSubwords(word, ids);
}

fasttext_model::~fasttext_model() = default;

namespace {

inline bool is_fasttext_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

}  // namespace

void fasttext_model::predict(std::string_view text, int k,
                             std::vector<language_score>& out) const {
  out.clear();
  thread_local std::vector<int32_t> ids;
  thread_local std::string token;
  thread_local std::vector<std::pair<fasttext::real, int32_t>> predictions;
  ids.clear();

  size_t i = 0;
  const size_t n = text.size();
  bool any_word = false;
  while (i < n) {
    while (i < n && is_fasttext_space(text[i])) ++i;
    const size_t start = i;
    while (i < n && !is_fasttext_space(text[i])) ++i;
    if (i == start) break;
    token.assign(text.data() + start, i - start);
    const uint32_t h = dict_->hash(token);
    const int32_t wid = dict_->getId(token, h);
    if (wid >= 0 && dict_->getType(wid) == fasttext::entry_type::label) continue;
    any_word = true;
    if (wid < 0) {
      token.insert(token.begin(), '<');
      token.push_back('>');
      add_char_ngrams(token, ids);
    } else {
      const std::vector<int32_t>& sub = dict_->getSubwords(wid);
      ids.insert(ids.end(), sub.begin(), sub.end());
    }
  }
  if (!any_word) return;
  if (eos_id_ >= 0) ids.push_back(eos_id_);

  predictions.clear();
  ft_->predict(k, ids, predictions, 0.0);
  for (const auto& [log_prob, label] : predictions)
    out.push_back({codes_[static_cast<size_t>(label)], std::exp(static_cast<double>(log_prob))});
}

}  // namespace newsflow
