#include "connectors/kafka/kafka_statistics.h"

#include <gtest/gtest.h>

#include <string>

namespace newsflow {
namespace {

// The parts of a librdkafka 2.0.2 consumer statistics document that matter here (a real one
// has many more fields, which are skipped).
const std::string consumer_document = R"({
  "name": "newsflowd#consumer-1", "type": "consumer", "msg_cnt": 0,
  "brokers": {
    "127.0.0.1:9092/bootstrap": {"name": "127.0.0.1:9092/bootstrap", "nodeid": -1, "state": "UP"},
    "127.0.0.1:9092/1": {"name": "127.0.0.1:9092/1", "nodeid": 1, "state": "UP"},
    "127.0.0.1:9093/2": {"name": "127.0.0.1:9093/2", "nodeid": 2, "state": "DOWN"}
  },
  "topics": {
    "articles": {"topic": "articles", "partitions": {
      "0": {"partition": 0, "fetch_state": "active", "consumer_lag": 12},
      "1": {"partition": 1, "fetch_state": "none", "consumer_lag": -1},
      "2": {"partition": 2, "fetch_state": "active", "consumer_lag": 0},
      "-1": {"partition": -1, "fetch_state": "none", "consumer_lag": -1}
    }}
  }
})";

TEST(kafka_statistics, consumer_lag_per_assigned_partition_and_brokers_up) {
  metrics_registry metrics;
  kafka_statistics stats(metrics);
  EXPECT_EQ(stats.consumer_brokers_up(), -1);  // nothing known yet
  stats.on_consumer(consumer_document);
  const std::string text = metrics.render_prometheus();
  EXPECT_NE(text.find("newsflow_kafka_consumer_lag{topic=\"articles\",partition=\"0\"} 12\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("newsflow_kafka_consumer_lag{topic=\"articles\",partition=\"2\"} 0\n"), std::string::npos);
  EXPECT_EQ(text.find("partition=\"1\""), std::string::npos) << "not fetched here: no lag series";
  EXPECT_EQ(text.find("partition=\"-1\""), std::string::npos);
  EXPECT_NE(text.find("newsflow_kafka_brokers_up{client=\"consumer\"} 1\n"), std::string::npos) << text;
  EXPECT_EQ(stats.consumer_brokers_up(), 1);
  stats.consumer_brokers_down();
  EXPECT_EQ(stats.consumer_brokers_up(), 0);
}

TEST(kafka_statistics, producer_queue_and_a_bad_document_changes_nothing) {
  metrics_registry metrics;
  kafka_statistics stats(metrics);
  stats.on_producer(R"({"type": "producer", "msg_cnt": 42, "brokers": {}})");
  stats.on_producer("{not json");
  stats.on_consumer("[1, 2");
  const std::string text = metrics.render_prometheus();
  EXPECT_NE(text.find("newsflow_kafka_producer_queue_messages 42\n"), std::string::npos) << text;
  EXPECT_NE(text.find("newsflow_kafka_brokers_up{client=\"producer\"} 0\n"), std::string::npos) << text;
  EXPECT_EQ(stats.consumer_brokers_up(), -1);
}

}  // namespace
}  // namespace newsflow
