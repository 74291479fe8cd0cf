#include "processors/entities/ner_tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace newsflow {
namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<ner_token> tokens;
  tokenize_for_ner(text, tokens);
  std::vector<std::string> out;
  for (const auto& t : tokens) out.emplace_back(text.substr(t.begin, t.end - t.begin));
  return out;
}

using list = std::vector<std::string>;

TEST(NerTokenizer, SplitsPunctuationOffWords) {
  EXPECT_EQ(words("Blinken said, \"We are heading (to Israel).\""),
            (list{"Blinken", "said", ",", "\"", "We", "are", "heading", "(", "to", "Israel", ")",
                  ".", "\""}));
  EXPECT_EQ(words("Really?! Yes..."), (list{"Really", "?", "!", "Yes", "..."}));
}

TEST(NerTokenizer, KeepsAbbreviationsHyphensAndNumbers) {
  EXPECT_EQ(words("The U.S. and Mr. Smith of Acme Inc. met J. Doe on Jan. 5."),
            (list{"The", "U.S.", "and", "Mr.", "Smith", "of", "Acme", "Inc.", "met", "J.", "Doe",
                  "on", "Jan.", "5", "."}));
  EXPECT_EQ(words("all-rounder 1996-08-30 3.5 1,000."),
            (list{"all-rounder", "1996-08-30", "3.5", "1,000", "."}));
}

TEST(NerTokenizer, KeepsSpanishAndDutchAbbreviationsAndClubPrefixes) {
  const std::string text = "El Sr. Pérez y drs. Jansen ganaron al FC. Barcelona.";
  EXPECT_EQ(words(text), (list{"El", "Sr.", "Pérez", "y", "drs.", "Jansen", "ganaron", "al", "FC.", "Barcelona",
                               "."}));
  std::vector<ner_token> tokens;
  tokenize_for_ner(text, tokens);
  for (size_t i = 1; i < tokens.size(); ++i) EXPECT_FALSE(tokens[i].sentence_start) << i;
}

TEST(NerTokenizer, SplitsClitics) {
  EXPECT_EQ(words("England's Israel\u2019s don't they're"),
            (list{"England", "'s", "Israel", "\u2019s", "do", "n't", "they", "'re"}));
  EXPECT_EQ(words("'s"), (list{"'s"}));
}

TEST(NerTokenizer, CurlyQuotesAndDashes) {
  EXPECT_EQ(words("\u2018US has Israel\u2019s back\u2019 \u201cWe\u201d Gaza\u2014Israel"),
            (list{"\u2018", "US", "has", "Israel", "\u2019s", "back", "\u2019", "\u201c", "We",
                  "\u201d", "Gaza", "\u2014", "Israel"}));
}

TEST(NerTokenizer, OffsetsAreBytesOfTheText) {
  const std::string text = "Zürich, «Genève»";
  std::vector<ner_token> tokens;
  tokenize_for_ner(text, tokens);
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(text.substr(tokens[0].begin, tokens[0].end - tokens[0].begin), "Zürich");
  EXPECT_EQ(tokens[0].end, 7u);  // ü is two bytes
  EXPECT_EQ(text.substr(tokens[3].begin, tokens[3].end - tokens[3].begin), "Genève");
}

TEST(NerTokenizer, MarksLineAndSentenceStarts) {
  std::vector<ner_token> tokens;
  tokenize_for_ner("One two. Three\nFour \"five.\" Six", tokens);
  std::vector<int> line, sentence;
  for (const auto& t : tokens) {
    line.push_back(t.line_start);
    sentence.push_back(t.sentence_start);
  }
  // One two . Three | Four " five . " Six
  EXPECT_EQ(line, (std::vector<int>{1, 0, 0, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(sentence, (std::vector<int>{1, 0, 0, 1, 1, 0, 0, 0, 0, 1}));
}

TEST(NerTokenizer, EmptyAndSpaceOnlyTextHaveNoTokens) {
  EXPECT_TRUE(words("").empty());
  EXPECT_TRUE(words(" \n\t ").empty());
}

}  // namespace
}  // namespace newsflow
