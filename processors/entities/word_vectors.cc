#include "processors/entities/word_vectors.h"

#define XXH_INLINE_ALL
#include <xxhash.h>
#include <fmt/format.h>

#include <cstring>

#include "processors/entities/byte_reader.h"
#include "processors/entities/ner_features.h"
#include "processors/entities/tab_lines.h"

namespace newsflow {

std::expected<word_vectors, std::string> word_vectors::parse(std::string_view bytes) {
  word_vectors v;
  v.fingerprint_ = XXH3_64bits(bytes.data(), bytes.size());
  byte_reader reader(bytes);
  const auto take = [&](void* to, size_t n) { return reader.take(to, n); };
  char head[8];
  uint32_t count = 0;
  if (!take(head, 8) || std::memcmp(head, "NFVEC01\n", 8) != 0)
    return std::unexpected(std::string("not a word vectors file (tools/build_word_clusters.sh)"));
  if (!take(&count, 4) || !take(&v.dims_, 4) || !take(&v.scale_, 4))
    return std::unexpected(std::string("truncated header"));
  if (v.dims_ == 0 || v.dims_ > max_dims)
    return std::unexpected(fmt::format("{} dimensions (1 to {} expected)", v.dims_, max_dims));
  v.quantized_.resize(size_t{count} * v.dims_);
  std::string word;
  for (uint32_t r = 0; r < count; ++r) {
    uint8_t length = 0;
    if (!take(&length, 1)) return std::unexpected(fmt::format("truncated at word {}", r + 1));
    word.resize(length);
    if (!take(word.data(), length) || !take(v.quantized_.data() + size_t{r} * v.dims_, v.dims_))
      return std::unexpected(fmt::format("truncated at word {}", r + 1));
    if (auto [row, added] = v.rows_.emplace(ner_word_key(word)); added) *row = r;
  }
  if (reader.left() != 0) return std::unexpected(fmt::format("{} bytes after the vectors", reader.left()));
  return v;
}

std::expected<word_vectors, std::string> word_vectors::load(const std::filesystem::path& path) {
  return load_data_file(path, &word_vectors::parse);
}

void word_vectors::scale(float gain) {
  scale_ *= gain;
  uint32_t bits;
  std::memcpy(&bits, &gain, 4);
  fingerprint_ = XXH3_64bits_withSeed(&bits, 4, fingerprint_);
}

}  // namespace newsflow
