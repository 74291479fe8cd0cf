#include "connectors/kafka/kafka_options.h"

#include <algorithm>
#include <cctype>

#include "connectors/kafka/kafka_config.h"
#include "pipeline/options_reader.h"

namespace newsflow {
namespace {

bool valid_topic(const std::string& t) {
  if (t.empty() || t.size() > 249 || t == "." || t == "..") return false;
  return std::all_of(t.begin(), t.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

bool is_secret_property(const std::string& name) {
  for (const char* word : {"password", "secret", "key.pem", "keystore", "sasl.oauthbearer.config"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

kafka_options parse_kafka_options(const YAML::Node& node, config_errors& errors, YAML::Node* effective) {
  kafka_options o;
  options_reader r(node, "kafka", errors, effective);
  r.read("brokers", o.brokers);
  r.read("group", o.group);
  r.read_list("input", o.input_topics);
  r.read("output", o.output_topic);
  r.read("dead_letter", o.dead_letter_topic);
  r.read("duplicates", o.duplicates_topic);
  r.read_choice("output_partitioning", o.output_partitioning, {"input", "key"});
  r.read_choice("compression", o.compression, {"none", "gzip", "snappy", "lz4", "zstd"});
  r.read("commit_interval_ms", o.commit_interval_ms, 100, 3'600'000);
  r.read("shutdown_timeout_ms", o.shutdown_timeout_ms, 100, 3'600'000);
  r.read("revoke_timeout_ms", o.revoke_timeout_ms, 100, 600'000);
  r.read("resume_at", o.resume_at, 0.0, 0.99);
  r.read_map("consumer", o.consumer);
  r.read_map("producer", o.producer);
  r.finish();

  if (o.brokers.empty()) errors.add("kafka.brokers", "must list at least one host:port");
  if (o.group.empty()) errors.add("kafka.group", "must not be empty");
  if (o.input_topics.empty()) errors.add("kafka.input", "must name at least one topic");
  for (const auto& t : o.input_topics)
    if (!valid_topic(t)) errors.add("kafka.input", "'" + t + "' is not a valid topic name");
  for (auto [key, topic] : {std::pair{"kafka.output", &o.output_topic},
                            std::pair{"kafka.dead_letter", &o.dead_letter_topic},
                            std::pair{"kafka.duplicates", &o.duplicates_topic}}) {
    if (!valid_topic(*topic)) errors.add(key, "'" + *topic + "' is not a valid topic name");
    for (const auto& in : o.input_topics)
      if (in == *topic) errors.add(key, "must differ from the input topic '" + in + "'");
  }
  // Let librdkafka itself judge every pass-through property now, not at start-up.
  std::string error;
  if (!make_consumer_conf(o, error) || !make_producer_conf(o, error)) {
    const auto colon = error.find(": ");
    errors.add(error.substr(0, colon), colon == std::string::npos ? error : error.substr(colon + 2));
  }
  if (effective) {
    for (const char* section : {"consumer", "producer"})
      for (auto kv : (*effective)[section])
        if (is_secret_property(kv.first.as<std::string>())) kv.second = "********";
  }
  return o;
}

}  // namespace newsflow
