#include "processors/entities/entities_processor.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace newsflow {
namespace {

namespace fs = std::filesystem;

// The shipped models, lists and aliases (models/ in the source tree).
const fs::path models_dir = NEWSFLOW_MODELS_DIR;

struct entity {
  std::string text, type, field, canonical;
  int64_t start, end;
};

class EntitiesProcessorTest : public ::testing::Test {
 protected:
  std::unique_ptr<processor> make(const std::string& yaml = "{type: entities}") {
    processor_context context{metrics, models_dir.parent_path(), YAML::Node(YAML::NodeType::Map)};
    auto p = make_entities_processor(YAML::Load(yaml), "chain[3]", errors, context);
    return p;
  }
  // Runs an article with this headline and body (already normalized), language `language`.
  std::vector<entity> run(processor& p, const std::string& title, const std::string& body,
                          const std::string& language = "en") {
    a.clear();
    a.title.set(title);
    a.text.set(body);
    a.headline = title;
    a.body = body;
    a.language = language;
    EXPECT_TRUE(p.process(a).has_value());
    simdjson::dom::parser parser;
    const std::string json = "{" + a.enrichment + "}";
    simdjson::dom::element doc = parser.parse(json);
    std::vector<entity> out;
    for (simdjson::dom::element e : doc["entities"].get_array()) {
      out.push_back({std::string(e["text"].get_string().value()), std::string(e["type"].get_string().value()),
                     std::string(e["field"].get_string().value()),
                     std::string(e["canonical"].get_string().value()), e["start"].get_int64().value(),
                     e["end"].get_int64().value()});
    }
    return out;
  }
  static const entity* find(const std::vector<entity>& es, const std::string& text, const std::string& field = "text") {
    for (const auto& e : es)
      if (e.text == text && e.field == field) return &e;
    return nullptr;
  }

  metrics_registry metrics;
  config_errors errors;
  article a;
};

// A news paragraph written for this test (not from any training set).
const std::string story =
    "Antony Blinken met Prime Minister Benjamin Netanyahu in Tel Aviv on "
    "Thursday, a week after the Hamas attack on Israel.\n"
    "Blinken said the U.S. would keep supplying Israel, and that President Joe Biden would visit "
    "the region. Netanyahu thanked the United States.";

TEST_F(EntitiesProcessorTest, TagsPeoplePlacesAndOrganizations) {
  auto p = make();
  ASSERT_NE(p, nullptr) << errors.all().front();
  const auto es = run(*p, "Blinken arrives in Israel", story);
  for (const char* name : {"Antony Blinken", "Benjamin Netanyahu", "Joe Biden"}) {
    const entity* e = find(es, name);
    ASSERT_NE(e, nullptr) << name;
    EXPECT_EQ(e->type, "PER") << name;
  }
  for (const char* place : {"Tel Aviv", "Israel", "United States"}) {
    const entity* e = find(es, place);
    ASSERT_NE(e, nullptr) << place;
    EXPECT_EQ(e->type, "LOC") << place;
  }
  ASSERT_NE(find(es, "Hamas"), nullptr);
  EXPECT_EQ(find(es, "Hamas")->type, "ORG");
  ASSERT_NE(find(es, "Israel", "title"), nullptr);  // the headline is tagged too
}

TEST_F(EntitiesProcessorTest, ShortMentionsAndAliasesShareACanonicalForm) {
  auto p = make();
  ASSERT_NE(p, nullptr);
  const auto es = run(*p, "", story);
  ASSERT_NE(find(es, "Blinken"), nullptr);
  EXPECT_EQ(find(es, "Blinken")->canonical, "Antony Blinken");
  ASSERT_NE(find(es, "Netanyahu"), nullptr);
  EXPECT_EQ(find(es, "Netanyahu")->canonical, "Benjamin Netanyahu");
  ASSERT_NE(find(es, "U.S."), nullptr);
  EXPECT_EQ(find(es, "U.S.")->canonical, "United States");
  EXPECT_EQ(find(es, "United States")->canonical, "United States");
}

TEST_F(EntitiesProcessorTest, OffsetsAreCodePointsIntoTheFieldAsOutput) {
  auto p = make();
  ASSERT_NE(p, nullptr);
  const std::string body = "Der Zürcher Stadtrat tagte. Angela Merkel traf Emmanuel Macron in Zürich.";
  const auto es = run(*p, "", body);
  const entity* e = find(es, "Emmanuel Macron");
  ASSERT_NE(e, nullptr);
  // "ü" is two bytes but one code point: the offsets count code points.
  const std::u32string cps = [&] {
    std::u32string out;
    for (size_t i = 0; i < body.size(); ++i)
      if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80) out += U'x';
    return out;
  }();
  const size_t byte_start = body.find("Emmanuel Macron");
  EXPECT_EQ(e->start, static_cast<int64_t>(byte_start - 1));  // one two-byte ü before it
  EXPECT_EQ(e->end - e->start, 15);
  (void)cps;
}

