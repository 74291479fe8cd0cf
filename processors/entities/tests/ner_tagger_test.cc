#include "processors/entities/ner_tagger.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow {
namespace {

using namespace ner_label;

TEST(NerLabels, BilouTransitions) {
  const uint8_t b_per = make(0, part_begin), i_per = make(0, part_inside), l_per = make(0, part_last),
                u_loc = make(2, part_unit), i_loc = make(2, part_inside);
  EXPECT_TRUE(may_follow(outside, b_per));
  EXPECT_TRUE(may_follow(outside, u_loc));
  EXPECT_FALSE(may_follow(outside, i_per));
  EXPECT_FALSE(may_follow(outside, l_per));
  EXPECT_TRUE(may_follow(b_per, i_per));
  EXPECT_TRUE(may_follow(b_per, l_per));
  EXPECT_FALSE(may_follow(b_per, outside));
  EXPECT_FALSE(may_follow(b_per, i_loc));  // the entity's type cannot change
  EXPECT_TRUE(may_follow(l_per, u_loc));
  EXPECT_EQ(entity_type_index("LOC"), 2);
  EXPECT_FALSE(entity_type_index("DATE").has_value());
}

std::vector<std::string> spans_of(std::string_view text, const std::vector<uint8_t>& labels) {
  std::vector<ner_token> tokens;
  tokenize_for_ner(text, tokens);
  std::vector<ner_span> spans;
  labels_to_spans(tokens, labels, spans);
  std::vector<std::string> out;
  for (const auto& s : spans)
    out.push_back(std::string(entity_types[s.type]) + ":" + std::string(text.substr(s.begin, s.end - s.begin)));
  return out;
}

TEST(NerTagger, LabelsBecomeSpans) {
  const uint8_t B = make(0, part_begin), I = make(0, part_inside), L = make(0, part_last),
                U = make(2, part_unit);
  EXPECT_EQ(spans_of("Antony J. Blinken visited Israel .", {B, I, L, outside, U, outside}),
            (std::vector<std::string>{"PER:Antony J. Blinken", "LOC:Israel"}));
  // A begin without its last at a line's end still makes an entity, cut at the line.
  EXPECT_EQ(spans_of("Antony Blinken\nIsrael", {B, I, U}),
            (std::vector<std::string>{"PER:Antony Blinken", "LOC:Israel"}));
}

// The tokens and features of a text, as the tagger makes them.
struct analysed {
  explicit analysed(std::string_view text) {
    tokenize_for_ner(text, tokens);
    extractor.extract(text, tokens, features);
  }
  std::vector<ner_token> tokens;
  ner_feature_extractor extractor;
  ner_document_features features;
};

// Weights that score nothing: every label ties, and a tie must not open an entity.
struct toy_weights {
  void add_row(uint64_t, float*) const {}
};

TEST(NerTagger, DecodingOnlyTakesAllowedLabels) {
  const analysed doc("one two three");
  std::vector<uint8_t> labels;
  greedy_decoder decoder;
  greedy_decode(doc.features, doc.tokens, toy_weights{}, decoder, labels);
  EXPECT_EQ(labels, (std::vector<uint8_t>{outside, outside, outside}));  // ties go to O
}

TEST(NerFeatures, TokensGetTheirFeatures) {
  const std::string text = "Zürich FC beat AC Milan 2-1.";
  std::vector<ner_token> tokens;
  tokenize_for_ner(text, tokens);
  ner_feature_extractor extractor;
  ner_document_features features;
  extractor.extract(text, tokens, features);
  ASSERT_EQ(features.offsets.size(), tokens.size() + 1);
  for (size_t i = 0; i < tokens.size(); ++i) EXPECT_GE(features.of(i).size(), 15u) << i;
  // The same word in another place has the same word feature, another word another one.
  const std::string other = "Milan";
  std::vector<ner_token> t2;
  tokenize_for_ner(other, t2);
  ner_document_features f2;
  extractor.extract(other, t2, f2);
  EXPECT_EQ(f2.word_keys[0], features.word_keys[4]);
  EXPECT_NE(f2.word_keys[0], features.word_keys[3]);
  // Case folds non-ASCII letters too.
  const std::string upper = "ZÜRICH";
  extractor.extract(upper, std::vector<ner_token>{{0, static_cast<uint32_t>(upper.size()), true, true}}, f2);
  EXPECT_EQ(f2.word_keys[0], features.word_keys[0]);
}

// Context aggregation: a capitalised word also sees the words before its other occurrences.
TEST(NerFeatures, CapitalisedWordsSeeTheirOtherOccurrences) {
  const auto first_token_features = [](const std::string& text) {
    const analysed doc(text);
    const auto f = doc.features.of(0);
    std::vector<uint64_t> out(f.begin(), f.end());
    std::sort(out.begin(), out.end());
    return out;
  };
  // "Blinken" opens the text each time; only the words before its second occurrence differ.
  const auto by_title = first_token_features("Blinken spoke . Then Mr. Blinken left .");
  const auto by_verb = first_token_features("Blinken spoke . Then met Blinken left .");
  EXPECT_NE(by_title, by_verb);
  // Lower-case words do not: "spoke" elsewhere changes nothing for the first "spoke".
  const auto plain_a = first_token_features("spoke Blinken . Then Mr. spoke left .");
  const auto plain_b = first_token_features("spoke Blinken . Then met spoke left .");
  EXPECT_EQ(plain_a, plain_b);
}

}  // namespace
}  // namespace newsflow
