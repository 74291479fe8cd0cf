#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pipeline/config_errors.h"

namespace newsflow {

// The `kafka:` section: where articles come from and go to, and how.
struct kafka_options {
  std::string brokers = "localhost:9092";
  std::string group = "newsflow";
  std::vector<std::string> input_topics = {"articles"};
  std::string output_topic = "articles.enriched";
  std::string dead_letter_topic = "articles.dlq";
  std::string duplicates_topic = "articles.duplicates";
  // `input`: an output record goes to the partition number its input came from (modulo the
  // output topic's partition count), which keeps per-partition order end to end. `key`:
  // Kafka's default partitioner on the message key.
  std::string output_partitioning = "input";
  std::string compression = "lz4";     // none, gzip, snappy, lz4, zstd
  int64_t commit_interval_ms = 1000;   // auto.commit.interval.ms of stored offsets
  int64_t shutdown_timeout_ms = 30000; // SIGTERM: drain, flush and commit within this
  int64_t revoke_timeout_ms = 10000;   // rebalance: wait this long for a revoked partition's work
  // Resume paused partitions once in-flight inputs fall below this share of max_in_flight.
  double resume_at = 0.5;
  // Any librdkafka property, passed through as given (after newsflow's defaults).
  std::map<std::string, std::string> consumer;
  std::map<std::string, std::string> producer;
};

// Reads and validates the section (librdkafka properties included, by building a throwaway
// configuration object). `effective`, if given, gets the options as applied, with secrets
// (passwords, keys) masked.
kafka_options parse_kafka_options(const YAML::Node& node, config_errors& errors,
                                  YAML::Node* effective = nullptr);

// Whether a librdkafka property holds a secret that must never be printed or logged.
bool is_secret_property(const std::string& name);

}  // namespace newsflow
