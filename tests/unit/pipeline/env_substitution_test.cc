#include "pipeline/env_substitution.h"

#include <gtest/gtest.h>

#include <map>

namespace newsflow {
namespace {

env_lookup fake_env() {
  static const std::map<std::string, std::string, std::less<>> vars = {
      {"BROKERS", "k1:9092,k2:9092"}, {"EMPTY", ""}, {"N", "4"}};
  return [](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string sub(std::string_view text, config_errors& errors) {
  return substitute_env(text, fake_env(), "a.b", errors).value_or("<error>");
}

TEST(env_substitution, expands_variables_defaults_and_escapes) {
  config_errors e;
  EXPECT_EQ(sub("${BROKERS}", e), "k1:9092,k2:9092");
  EXPECT_EQ(sub("x-${N}-y", e), "x-4-y");
  EXPECT_EQ(sub("${MISSING:-fallback}", e), "fallback");
  EXPECT_EQ(sub("${EMPTY:-fallback}", e), "fallback");
  EXPECT_EQ(sub("${MISSING:-}", e), "");
  EXPECT_EQ(sub("$$5 and $ alone", e), "$5 and $ alone");
  EXPECT_TRUE(e.empty());
}

TEST(env_substitution, unset_variable_without_default_names_the_key) {
  config_errors e;
  EXPECT_EQ(sub("${NOPE}", e), "<error>");
  ASSERT_EQ(e.all().size(), 1u);
  EXPECT_EQ(e.all()[0].rfind("a.b: environment variable NOPE is not set", 0), 0u);
  EXPECT_EQ(sub("${BAD NAME}", e), "<error>");
  EXPECT_EQ(sub("${UNCLOSED", e), "<error>");
  EXPECT_EQ(e.all().size(), 3u);
}

TEST(env_substitution, applies_to_every_scalar_of_a_document_but_not_to_its_structure) {
  YAML::Node doc = YAML::Load("kafka:\n  brokers: ${BROKERS}\nlist: ['${N}', '${MISSING:-{a: 1}}']\n");
  config_errors e;
  substitute_env(doc, fake_env(), e);
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(doc["kafka"]["brokers"].as<std::string>(), "k1:9092,k2:9092");
  EXPECT_EQ(doc["list"][0].as<int>(), 4);
  EXPECT_TRUE(doc["list"][1].IsScalar());
  EXPECT_EQ(doc["list"][1].as<std::string>(), "{a: 1}");
}

}  // namespace
}  // namespace newsflow
