#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "pipeline/metrics.h"
#include "pipeline/processor_registry.h"
#include "processors/normalize/normalize_options.h"
#include "processors/normalize/normalize_processor.h"

namespace newsflow {
namespace {

::testing::AssertionResult has_error_starting(const config_errors& errors,
                                              const std::string& prefix) {
  for (const auto& e : errors.all())
    if (e.rfind(prefix, 0) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no error starting with '" << prefix << "' in:\n"
                                       << errors.joined();
}

TEST(NormalizeOptions, DefaultsWhenOnlyTypeIsGiven) {
  config_errors errors;
  const normalize_options o = parse_normalize_options(YAML::Load("type: normalize"), "chain[0]", errors);
  EXPECT_TRUE(errors.empty()) << errors.joined();
  EXPECT_EQ(o.max_bytes, 1048576);
  EXPECT_EQ(o.on_oversize, oversize_action::truncate);
  EXPECT_EQ(o.html, html_mode::auto_extract);
  EXPECT_TRUE(o.nfc);
  EXPECT_TRUE(o.fold_whitespace);
}

TEST(NormalizeOptions, EveryOptionIsRead) {
  config_errors errors;
  const normalize_options o = parse_normalize_options(
      YAML::Load("{type: normalize, max_bytes: 4096, on_oversize: reject, html: ignore, "
                 "nfc: false, fold_whitespace: no}"),
      "chain[0]", errors);
  EXPECT_TRUE(errors.empty()) << errors.joined();
  EXPECT_EQ(o.max_bytes, 4096);
  EXPECT_EQ(o.on_oversize, oversize_action::reject);
  EXPECT_EQ(o.html, html_mode::ignore);
  EXPECT_FALSE(o.nfc);
  EXPECT_FALSE(o.fold_whitespace);
}

TEST(NormalizeOptions, EachBadValueIsReportedUnderItsKey) {
  config_errors errors;
  parse_normalize_options(YAML::Load("{max_bytes: 1000, on_oversize: drop, html: always, "
                                     "nfc: maybe, fold_whitespace: [1]}"),
                          "chain[2]", errors);
  EXPECT_EQ(errors.all().size(), 5u) << errors.joined();
  EXPECT_TRUE(has_error_starting(errors, "chain[2].max_bytes: must be between 1024"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].on_oversize: must be one of truncate, reject"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].html: must be one of auto, ignore"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].nfc: must be true or false"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].fold_whitespace:"));
}

TEST(NormalizeOptions, NonIntegerMaxBytesIsRejected) {
  config_errors errors;
  const normalize_options o =
      parse_normalize_options(YAML::Load("max_bytes: 1MiB"), "chain[0]", errors);
  EXPECT_TRUE(has_error_starting(errors, "chain[0].max_bytes: must be an integer"));
  EXPECT_EQ(o.max_bytes, 1048576);
}

TEST(NormalizeOptions, MisspelledKeyIsRejected) {
  config_errors errors;
  parse_normalize_options(YAML::Load("{type: normalize, max_byte: 2048}"), "chain[0]", errors);
  ASSERT_EQ(errors.all().size(), 1u) << errors.joined();
  EXPECT_EQ(errors.all()[0], "chain[0].max_byte: unknown option");
}

TEST(NormalizeOptions, FactoryRefusesBadOptionsButNotOthersErrors) {
  metrics_registry metrics;
  processor_context context{metrics, ".", {}};

  config_errors errors;
  errors.add("chain[0]", "an earlier processor's problem");
  auto good = make_normalize_processor(YAML::Load("type: normalize"), "chain[1]", errors, context);
  ASSERT_NE(good, nullptr);
  EXPECT_EQ(good->name(), "normalize");
  EXPECT_EQ(good->order(), ordering::any);

  auto bad = make_normalize_processor(YAML::Load("{type: normalize, nfc: 3}"), "chain[1]", errors,
                                      context);
  EXPECT_EQ(bad, nullptr);
  EXPECT_TRUE(has_error_starting(errors, "chain[1].nfc:"));
}

}  // namespace
}  // namespace newsflow
