#include "processors/entities/gazetteer.h"

#define XXH_INLINE_ALL
#include <xxhash.h>
#include <fmt/format.h>

#include <algorithm>

#include "processors/entities/ner_features.h"
#include "processors/entities/ner_tokenizer.h"
#include "processors/entities/tab_lines.h"

namespace newsflow {

uint64_t gazetteer::extend(uint64_t phrase_key, uint64_t word_key) {
  const uint64_t v[2] = {phrase_key, word_key};
  return XXH3_64bits_withSeed(v, sizeof v, 0x67617a6574746565ULL) | 1;  // never 0
}

gazetteer::match gazetteer::find(uint64_t phrase_key) const {
  const match* found = phrases_.find(phrase_key);
  return found == nullptr ? match{} : *found;
}

std::expected<gazetteer, std::string> gazetteer::parse(std::string_view text) {
  gazetteer g;
  g.fingerprint_ = XXH3_64bits(text.data(), text.size());
  std::vector<ner_token> tokens;
  const auto read = for_each_tab_line(text, [&](std::string_view category, std::string_view phrase) {
    auto it = std::find(g.categories_.begin(), g.categories_.end(), category);
    if (it == g.categories_.end()) {
      if (g.categories_.size() == max_categories) return fmt::format("more than {} categories", max_categories);
      g.categories_.emplace_back(category);
      it = g.categories_.end() - 1;
    }
    tokenize_for_ner(phrase, tokens);
    if (tokens.empty() || tokens.size() > max_words) return std::string();  // longer phrases never match
    uint64_t key = 0;
    for (size_t k = 0; k < tokens.size(); ++k) {
      if (k > 0) g.phrases_.emplace(key).first->continues = true;
      key = extend(key, ner_word_key(phrase.substr(tokens[k].begin, tokens[k].end - tokens[k].begin)));
    }
    g.phrases_.emplace(key).first->categories |= static_cast<uint16_t>(1u << (it - g.categories_.begin()));
    return std::string();
  });
  if (!read) return std::unexpected(read.error());
  return g;
}

std::expected<gazetteer, std::string> gazetteer::load(const std::filesystem::path& path) {
  return load_data_file(path, &gazetteer::parse);
}

}  // namespace newsflow
