#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/devbroker/topic_spec.h"

// librdkafka's handle types, so that users of this header need not include librdkafka.
struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace newsflow {

class tcp_forwarder;

struct dev_broker_options {
  uint16_t port = 0;  // 0 = wherever the mock listens (a free port the kernel picks)
  std::vector<topic_spec> topics{};
  int brokers = 1;
};

// A Kafka-protocol broker in this process, for development, tests and demos: librdkafka's
// mock cluster on 127.0.0.1. It keeps everything in memory and at most 5 MiB (and 100,000
// message sets) per partition, silently deleting older data: never use it for data that
// matters. Topics that clients use without creating them get the mock's default of 4
// partitions.
class dev_broker {
 public:
  static std::expected<std::unique_ptr<dev_broker>, std::string> start(const dev_broker_options& options);
  ~dev_broker();

  dev_broker(const dev_broker&) = delete;
  dev_broker& operator=(const dev_broker&) = delete;

  // "127.0.0.1:PORT": what clients put in bootstrap.servers. With options.port set, that
  // port (a forwarder to the first mock broker); otherwise the first mock broker itself.
  std::string bootstrap() const { return bootstrap_; }
  // Every mock broker's own address, comma-separated (what metadata hands to clients).
  std::string broker_addresses() const;
  int broker_count() const { return brokers_; }

  // All brokers down (connections closed, new ones refused) or back up, for outage tests.
  // Partition leadership does not move.
  std::expected<void, std::string> set_available(bool available);

  // Creates a topic with replication factor 1; an existing topic is an error.
  std::expected<void, std::string> create_topic(const topic_spec& topic);

  // Fault injection, for tests of what clients do about broker trouble:
  // the next `count` requests of a Kafka API (by name: Produce, Fetch, OffsetCommit, ...) fail
  // with a Kafka error (by librdkafka's name: NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT, ...;
  // _TRANSPORT drops the connection instead);
  std::expected<void, std::string> fail_requests(std::string_view api, std::string_view error, int count);
  // a partition's leader moves to another broker (1..broker_count());
  std::expected<void, std::string> set_leader(const std::string& topic, int32_t partition, int32_t broker);
  // every broker answers `rtt_ms` later (0: at once);
  std::expected<void, std::string> set_rtt(int rtt_ms);
  // one broker down or back up (its partitions keep it as leader).
  std::expected<void, std::string> set_broker_available(int32_t broker, bool available);

 private:
  dev_broker() = default;

  rd_kafka_s* handle_ = nullptr;  // a producer that only hosts the cluster; never produces
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
  std::unique_ptr<tcp_forwarder> forwarder_;
  std::string bootstrap_;
  int brokers_ = 0;
};

}  // namespace newsflow
