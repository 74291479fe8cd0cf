#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

#include "processors/entities/hashed_key_table.h"

namespace newsflow {

// Word clusters for the entity tagger (models/word-clusters-en.tsv, built by
// tools/build_word_clusters.sh from GloVe vectors): each known word, lower-cased, has a
// coarse (64) and a fine (512) cluster. Immutable once loaded; shared by every worker.
class word_clusters {
 public:
  // "word<TAB>coarse fine" lines. The error names the line that is wrong.
  static std::expected<word_clusters, std::string> load(const std::filesystem::path& path);
  static std::expected<word_clusters, std::string> parse(std::string_view text);

  // The clusters of the word with this key (ner_word_key): (coarse + 1) << 16 | (fine + 1),
  // or 0 for a word the embeddings do not know.
  uint32_t of(uint64_t word_key) const {
    const uint32_t* found = clusters_.find(word_key);
    return found == nullptr ? 0 : *found;
  }
  uint64_t fingerprint() const { return fingerprint_; }
  size_t size() const { return clusters_.size(); }

 private:
  hashed_key_table<uint32_t> clusters_;
  uint64_t fingerprint_ = 0;
};

}  // namespace newsflow
