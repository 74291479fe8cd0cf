#include "processors/dedup/text_signature.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace newsflow {
namespace {

TEST(TextSignature, IdenticalTextsHaveIdenticalSignatures) {
  minhash_signer s(128, 3);
  std::vector<minhash_value> a, b;
  EXPECT_EQ(s.sign("one two three four five", a).shingles, 3u);
  EXPECT_EQ(a.size(), 256u);
  s.sign("One, two; three four five.", b);
  EXPECT_EQ(a, b);
  EXPECT_DOUBLE_EQ(estimate_jaccard(a, b), 1.0);
}

TEST(TextSignature, ShortTextsUseWords) {
  minhash_signer s(64, 3);
  std::vector<minhash_value> a;
  EXPECT_EQ(s.sign("hello world", a).shingles, 2u);
  EXPECT_EQ(s.sign("", a).shingles, 0u);
}

TEST(TextSignature, EstimateTracksTrueJaccard) {
  // Two sets of 3-shingles over 400 distinct words sharing the first 200: J = 197/599 ~ 0.33.
  std::string a, b;
  const auto word = [](std::string& out, char prefix, int i) {
    out += prefix;
    out += std::to_string(i);
    out += ' ';
  };
  for (int i = 0; i < 400; ++i) word(a, 'w', i);
  for (int i = 0; i < 200; ++i) word(b, 'w', i);
  for (int i = 0; i < 200; ++i) word(b, 'x', i);
  // 256 bins: the estimate's standard deviation is ~0.03, so the bounds below are ~3.5 of it.
  minhash_signer s(256, 3);
  std::vector<minhash_value> sa, sb;
  const uint32_t na = s.sign(a, sa).shingles, nb = s.sign(b, sb).shingles;
  // Every word holds a digit: the numbers-masked halves are identical; compare the first.
  const double j = estimate_jaccard(std::span(sa).first(256), std::span(sb).first(256));
  EXPECT_DOUBLE_EQ(estimate_jaccard(std::span(sa).subspan(256), std::span(sb).subspan(256)), 1.0);
  EXPECT_NEAR(j, 198.0 / 598.0, 0.1);
  EXPECT_NEAR(containment_from_jaccard(j, na, nb), 0.5, 0.12);
}

TEST(TextSignature, ContainmentOfATruncation) {
  // The first 60% of a text: Jaccard ~0.6, containment 1.
  EXPECT_NEAR(containment_from_jaccard(0.6, 100, 60), 1.0, 1e-9);
  EXPECT_DOUBLE_EQ(containment_from_jaccard(0.5, 0, 10), 0.0);
}

}  // namespace
}  // namespace newsflow
