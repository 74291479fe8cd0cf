#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fasttext {
class FastText;
class Dictionary;
}  // namespace fasttext

namespace newsflow {

// One language hypothesis of a detector: an output code (see label_map.h) and its score.
struct language_score {
  std::string_view code;  // static storage or the model's label table: valid while it lives
  double score = 0;
};

// A fastText supervised language model (lid.176), loaded once and shared by all threads.
//
// predict() tokenizes like fastText's own reader (ASCII whitespace separates words, every
// line break is a plain separator here, one end-of-sentence token at the end) and feeds word
// and character n-gram ids straight to the model, without the istream round trip of
// predictLine(), and hashes character n-grams itself (the same ids as fastText's
// computeSubwords(), checked by a test, at about twice the speed). Thread-safe: fastText's
// predict is const and keeps its per-call state on the stack, and the token and id buffers
// here are thread_local (warm calls allocate only fastText's small per-call state).
class fasttext_model {
 public:
  // Throws std::runtime_error with a message naming `path` when it cannot be loaded.
  explicit fasttext_model(const std::string& path);
  ~fasttext_model();

  // Up to `k` best labels, best first, with probabilities (0-1). Empty when `text` has no
  // word at all.
  void predict(std::string_view text, int k, std::vector<language_score>& out) const;

  size_t label_count() const { return codes_.size(); }

  // For tests: character n-gram ids of a word ("<word>" with its boundary marks) as fed to
  // the model, and as fastText's own Dictionary::computeSubwords() gives them.
  void char_ngrams(std::string_view word, std::vector<int32_t>& ids) const {
    add_char_ngrams(word, ids);
  }
  void reference_char_ngrams(const std::string& word, std::vector<int32_t>& ids) const;

 private:
  std::unique_ptr<fasttext::FastText> ft_;
  std::shared_ptr<const fasttext::Dictionary> dict_;
  // Character n-gram ids of an out-of-vocabulary word "<token>", as the dictionary's
  // computeSubwords() gives them, appended to `ids`.
  void add_char_ngrams(std::string_view word, std::vector<int32_t>& ids) const;
  // Bucket (hash % bucket) -> input matrix row, or -1 when the bucket was pruned away.
  int32_t bucket_row(uint32_t bucket) const;

  std::vector<std::string> codes_;  // label id -> output code
  int32_t eos_id_ = -1;
  int minn_ = 0, maxn_ = 0;
  uint32_t bucket_ = 0;
  int32_t nwords_ = 0;
  // The quantized model keeps only some n-gram buckets: fastText maps them through an
  // std::unordered_map, looked up twice per n-gram (a quarter of the time). This is the
  // same map as an open-addressing table (key -1 = empty).
  bool pruned_ = false;
  bool no_ngrams_ = false;
  std::vector<std::pair<int32_t, int32_t>> prune_table_;
  uint32_t prune_mask_ = 0;
};

}  // namespace newsflow
