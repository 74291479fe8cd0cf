#include "connectors/devbroker/dev_broker.h"

#include <pthread.h>
#include <signal.h>

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h needs rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <utility>
#include <vector>
#include <string_view>

#include "connectors/devbroker/tcp_forwarder.h"

namespace newsflow {
namespace {

// librdkafka logs (from the mock's own threads too) go to the application's log.
void log_to_spdlog(const rd_kafka_t*, int level, const char* facility, const char* message) {
  const auto lvl = level <= 3 ? spdlog::level::err : level == 4 ? spdlog::level::warn : spdlog::level::info;
  spdlog::log(lvl, "devbroker: librdkafka {}: {}", facility, message);
}

// The port of the first "127.0.0.1:PORT" in a mock bootstrap list.
std::expected<uint16_t, std::string> first_port(std::string_view bootstraps) {
  const std::string_view first = bootstraps.substr(0, bootstraps.find(','));
  const size_t colon = first.rfind(':');
  uint16_t port = 0;
  if (colon != std::string_view::npos) {
    const auto [end, ec] = std::from_chars(first.data() + colon + 1, first.data() + first.size(), port);
    if (ec == std::errc() && end == first.data() + first.size() && port != 0) return port;
  }
  return std::unexpected(fmt::format("unexpected mock bootstrap address '{}'", bootstraps));
}

}  // namespace

std::expected<std::unique_ptr<dev_broker>, std::string> dev_broker::start(const dev_broker_options& options) {
  if (options.brokers < 1) return std::unexpected(fmt::format("broker count {} must be at least 1", options.brokers));
  for (const auto& topic : options.topics)
    if (auto valid = validate_topic_spec(topic); !valid) return std::unexpected(valid.error());

  std::unique_ptr<dev_broker> b(new dev_broker());
  b->brokers_ = options.brokers;

  // As librdkafka's tests/test.c test_mock_cluster_new(): a producer with no bootstrap
  // servers hosts the cluster. Notices (the missing bootstrap.servers one) are not logged.
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return std::unexpected(fmt::format("cannot configure the mock cluster's handle: {}", errstr));
  }
  rd_kafka_conf_set_log_cb(conf, log_to_spdlog);
  b->handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);  // owns conf
  if (!b->handle_) {
    rd_kafka_conf_destroy(conf);
    return std::unexpected(fmt::format("cannot create the mock cluster's handle: {}", errstr));
  }
  // The mock's thread must never run the application's signal handlers: it inherits a full
  // mask (rd_kafka_new does the same for librdkafka's own threads).
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  b->cluster_ = rd_kafka_mock_cluster_new(b->handle_, options.brokers);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (!b->cluster_) return std::unexpected("cannot create the mock cluster (see the log)");

  for (const auto& topic : options.topics)
    if (auto created = b->create_topic(topic); !created) return std::unexpected(created.error());

  const std::string mock_bootstraps = rd_kafka_mock_cluster_bootstraps(b->cluster_);
  const auto mock_port = first_port(mock_bootstraps);
  if (!mock_port) return std::unexpected(mock_port.error());
  if (options.port == 0) {
    b->bootstrap_ = fmt::format("127.0.0.1:{}", *mock_port);
  } else {
    // librdkafka 2.0.2 binds every mock broker to port 0 (rd_kafka_mock_broker_new) and has
    // no setting to change that, so a fixed port is a forwarder to the first broker.
    auto forwarder = tcp_forwarder::start({.listen_port = options.port, .target_port = *mock_port});
    if (!forwarder) return std::unexpected(forwarder.error());
    b->forwarder_ = std::move(*forwarder);
    b->bootstrap_ = fmt::format("127.0.0.1:{}", b->forwarder_->port());
  }
  return b;
}

dev_broker::~dev_broker() {
  // Forwarded connections first, then the cluster, then the handle it lives on (librdkafka
  // asserts that every mock cluster is gone before its handle is destroyed).
  forwarder_.reset();
  if (cluster_) rd_kafka_mock_cluster_destroy(cluster_);
  if (handle_) rd_kafka_destroy(handle_);
}

std::string dev_broker::broker_addresses() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

