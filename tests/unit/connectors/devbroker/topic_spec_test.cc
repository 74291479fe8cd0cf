#include "connectors/devbroker/topic_spec.h"

#include <gtest/gtest.h>

#include <string>

namespace newsflow {
namespace {

TEST(topic_spec, list_of_name_and_partitions) {
  auto topics = parse_topic_list("news:4, enriched:12,dead-letters.v1_x:1");
  ASSERT_TRUE(topics) << topics.error();
  ASSERT_EQ(topics->size(), 3u);
  EXPECT_EQ((*topics)[0].name, "news");
  EXPECT_EQ((*topics)[0].partitions, 4);
  EXPECT_EQ((*topics)[1].name, "enriched");
  EXPECT_EQ((*topics)[1].partitions, 12);
  EXPECT_EQ((*topics)[2].name, "dead-letters.v1_x");
  EXPECT_TRUE(parse_topic_list("")->empty());
  EXPECT_EQ(parse_topic_list("t:10000")->front().partitions, 10000);
}

TEST(topic_spec, errors_name_the_bad_item) {
  const auto error_of = [](const char* list) {
    auto topics = parse_topic_list(list);
    EXPECT_FALSE(topics) << list;
    return topics ? std::string() : topics.error();
  };
  EXPECT_EQ(error_of("news:4,bad:0"), "'bad:0': partitions must be 1..10000");
  EXPECT_EQ(error_of("news:10001"), "'news:10001': partitions must be 1..10000");
  EXPECT_EQ(error_of("news:four"), "'news:four': partitions must be 1..10000");
  EXPECT_EQ(error_of("news:-1"), "'news:-1': partitions must be 1..10000");
  EXPECT_EQ(error_of("news:"), "'news:': partitions must be 1..10000");
  EXPECT_EQ(error_of("news"), "'news': expected name:partitions");
  EXPECT_EQ(error_of("news:1,,x:1"), "'': expected name:partitions");
  EXPECT_EQ(error_of("caf\xc3\xa9:1"),
            "'caf\xc3\xa9:1': topic name may only contain letters, digits, '.', '_' and '-'");
  EXPECT_EQ(error_of("a b:1"), "'a b:1': topic name may only contain letters, digits, '.', '_' and '-'");
  EXPECT_EQ(error_of(":3"), "':3': topic name is empty");
  EXPECT_EQ(error_of("..:3"), "'..:3': topic name cannot be '.' or '..'");
  EXPECT_EQ(error_of("a:1,a:2"), "'a:2': topic 'a' is listed twice");
  EXPECT_NE(error_of((std::string(250, 'x') + ":1").c_str()).find("longer than 249"), std::string::npos);
  EXPECT_TRUE(parse_topic_list(std::string(249, 'x') + ":1"));
}

TEST(topic_spec, validate_checks_name_and_partitions) {
  EXPECT_TRUE(validate_topic_spec({"news", 1}));
  EXPECT_EQ(validate_topic_spec({"news", 0}).error(), "'news': partitions must be 1..10000");
  EXPECT_EQ(validate_topic_spec({"", 1}).error(), "'': topic name is empty");
}

}  // namespace
}  // namespace newsflow
