#include "connectors/kafka/kafka_options.h"

#include <gtest/gtest.h>

#include "connectors/kafka/kafka_config.h"

namespace newsflow {
namespace {

kafka_options parse(const std::string& yaml, config_errors& e, YAML::Node* effective = nullptr) {
  return parse_kafka_options(YAML::Load(yaml), e, effective);
}

TEST(kafka_options, defaults_apply_without_a_section) {
  config_errors e;
  auto o = parse_kafka_options(YAML::Node(), e);
  EXPECT_TRUE(e.empty()) << e.joined();
  EXPECT_EQ(o.brokers, "localhost:9092");
  EXPECT_EQ(o.group, "newsflow");
  EXPECT_EQ(o.input_topics, std::vector<std::string>{"articles"});
  EXPECT_EQ(o.output_topic, "articles.enriched");
  EXPECT_EQ(o.dead_letter_topic, "articles.dlq");
  EXPECT_EQ(o.output_partitioning, "input");
}

TEST(kafka_options, reads_topics_and_pass_through_properties) {
  config_errors e;
  YAML::Node effective(YAML::NodeType::Map);
  auto o = parse("{brokers: 'k1:9092,k2:9092', group: g, input: [a, b], output: out, dead_letter: dlq,"
                 " compression: zstd, consumer: {fetch.max.bytes: 1048576},"
                 " producer: {linger.ms: 20, sasl.password: hunter2}}",
                 e, &effective);
  ASSERT_TRUE(e.empty()) << e.joined();
  EXPECT_EQ(o.input_topics, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.producer.at("linger.ms"), "20");
  // Secrets never reach check-config's output.
  EXPECT_EQ(effective["producer"]["sasl.password"].as<std::string>(), "********");
  EXPECT_EQ(effective["producer"]["linger.ms"].as<std::string>(), "20");
}

TEST(kafka_options, librdkafka_judges_properties_and_errors_name_the_key) {
  config_errors e;
  parse("{consumer: {fetch.max.bytez: 1}, output: articles, input: articles, compression: brotli}", e);
  const std::string all = e.joined();
  EXPECT_NE(all.find("kafka.compression: must be one of"), std::string::npos) << all;
  EXPECT_NE(all.find("kafka.output: must differ from the input topic 'articles'"), std::string::npos) << all;
  EXPECT_NE(all.find("kafka.consumer.fetch.max.bytez: No such configuration property"), std::string::npos) << all;
}

TEST(kafka_options, at_least_once_cannot_be_switched_off) {
  config_errors e;
  parse("{consumer: {enable.auto.offset.store: 'true'}}", e);
  EXPECT_NE(e.joined().find("kafka.consumer.enable.auto.offset.store: must stay false"), std::string::npos);
  config_errors e2;
  parse("{consumer: {group.id: other}}", e2);
  EXPECT_NE(e2.joined().find("kafka.consumer.group.id: set it with kafka.group"), std::string::npos);
}

TEST(kafka_config, consumer_and_producer_get_delivery_defaults) {
  kafka_options o;
  std::string error;
  auto consumer = make_consumer_conf(o, error);
  ASSERT_TRUE(consumer) << error;
  char value[256];
  size_t size = sizeof value;
  ASSERT_EQ(rd_kafka_conf_get(consumer.get(), "enable.auto.offset.store", value, &size), RD_KAFKA_CONF_OK);
  EXPECT_STREQ(value, "false");
  size = sizeof value;
  ASSERT_EQ(rd_kafka_conf_get(consumer.get(), "partition.assignment.strategy", value, &size), RD_KAFKA_CONF_OK);
  EXPECT_STREQ(value, "cooperative-sticky");
  auto producer = make_producer_conf(o, error);
  ASSERT_TRUE(producer) << error;
  size = sizeof value;
  ASSERT_EQ(rd_kafka_conf_get(producer.get(), "enable.idempotence", value, &size), RD_KAFKA_CONF_OK);
  EXPECT_STREQ(value, "true");
}

}  // namespace
}  // namespace newsflow
