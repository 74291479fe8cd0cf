#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "processors/entities/hashed_key_table.h"

namespace newsflow {

// Dense word vectors for the entity tagger (models/word-vectors.bin, built by
// tools/build_word_clusters.sh from the same GloVe vectors as the word clusters): each known
// word, lower-cased, has a vector of unit length times a gain, stored as int8 with one scale
// for the file. The tagger uses the components of a word's and its neighbours' vectors as
// real-valued features (Turian, Ratinov & Bengio 2010: embeddings add to clusters).
// Immutable once loaded; shared by every worker.
//
// File (little-endian): "NFVEC01\n"; uint32 word count n; uint32 dimensions d; float32
// scale; n times: uint8 length and bytes of the word, d int8 components (value = q * scale).
class word_vectors {
 public:
  static constexpr uint32_t max_dims = 128;

  static std::expected<word_vectors, std::string> load(const std::filesystem::path& path);
  static std::expected<word_vectors, std::string> parse(std::string_view bytes);

  // The row of the word with this key (ner_word_key), or -1 for a word without a vector.
  int32_t row_of(uint64_t word_key) const {
    const uint32_t* found = rows_.find(word_key);
    return found == nullptr ? -1 : static_cast<int32_t>(*found);
  }
  // Row r's components into out[0..dims()).
  void values(int32_t row, float* out) const {
    const int8_t* q = quantized_.data() + static_cast<size_t>(row) * dims_;
    for (uint32_t d = 0; d < dims_; ++d) out[d] = static_cast<float>(q[d]) * scale_;
  }
  uint32_t dims() const { return dims_; }
  uint64_t fingerprint() const { return fingerprint_; }
  size_t size() const { return rows_.size(); }
  // Multiplies every component by `gain` (how strongly the vectors speak next to the
  // binary features: fixed at training time, so part of the fingerprint; ner_train's
  // --vector-gain, for trying other gains before building a file with one).
  void scale(float gain);

 private:
  hashed_key_table<uint32_t> rows_;
  std::vector<int8_t> quantized_;
  float scale_ = 0;
  uint32_t dims_ = 0;
  uint64_t fingerprint_ = 0;
};

}  // namespace newsflow
