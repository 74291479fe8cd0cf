#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "pipeline/metrics.h"
#include "pipeline/processor_registry.h"
#include "processors/langid/label_map.h"
#include "processors/langid/langid_options.h"
#include "processors/langid/langid_processor.h"

namespace newsflow {
namespace {

::testing::AssertionResult has_error_starting(const config_errors& errors,
                                              const std::string& prefix) {
  for (const auto& e : errors.all())
    if (e.rfind(prefix, 0) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no error starting with '" << prefix << "' in:\n"
                                       << errors.joined();
}

TEST(LangidOptions, DefaultsWhenOnlyTypeIsGiven) {
  config_errors errors;
  const langid_options o = parse_langid_options(YAML::Load("type: langid"), "chain[1]", errors);
  EXPECT_TRUE(errors.empty()) << errors.joined();
  EXPECT_EQ(o.model, "models/lid.176.ftz");
  EXPECT_EQ(o.max_text_bytes, 1000);
  EXPECT_TRUE(o.cld2);
  EXPECT_DOUBLE_EQ(o.hint_weight, 0.1);
  EXPECT_DOUBLE_EQ(o.reliable_threshold, 0.97);
}

TEST(LangidOptions, EveryOptionIsRead) {
  config_errors errors;
  YAML::Node effective;
  const langid_options o = parse_langid_options(
      YAML::Load("{type: langid, model: /opt/lid.bin, max_text_bytes: 4096, cld2: false, "
                 "hint_weight: 0.3, reliable_threshold: 0.9}"),
      "chain[1]", errors, &effective);
  EXPECT_TRUE(errors.empty()) << errors.joined();
  EXPECT_EQ(o.model, "/opt/lid.bin");
  EXPECT_EQ(o.max_text_bytes, 4096);
  EXPECT_FALSE(o.cld2);
  EXPECT_DOUBLE_EQ(o.hint_weight, 0.3);
  EXPECT_DOUBLE_EQ(o.reliable_threshold, 0.9);
  EXPECT_EQ(effective["max_text_bytes"].as<int64_t>(), 4096);
}

TEST(LangidOptions, EachBadValueIsReportedUnderItsKey) {
  config_errors errors;
  parse_langid_options(YAML::Load("{model: '', max_text_bytes: 10, cld2: maybe, "
                                  "hint_weight: 2, reliable_threshold: -1, modle: x}"),
                       "chain[1]", errors);
  EXPECT_EQ(errors.all().size(), 6u) << errors.joined();
  EXPECT_TRUE(has_error_starting(errors, "chain[1].model: must not be empty"));
  EXPECT_TRUE(has_error_starting(errors, "chain[1].max_text_bytes: must be between 64"));
  EXPECT_TRUE(has_error_starting(errors, "chain[1].cld2: must be true or false"));
  EXPECT_TRUE(has_error_starting(errors, "chain[1].hint_weight:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[1].reliable_threshold:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[1].modle:"));
}

TEST(LangidOptions, MissingModelFileIsAnErrorNamingTheOption) {
  metrics_registry metrics;
  config_errors errors;
  processor_context context{metrics, "/nonexistent-dir", {}};
  auto p = make_langid_processor(YAML::Load("{type: langid, model: no-such-model.ftz}"),
                                 "chain[1]", errors, context);
  EXPECT_EQ(p, nullptr);
  EXPECT_TRUE(has_error_starting(errors, "chain[1].model: fastText model file 'no-such-model.ftz' not found"));
  EXPECT_NE(errors.joined().find("scripts/fetch_models.sh"), std::string::npos);
}

TEST(LangidOptions, AFileThatIsNotAModelIsAnErrorNamingTheOption) {
  metrics_registry metrics;
  config_errors errors;
  processor_context context{metrics, "/", {}};
  auto p = make_langid_processor(YAML::Load("{type: langid, model: /proc/self/cmdline}"),
                                 "chain[3]", errors, context);
  EXPECT_EQ(p, nullptr);
  EXPECT_TRUE(has_error_starting(errors, "chain[3].model:")) << errors.joined();
}

TEST(LangidLabels, ModelLabelsMapToOutputCodes) {
  EXPECT_EQ(map_language_label("__label__en"), "en");
  EXPECT_EQ(map_language_label("iw"), "he");
  EXPECT_EQ(map_language_label("he"), "he");
  EXPECT_EQ(map_language_label("in"), "id");
  EXPECT_EQ(map_language_label("jw"), "jv");
  EXPECT_EQ(map_language_label("ji"), "yi");
  EXPECT_EQ(map_language_label("mo"), "ro");
  EXPECT_EQ(map_language_label("nb"), "no");
  EXPECT_EQ(map_language_label("no"), "no");
  EXPECT_EQ(map_language_label("nn"), "nn");
  EXPECT_EQ(map_language_label("fil"), "tl");
  EXPECT_EQ(map_language_label("tl"), "tl");
  EXPECT_EQ(map_language_label("zh-Hant"), "zh");
  EXPECT_EQ(map_language_label("zh"), "zh");
  EXPECT_EQ(map_language_label("sr-ME"), "sr");
  EXPECT_EQ(map_language_label("sh"), "sh");  // resolved by the processor
  EXPECT_EQ(map_language_label("als"), "gsw");
  EXPECT_EQ(map_language_label("arz"), "ar");
  EXPECT_EQ(map_language_label("azb"), "az");
  EXPECT_EQ(map_language_label("ceb"), "ceb");
  EXPECT_EQ(map_language_label("un"), "und");
  EXPECT_EQ(map_language_label("xx-Qaai"), "und");
  EXPECT_EQ(map_language_label(""), "und");
}

TEST(LangidCalibration, IsMonotoneAndBounded) {
  EXPECT_DOUBLE_EQ(langid_calibrate(0), 0);
  EXPECT_DOUBLE_EQ(langid_calibrate(1), 1);
  EXPECT_DOUBLE_EQ(langid_calibrate(2), 1);
  double last = 0;
  for (int i = 0; i <= 100; ++i) {
    const double c = langid_calibrate(i / 100.0);
    EXPECT_GE(c, last);
    last = c;
  }
}

}  // namespace
}  // namespace newsflow
