#include "connectors/kafka/kafka_config.h"

#include <fmt/format.h>

namespace newsflow {
namespace {

bool set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value,
         const char* section, std::string& error) {
  char err[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    error = fmt::format("kafka.{}.{}: {}", section, name, err);
    return false;
  }
  return true;
}

rd_conf_ptr build(const std::map<std::string, std::string>& defaults,
                  const std::map<std::string, std::string>& user, const char* section,
                  std::string& error) {
  rd_conf_ptr conf(rd_kafka_conf_new());
  for (const auto& [k, v] : defaults)
    if (!set(conf.get(), k, v, section, error)) return nullptr;
  for (const auto& [k, v] : user)
    if (!set(conf.get(), k, v, section, error)) return nullptr;
  return conf;
}

}  // namespace

rd_conf_ptr make_consumer_conf(const kafka_options& o, std::string& error) {
  if (auto it = o.consumer.find("enable.auto.offset.store");
      it != o.consumer.end() && it->second != "false") {
    error = "kafka.consumer.enable.auto.offset.store: must stay false; newsflow stores an offset "
            "only once every output of it is acknowledged";
    return nullptr;
  }
  for (const char* owned : {"bootstrap.servers", "group.id"}) {
    if (o.consumer.contains(owned)) {
      error = fmt::format("kafka.consumer.{}: set it with kafka.{} instead", owned,
                          std::string_view(owned) == "group.id" ? "group" : "brokers");
      return nullptr;
    }
  }
  return build(
      {
          {"bootstrap.servers", o.brokers},
          {"group.id", o.group},
          {"enable.auto.commit", "true"},
          {"enable.auto.offset.store", "false"},
          {"auto.commit.interval.ms", std::to_string(o.commit_interval_ms)},
          {"auto.offset.reset", "earliest"},
          {"partition.assignment.strategy", "cooperative-sticky"},
          {"enable.partition.eof", "false"},
          {"client.id", "newsflowd"},
          {"statistics.interval.ms", "5000"},  // lag and broker metrics (kafka_statistics)
      },
      o.consumer, "consumer", error);
}

rd_conf_ptr make_producer_conf(const kafka_options& o, std::string& error) {
  if (o.producer.contains("bootstrap.servers")) {
    error = "kafka.producer.bootstrap.servers: set it with kafka.brokers instead";
    return nullptr;
  }
  return build(
      {
          {"bootstrap.servers", o.brokers},
          {"enable.idempotence", "true"},
          {"compression.codec", o.compression},
          {"linger.ms", "5"},
          {"message.timeout.ms", "300000"},
          // librdkafka's default, 1 GiB, would let a slow output broker take that much memory.
          {"queue.buffering.max.kbytes", "65536"},
          {"client.id", "newsflowd"},
          {"statistics.interval.ms", "5000"},
      },
      o.producer, "producer", error);
}

}  // namespace newsflow
