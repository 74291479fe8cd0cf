#include "processors/entities/ner_model.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace newsflow {
namespace {

namespace fs = std::filesystem;

class NerModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/newsflow-ner-model-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

ner_model two_features() {
  std::vector<float> w(2 * ner_model::labels, 0.0f);
  w[3] = 1.5f;                     // feature 42, label 3
  w[ner_model::labels + 3] = -0.5f;  // feature 7, label 3
  w[ner_model::labels + 0] = 2.0f;   // feature 7, label 0
  std::vector<ner_weights> stages;
  stages.emplace_back(std::vector<uint64_t>{42, 7}, std::move(w));
  return ner_model("en", 0x1234, std::move(stages));
}

TEST_F(NerModelTest, ScoresAddTheRowsOfKnownFeatures) {
  const ner_model m = two_features();
  float scores[ner_model::labels] = {};
  const uint64_t features[] = {42, 7, 99};  // 99 is unknown: ignored
  for (uint64_t f : features) m.stages()[0].add_row(f, scores);
  EXPECT_FLOAT_EQ(scores[3], 1.0f);
  EXPECT_FLOAT_EQ(scores[0], 2.0f);
  EXPECT_FLOAT_EQ(scores[1], 0.0f);
}

TEST_F(NerModelTest, FindsAFeaturesRowInEveryStageWithOneLookUp) {
  // Feature 42 in both stages, 7 only in the first, 9 only in the second, 99 in neither.
  std::vector<float> first(2 * ner_model::labels, 0.0f), second(2 * ner_model::labels, 0.0f);
  first[0] = 1.0f;                        // 42
  first[ner_model::labels] = 2.0f;        // 7
  second[0] = 3.0f;                       // 9
  second[ner_model::labels] = 4.0f;       // 42
  std::vector<ner_weights> stages;
  stages.emplace_back(std::vector<uint64_t>{42, 7}, std::move(first));
  stages.emplace_back(std::vector<uint64_t>{9, 42}, std::move(second));
  const ner_model m("es", 0, std::move(stages));
  for (uint64_t f : {42, 7, 9, 99}) {
    const float* rows[ner_model::max_stages];
    m.find_in_stages(f, rows);
    for (size_t s = 0; s < 2; ++s) {
      EXPECT_EQ(rows[s], m.stages()[s].find(f)) << "feature " << f << ", stage " << s;
      EXPECT_EQ(m.find_in_stage(f, s), m.stages()[s].find(f)) << "feature " << f << ", stage " << s;
    }
  }
  const float* rows[ner_model::max_stages];
  m.find_in_stages(42, rows);
  ASSERT_NE(rows[0], nullptr);
  ASSERT_NE(rows[1], nullptr);
  EXPECT_FLOAT_EQ(rows[0][0], 1.0f);
  EXPECT_FLOAT_EQ(rows[1][0], 4.0f);
  // A copy looks up into its own weights.
  const ner_model copy = m;
  copy.find_in_stages(7, rows);
  EXPECT_EQ(rows[0], copy.stages()[0].find(7));
  EXPECT_EQ(rows[1], nullptr);
}

TEST_F(NerModelTest, AModelHasOneOrTwoStages) {
  EXPECT_THROW(ner_model("en", 0, {}), std::invalid_argument);
}

TEST_F(NerModelTest, MeanOfMembersScoresAsTheMeanOfTheirScores) {
  std::vector<float> a(2 * ner_model::labels, 0.0f), b(ner_model::labels, 0.0f);
  a[3] = 2.0f;                      // feature 42, label 3
  a[ner_model::labels + 1] = 4.0f;  // feature 7, label 1
  b[3] = 1.0f;                      // feature 42, label 3
  std::vector<ner_weights> members;
  members.emplace_back(std::vector<uint64_t>{42, 7}, std::move(a));
  members.emplace_back(std::vector<uint64_t>{42}, std::move(b));
  const ner_weights mean = mean_of(members);
  EXPECT_EQ(mean.keys().size(), 2u);  // the union of the members' features
  float scores[ner_model::labels] = {};
  mean.add_row(42, scores);
  EXPECT_FLOAT_EQ(scores[3], 1.5f);
  mean.add_row(7, scores);
  EXPECT_FLOAT_EQ(scores[1], 2.0f);  // a feature one member lacks counts as 0 there
}

TEST_F(NerModelTest, SavedModelLoadsBackTheSame) {
  ASSERT_TRUE(two_features().save(dir / "m.bin"));
  const auto loaded = ner_model::load(dir / "m.bin");
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_EQ(loaded->language(), "en");
  EXPECT_EQ(loaded->features(), 2u);
  EXPECT_EQ(loaded->gazetteer_fingerprint(), 0x1234u);
  float scores[ner_model::labels] = {};
  const uint64_t features[] = {42, 7};
  for (uint64_t f : features) loaded->stages()[0].add_row(f, scores);
  EXPECT_FLOAT_EQ(scores[3], 1.0f);
}

TEST_F(NerModelTest, LoadErrorsSayWhatIsWrong) {
  EXPECT_NE(ner_model::load(dir / "missing.bin").error().find("cannot open"), std::string::npos);
  std::ofstream(dir / "text.bin") << "not a model at all";
  EXPECT_NE(ner_model::load(dir / "text.bin").error().find("not a newsflow entity model"),
            std::string::npos);
  ASSERT_TRUE(two_features().save(dir / "m.bin"));
  fs::resize_file(dir / "m.bin", fs::file_size(dir / "m.bin") - 3);
  EXPECT_NE(ner_model::load(dir / "m.bin").error().find("truncated"), std::string::npos);
  ASSERT_TRUE(two_features().save(dir / "m.bin"));
  std::ofstream(dir / "m.bin", std::ios::app) << "x";
  EXPECT_NE(ner_model::load(dir / "m.bin").error().find("after the model"), std::string::npos);
}

}  // namespace
}  // namespace newsflow