TEST_F(EntitiesProcessorTest, OffsetsGoBackThroughNormalization) {
  auto p = make();
  ASSERT_NE(p, nullptr);
  a.clear();
  a.text.set("  Angela   Merkel spoke.");
  a.body = "Angela Merkel spoke.";
  a.body_offsets.add(0, 2);   // normalized 0.. came from original 2..
  a.body_offsets.add(7, 11);  // the collapsed spaces
  a.language = "en";
  ASSERT_TRUE(p->process(a).has_value());
  EXPECT_NE(a.enrichment.find("\"start\":2,\"end\":17"), std::string::npos) << a.enrichment;
}

TEST_F(EntitiesProcessorTest, LanguagesWithoutAModelGetNoEntitiesAndAreCounted) {
  auto p = make();
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(run(*p, "", "Владимир Путин посетил Москву.", "ru").empty());
  EXPECT_EQ(a.enrichment, "\"entities\":[]");
  EXPECT_EQ(metrics.get_counter("newsflow_entities_unsupported_total", "", {{"language", "ru"}}).value(), 1u);
}

TEST_F(EntitiesProcessorTest, SpanishAndDutchHaveTheirOwnModels) {
  auto p = make();
  ASSERT_NE(p, nullptr);
  const auto es = run(*p, "", "El presidente del Gobierno, Pedro Sánchez, viajó a Bruselas.", "es");
  ASSERT_NE(find(es, "Pedro Sánchez"), nullptr);
  EXPECT_EQ(find(es, "Pedro Sánchez")->type, "PER");
  const auto nl = run(*p, "", "Premier Mark Rutte sprak in Den Haag met de Europese Commissie.", "nl");
  ASSERT_NE(find(nl, "Mark Rutte"), nullptr);
  EXPECT_EQ(find(nl, "Mark Rutte")->type, "PER");
}

TEST_F(EntitiesProcessorTest, MaxEntitiesCapsTheList) {
  auto p = make("{type: entities, max_entities: 2}");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(run(*p, "", story).size(), 2u);
}

// A tagger with a tiny word cache (words displace each other all the time) tags alike.
TEST_F(EntitiesProcessorTest, TheWordCacheSizeChangesNoEntity) {
  auto small = make("{type: entities, word_cache: 2}");
  auto usual = make("{type: entities}");
  ASSERT_NE(small, nullptr);
  ASSERT_NE(usual, nullptr);
  const auto a = run(*small, "", story), b = run(*usual, "", story);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].text, b[i].text);
    EXPECT_EQ(a[i].type, b[i].type);
  }
  EXPECT_EQ(make("{type: entities, word_cache: 1}"), nullptr);
  ASSERT_FALSE(errors.all().empty());
  EXPECT_NE(errors.all().back().find("word_cache"), std::string::npos) << errors.all().back();
}

TEST_F(EntitiesProcessorTest, MissingOrMismatchedFilesAreErrorsNamingTheOption) {
  EXPECT_EQ(make("{type: entities, models: {en: models/nope.bin}}"), nullptr);
  ASSERT_FALSE(errors.all().empty());
  EXPECT_NE(errors.all().back().find("chain[3].models.en"), std::string::npos) << errors.all().back();
  errors = config_errors();
  // The English model was trained with the name lists and clusters: without them it must be refused.
  EXPECT_EQ(make("{type: entities, models: {en: models/ner-en.bin}, gazetteers: ''}"), nullptr);
  ASSERT_FALSE(errors.all().empty());
  EXPECT_NE(errors.all().back().find("chain[3].models.en"), std::string::npos) << errors.all().back();
  errors = config_errors();
  EXPECT_EQ(make("{type: entities, models: {en: models/ner-en.bin}, word_clusters: ''}"), nullptr);
  ASSERT_FALSE(errors.all().empty());
  EXPECT_NE(errors.all().back().find("chain[3].models.en"), std::string::npos) << errors.all().back();
  EXPECT_NE(errors.all().back().find("other name lists, word clusters or word vectors"), std::string::npos);
  errors = config_errors();
  EXPECT_EQ(make("{type: entities, models: {en: models/ner-en.bin}, word_vectors: ''}"), nullptr);
  ASSERT_FALSE(errors.all().empty());
  EXPECT_NE(errors.all().back().find("chain[3].models.en"), std::string::npos) << errors.all().back();
  errors = config_errors();
  EXPECT_EQ(make("{type: entities, word_vectors: models/nope.bin}"), nullptr);
  ASSERT_FALSE(errors.all().empty());
  EXPECT_NE(errors.all().back().find("chain[3].word_vectors"), std::string::npos) << errors.all().back();
}

}  // namespace
}  // namespace newsflow
