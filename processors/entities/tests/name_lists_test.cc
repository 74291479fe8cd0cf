#include <gtest/gtest.h>

#include "processors/entities/entity_canonicalizer.h"
#include "processors/entities/gazetteer.h"
#include "processors/entities/ner_features.h"
#include "processors/entities/ner_labels.h"

namespace newsflow {
namespace {

uint64_t phrase(std::initializer_list<std::string_view> words) {
  uint64_t key = 0;
  for (std::string_view w : words) key = gazetteer::extend(key, ner_word_key(w));
  return key;
}

TEST(Gazetteer, PhrasesMatchTheirCategoriesWhateverTheCase) {
  const auto g = gazetteer::parse("city\tNew York\ncountry\tGermany\nname\tGeorgia\ncountry\tGeorgia\n");
  ASSERT_TRUE(g.has_value()) << g.error();
  ASSERT_EQ(g->categories(), (std::vector<std::string>{"city", "country", "name"}));
  EXPECT_EQ(g->categories_of(phrase({"NEW", "YORK"})), 1u);
  EXPECT_EQ(g->categories_of(phrase({"germany"})), 2u);
  EXPECT_EQ(g->categories_of(phrase({"Georgia"})), 2u | 4u);  // in two lists
  EXPECT_EQ(g->categories_of(phrase({"York"})), 0u);
  // "new" begins a listed phrase without being one: matching goes on only from such words.
  EXPECT_EQ(g->find(phrase({"New"})).categories, 0u);
  EXPECT_TRUE(g->find(phrase({"New"})).continues);
  EXPECT_FALSE(g->find(phrase({"New", "York"})).continues);
  EXPECT_FALSE(g->find(phrase({"York"})).continues);
  EXPECT_NE(g->fingerprint(), gazetteer::parse("city\tParis\n")->fingerprint());
}

TEST(Gazetteer, BadLinesAreNamed) {
  const auto g = gazetteer::parse("city\tParis\nno tab here\n");
  ASSERT_FALSE(g.has_value());
  EXPECT_NE(g.error().find("line 2"), std::string::npos) << g.error();
  EXPECT_NE(gazetteer::load("/nonexistent/gazetteers.tsv").error().find("cannot open"), std::string::npos);
}

TEST(Gazetteer, ListedPhrasesBecomeTokenFeatures) {
  const auto g = gazetteer::parse("city\tNew York\n");
  ASSERT_TRUE(g.has_value());
  const std::string text = "She moved to New York last year";
  std::vector<ner_token> tokens;
  tokenize_for_ner(text, tokens);
  ner_feature_extractor with(&*g), without;
  ner_document_features a, b;
  with.extract(text, tokens, a);
  without.extract(text, tokens, b);
  EXPECT_EQ(a.of(2).size(), b.of(2).size());      // "to": no list
  EXPECT_GT(a.of(3).size(), b.of(3).size());      // "New": begins a city
  EXPECT_GT(a.of(4).size(), b.of(4).size());      // "York": ends it
}

std::vector<entity_mention> resolve(const entity_canonicalizer& c, std::vector<std::pair<std::string, uint8_t>> in) {
  static std::vector<std::string> texts;
  texts.clear();
  for (auto& [t, _] : in) texts.push_back(t);
  std::vector<entity_mention> m;
  for (size_t i = 0; i < in.size(); ++i) m.push_back({texts[i], in[i].second, {}});
  c.resolve(m);
  return m;
}

TEST(EntityCanonicalizer, ShortPersonMentionsTakeTheFullName) {
  const auto c = entity_canonicalizer::parse("US\tUnited States\n");
  ASSERT_TRUE(c.has_value());
  constexpr uint8_t per = 0, loc = 2;
  const auto m = resolve(**c, {{"Blinken", per}, {"Antony Blinken", per}, {"Mr. Blinken", per},
                               {"U.S.", loc}, {"the  United States", loc}, {"Smith", per},
                               {"John Smith", per}, {"Jane Smith", per}});
  EXPECT_EQ(m[0].canonical, "Antony Blinken");  // even before the full name
  EXPECT_EQ(m[1].canonical, "Antony Blinken");
  EXPECT_EQ(m[2].canonical, "Antony Blinken");
  EXPECT_EQ(m[3].canonical, "United States");
  EXPECT_EQ(m[4].canonical, "United States");
  EXPECT_EQ(m[5].canonical, "Smith");  // two Smiths: which one is not known
}

TEST(EntityCanonicalizer, BadAliasLinesAreNamed) {
  const auto c = entity_canonicalizer::parse("# comment\nUS\tUnited States\nUK\n");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().find("line 3"), std::string::npos) << c.error();
}

}  // namespace
}  // namespace newsflow
