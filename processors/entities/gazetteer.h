#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "processors/entities/hashed_key_table.h"

namespace newsflow {

// Name lists for the entity tagger (models/gazetteers.tsv, built by tools/build_gazetteers.sh):
// phrases of up to max_words tokens, each in one or more categories (city, country, name…).
// Matching is on the tagger's tokens, lower-cased (ner_word_key), so "NEW YORK" and
// "New York" both match "New York". Immutable once loaded; shared by every worker.
class gazetteer {
 public:
  static constexpr size_t max_words = 4;
  static constexpr size_t max_categories = 16;

  // Reads "category<TAB>phrase" lines. The error names the line that is wrong.
  static std::expected<gazetteer, std::string> load(const std::filesystem::path& path);
  // From lines already in memory (tests, tools).
  static std::expected<gazetteer, std::string> parse(std::string_view text);

  const std::vector<std::string>& categories() const { return categories_; }
  // A content fingerprint: a model records the gazetteer it was trained with.
  uint64_t fingerprint() const { return fingerprint_; }

  // The key of a phrase from its words' keys (ner_word_key), extended one word at a time.
  static uint64_t extend(uint64_t phrase_key, uint64_t word_key);
  // What the list knows of a phrase: its category bits (0: not a listed phrase), and
  // whether some listed phrase goes on from it (so matching from a word stops early).
  struct match {
    uint16_t categories = 0;
    bool continues = false;
  };
  match find(uint64_t phrase_key) const;
  uint16_t categories_of(uint64_t phrase_key) const { return find(phrase_key).categories; }
  // Asks the processor to fetch the slot a find(phrase_key) reads first.
  void prefetch(uint64_t phrase_key) const { phrases_.prefetch(phrase_key); }

 private:
  std::vector<std::string> categories_;
  hashed_key_table<match> phrases_;  // listed phrases and the beginnings of longer ones
  uint64_t fingerprint_ = 0;
};

}  // namespace newsflow
