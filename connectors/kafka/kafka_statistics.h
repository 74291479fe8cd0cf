#pragma once

#include <atomic>
#include <string_view>

#include "pipeline/metrics.h"

namespace newsflow {

// What librdkafka's statistics (one JSON document per client every statistics.interval.ms)
// tell an operator, as metrics: the consumer's lag per assigned partition, the brokers each
// client has a connection up with, and the messages waiting in the producer's queue.
class kafka_statistics {
 public:
  explicit kafka_statistics(metrics_registry& metrics);

  // One statistics document of the consumer or the producer. A document that does not parse
  // is logged and changes nothing.
  void on_consumer(std::string_view json);
  void on_producer(std::string_view json);
  // The client reported that all its brokers are down (before the next statistics say so).
  void consumer_brokers_down();

  // Brokers the consumer had a connection up with at its last statistics; -1 before the first.
  int consumer_brokers_up() const { return consumer_brokers_up_.load(std::memory_order_relaxed); }

 private:
  metrics_registry& metrics_;
  gauge& consumer_brokers_;
  gauge& producer_brokers_;
  gauge& producer_queue_;
  std::atomic<int> consumer_brokers_up_{-1};
};

}  // namespace newsflow
