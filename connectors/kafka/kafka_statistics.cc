#include "connectors/kafka/kafka_statistics.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <string>
#include <utility>
#include <vector>

namespace newsflow {
namespace {

constexpr std::string_view lag_name = "newsflow_kafka_consumer_lag";
constexpr std::string_view lag_help =
    "Messages between the consumer's position and the end of each assigned input partition "
    "(librdkafka statistics).";

// Connections up with real brokers (node id >= 0; bootstrap entries have -1).
int brokers_up(simdjson::dom::element doc) {
  simdjson::dom::object brokers;
  if (doc["brokers"].get(brokers)) return 0;
  int up = 0;
  for (auto [name, b] : brokers) {
    int64_t node = -1;
    std::string_view state;
    if (b["nodeid"].get(node) || b["state"].get(state)) continue;
    if (node >= 0 && state == "UP") ++up;
  }
  return up;
}

bool parse(std::string_view json, simdjson::dom::parser& parser, simdjson::dom::element& doc) {
  if (auto err = parser.parse(json.data(), json.size()).get(doc)) {
    spdlog::warn("librdkafka statistics: {}", simdjson::error_message(err));
    return false;
  }
  return true;
}

}  // namespace

kafka_statistics::kafka_statistics(metrics_registry& metrics)
    : metrics_(metrics),
      consumer_brokers_(metrics.get_gauge("newsflow_kafka_brokers_up", "Brokers a client has a connection up with.",
                                          {{"client", "consumer"}})),
      producer_brokers_(metrics.get_gauge("newsflow_kafka_brokers_up", "Brokers a client has a connection up with.",
                                          {{"client", "producer"}})),
      producer_queue_(metrics.get_gauge("newsflow_kafka_producer_queue_messages",
                                        "Messages produced and not yet acknowledged by the broker.")) {
  metrics_.set_gauge_family(lag_name, lag_help, {});
}

void kafka_statistics::on_consumer(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!parse(json, parser, doc)) return;
  const int up = brokers_up(doc);
  consumer_brokers_up_.store(up, std::memory_order_relaxed);
  consumer_brokers_.set(up);
  // Lag of the partitions this consumer fetches: assigned ones with a known lag. Replaced
  // wholesale, so a partition given away stops being reported.
  std::vector<std::pair<metric_labels, int64_t>> lags;
  simdjson::dom::object topics;
  if (!doc["topics"].get(topics)) {
    for (auto [topic, t] : topics) {
      simdjson::dom::object partitions;
      if (t["partitions"].get(partitions)) continue;
      for (auto [key, p] : partitions) {
        int64_t partition = -1, lag = -1;
        std::string_view fetch_state;
        if (p["partition"].get(partition) || p["consumer_lag"].get(lag) || p["fetch_state"].get(fetch_state)) continue;
        if (partition < 0 || lag < 0 || fetch_state == "none" || fetch_state == "stopped") continue;
        lags.push_back({{{"topic", std::string(topic)}, {"partition", std::to_string(partition)}}, lag});
      }
    }
  }
  metrics_.set_gauge_family(lag_name, lag_help, lags);
}

void kafka_statistics::on_producer(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!parse(json, parser, doc)) return;
  producer_brokers_.set(brokers_up(doc));
  int64_t queued = 0;
  if (!doc["msg_cnt"].get(queued)) producer_queue_.set(queued);
}

void kafka_statistics::consumer_brokers_down() {
  consumer_brokers_up_.store(0, std::memory_order_relaxed);
  consumer_brokers_.set(0);
}

}  // namespace newsflow
