#include "processors/entities/word_clusters.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <charconv>

#include "processors/entities/ner_features.h"
#include "processors/entities/tab_lines.h"

namespace newsflow {

std::expected<word_clusters, std::string> word_clusters::parse(std::string_view text) {
  word_clusters c;
  c.fingerprint_ = XXH3_64bits(text.data(), text.size());
  const auto read = for_each_tab_line(text, [&](std::string_view word, std::string_view ids) {
    uint32_t coarse = 0, fine = 0;
    const char* end = ids.data() + ids.size();
    const auto a = std::from_chars(ids.data(), end, coarse);
    if (a.ec != std::errc() || a.ptr == end || *a.ptr != ' ') return std::string("expected two cluster numbers");
    const auto b = std::from_chars(a.ptr + 1, end, fine);
    if (b.ec != std::errc() || b.ptr != end || coarse >= 0xFFFF || fine >= 0xFFFF)
      return std::string("expected two cluster numbers");
    *c.clusters_.emplace(ner_word_key(word)).first = (coarse + 1) << 16 | (fine + 1);
    return std::string();
  });
  if (!read) return std::unexpected(read.error());
  return c;
}

std::expected<word_clusters, std::string> word_clusters::load(const std::filesystem::path& path) {
  return load_data_file(path, &word_clusters::parse);
}

}  // namespace newsflow