std::expected<void, std::string> dev_broker::set_available(bool available) {
  // The mock numbers its brokers 1..N.
  for (int32_t id = 1; id <= brokers_; ++id) {
    const rd_kafka_resp_err_t err =
        available ? rd_kafka_mock_broker_set_up(cluster_, id) : rd_kafka_mock_broker_set_down(cluster_, id);
    if (err)
      return std::unexpected(fmt::format("cannot set broker {} {}: {}", id, available ? "up" : "down",
                                         rd_kafka_err2str(err)));
  }
  return {};
}

std::expected<void, std::string> dev_broker::create_topic(const topic_spec& topic) {
  if (auto valid = validate_topic_spec(topic); !valid) return valid;
  const rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster_, topic.name.c_str(), topic.partitions, 1);
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    return std::unexpected(fmt::format("'{}': topic already exists", topic.name));
  if (err)
    return std::unexpected(fmt::format("'{}': cannot create topic: {}", topic.name, rd_kafka_err2str(err)));
  return {};
}

namespace {

// Kafka protocol API keys of the requests a consumer group member and a producer send.
constexpr std::pair<std::string_view, int16_t> api_keys[] = {
    {"Produce", 0},         {"Fetch", 1},      {"ListOffsets", 2}, {"Metadata", 3},
    {"OffsetCommit", 8},    {"OffsetFetch", 9}, {"FindCoordinator", 10}, {"JoinGroup", 11},
    {"Heartbeat", 12},      {"LeaveGroup", 13}, {"SyncGroup", 14},  {"InitProducerId", 22},
};

}  // namespace

std::expected<void, std::string> dev_broker::fail_requests(std::string_view api, std::string_view error, int count) {
  const auto key = std::find_if(std::begin(api_keys), std::end(api_keys), [&](const auto& k) { return k.first == api; });
  if (key == std::end(api_keys)) {
    std::string known;
    for (const auto& k : api_keys) known += (known.empty() ? "" : ", ") + std::string(k.first);
    return std::unexpected(fmt::format("unknown request type '{}' (known: {})", api, known));
  }
  const struct rd_kafka_err_desc* descs = nullptr;
  size_t n = 0;
  rd_kafka_get_err_descs(&descs, &n);
  const auto desc = std::find_if(descs, descs + n, [&](const auto& d) { return d.name && d.name == error; });
  if (desc == descs + n) return std::unexpected(fmt::format("unknown error '{}' (librdkafka's names, e.g. REQUEST_TIMED_OUT)", error));
  if (count < 1 || count > 100000) return std::unexpected(fmt::format("count {} must be 1..100000", count));
  const std::vector<rd_kafka_resp_err_t> errors(static_cast<size_t>(count), desc->code);
  rd_kafka_mock_push_request_errors_array(cluster_, key->second, errors.size(), errors.data());
  return {};
}

std::expected<void, std::string> dev_broker::set_leader(const std::string& topic, int32_t partition, int32_t broker) {
  if (broker < 1 || broker > brokers_) return std::unexpected(fmt::format("no broker {} (1..{})", broker, brokers_));
  if (auto err = rd_kafka_mock_partition_set_leader(cluster_, topic.c_str(), partition, broker))
    return std::unexpected(fmt::format("cannot move {}[{}]: {}", topic, partition, rd_kafka_err2str(err)));
  return {};
}

std::expected<void, std::string> dev_broker::set_rtt(int rtt_ms) {
  if (rtt_ms < 0 || rtt_ms > 600000) return std::unexpected(fmt::format("rtt {} ms must be 0..600000", rtt_ms));
  if (auto err = rd_kafka_mock_broker_set_rtt(cluster_, -1, rtt_ms))
    return std::unexpected(fmt::format("cannot set the rtt: {}", rd_kafka_err2str(err)));
  return {};
}

std::expected<void, std::string> dev_broker::set_broker_available(int32_t broker, bool available) {
  if (broker < 1 || broker > brokers_) return std::unexpected(fmt::format("no broker {} (1..{})", broker, brokers_));
  const rd_kafka_resp_err_t err =
      available ? rd_kafka_mock_broker_set_up(cluster_, broker) : rd_kafka_mock_broker_set_down(cluster_, broker);
  if (err) return std::unexpected(fmt::format("cannot set broker {} {}: {}", broker, available ? "up" : "down", rd_kafka_err2str(err)));
  return {};
}

}  // namespace newsflow
