#include "processors/dedup/token_hashes.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace newsflow {
namespace {

std::vector<uint64_t> tokens(std::string_view s) {
  std::vector<uint64_t> out;
  hash_tokens(s, out);
  return out;
}

TEST(TokenHashes, CasePunctuationAndSpacingDoNotMatter) {
  EXPECT_EQ(tokens("The  Dow, rose!"), tokens("the dow rose"));
  EXPECT_EQ(tokens("a\r\nb\t c"), tokens("a b c"));
  EXPECT_EQ(tokens("a\u00a0b \u201cc\u201d \u2014 d"), tokens("a b c d"));
}

TEST(TokenHashes, ApostrophesAndEntitiesAreNeutral) {
  EXPECT_EQ(tokens("Croatia's"), tokens("Croatia\u2019s"));
  EXPECT_EQ(tokens("Croatia's"), tokens("Croatia&#39;s"));
  EXPECT_EQ(tokens("Croatia's"), tokens("Croatia&amp;#39;s"));
  EXPECT_EQ(tokens("a&nbsp;landmark"), tokens("a landmark"));
  EXPECT_EQ(tokens("AT&T"), tokens("AT T"));  // not an entity: a separator
}

TEST(TokenHashes, NonAsciiLettersAreWordCharacters) {
  EXPECT_EQ(tokens("Zürich café").size(), 2u);
  EXPECT_NE(tokens("Zürich"), tokens("Zrich"));
}

// Words are read 16 bytes at a time when they can be (plain ASCII words with room after them)
// and byte by byte otherwise; a word must hash the same either way, or copies would differ.
TEST(TokenHashes, AWordHashesTheSameWhicheverWayItIsRead) {
  const std::string pad(40, ' ');
  // Read byte by byte: near the end of the body, or next to an apostrophe or a reference.
  EXPECT_EQ(tokens("Croatias" + pad), tokens("Croatia's"));
  EXPECT_EQ(tokens("croatias" + pad), tokens("Croatia&#39;s" + pad));
  EXPECT_EQ(tokens("Mid-2024 GDP" + pad), tokens("mid 2024 gdp"));
  // Fifteen bytes (the longest read in one load), sixteen, and longer than the buffers.
  for (size_t len : {7, 8, 9, 15, 16, 17, 63, 64, 65, 200}) {
    std::string word;
    for (size_t i = 0; i < len; ++i) word += static_cast<char>('a' + i % 26);
    std::string upper = word;
    upper[0] = 'A';
    EXPECT_EQ(tokens(word + pad), tokens(upper)) << len;
    EXPECT_EQ(tokens(word + pad).size(), 1u) << len;
  }
  EXPECT_EQ(token_hash(reinterpret_cast<const unsigned char*>("gdp"), 3), tokens("GDP")[0]);
}

TEST(TokenHashes, DistinctWordsHashApart) {
  EXPECT_NE(tokens("abcdefgh"), tokens("abcdefg"));   // a byte more
  EXPECT_NE(tokens("abcdefghi"), tokens("abcdefgh"));  // across the 8-byte halves
  EXPECT_NE(tokens("ab cd"), tokens("abcd"));
  EXPECT_NE(tokens("a1"), tokens("a2"));
}

TEST(TokenHashes, NumbersAreMaskedWhenAsked) {
  std::vector<uint64_t> out, masked;
  hash_tokens("Shares rose 5% to 12.50 in 2024Q1 trading" + std::string(20, ' '), out, &masked);
  ASSERT_EQ(out.size(), 9u);
  ASSERT_EQ(masked.size(), 9u);
  EXPECT_EQ(masked[0], out[0]);
  EXPECT_NE(masked[2], out[2]);     // 5
  EXPECT_EQ(masked[2], masked[4]);  // 12 and 5: one placeholder
  EXPECT_EQ(masked[7], masked[2]);  // 2024q1 holds a digit
  EXPECT_EQ(masked[8], out[8]);
}

TEST(TokenHashes, LineEndsCountTokensOfLinesThatHaveThem) {
  std::vector<uint64_t> out;
  std::vector<uint32_t> ends;
  hash_tokens("one two\n\n  \nthree\nfour five six\n", out, nullptr, &ends);
  EXPECT_EQ(out.size(), 6u);
  EXPECT_EQ(ends, (std::vector<uint32_t>{2, 3, 6}));
  hash_tokens("no newline at the end", out, nullptr, &ends);
  EXPECT_EQ(ends, (std::vector<uint32_t>{5}));
  hash_tokens("", out, nullptr, &ends);
  EXPECT_TRUE(ends.empty());
}

// Texts built from known words, with separators and in-word decorations that must not change
// them, in every mix of plain and special bytes: the hashes and line ends are those of the
// words as written down.
TEST(TokenHashes, RandomTextsGiveTheirWords) {
  const std::vector<std::string> words = {
      "the", "Reuters", "2024", "50", "co2", "Zürich", "café", "naïve", "x",
      "electroencephalograph", "Antidisestablishmentarianism", "a1b2c3d4e5f6g7h8i9j0",
      std::string(70, 'w'), "Ελλάδα", "東京"};
  const std::vector<std::string> separators = {" ", " ", " ", ", ", ". ", "  ", "\t", " \u201c",
                                               "\u201d ", " \u2014 ", "&nbsp;", " (", ") ", "&amp; "};
  std::mt19937 rng(5);
  for (int round = 0; round < 300; ++round) {
    std::string text;
    std::vector<uint64_t> expected;
    std::vector<uint32_t> expected_ends;
    const int n = 1 + static_cast<int>(rng() % 120);
    for (int w = 0; w < n; ++w) {
      std::string token = words[rng() % words.size()];
      std::string written = token;
      for (char& c : token)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (rng() % 5 == 0 && written.size() > 2 && written[0] >= 'a' && written[0] <= 'z')
        written[0] = static_cast<char>(written[0] - 'a' + 'A');
      if (rng() % 6 == 0) {  // an apostrophe inside the word, dropped
        const char* apos[] = {"'", "\u2019", "&#39;", "&amp;#39;"};
        written += apos[rng() % 4];
        written += "s";
        token += "s";
      }
      text += written;
      expected.push_back(token_hash(reinterpret_cast<const unsigned char*>(token.data()), token.size()));
      if (rng() % 9 == 0) {
        text += rng() % 2 ? "\n" : ".\n\n";
        expected_ends.push_back(static_cast<uint32_t>(expected.size()));
      } else {
        text += separators[rng() % separators.size()];
      }
    }
    if (expected_ends.empty() || expected_ends.back() != expected.size())
      expected_ends.push_back(static_cast<uint32_t>(expected.size()));
    std::vector<uint64_t> out;
    std::vector<uint32_t> ends;
    hash_tokens(text, out, nullptr, &ends);
    ASSERT_EQ(out, expected) << text;
    ASSERT_EQ(ends, expected_ends) << text;
  }
}

}  // namespace
}  // namespace newsflow
