#include "connectors/devbroker/dev_broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace newsflow {
namespace {

using namespace std::chrono_literals;

struct rk_deleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using client_ptr = std::unique_ptr<rd_kafka_t, rk_deleter>;

// Delivery reports of the test producers: counted into the opaque.
struct delivery_counts {
  int ok = 0;
  int failed = 0;
  rd_kafka_resp_err_t last_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void count_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* counts = static_cast<delivery_counts*>(opaque);
  if (m->err) {
    ++counts->failed;
    counts->last_error = m->err;
  } else {
    ++counts->ok;
  }
}

// A plain librdkafka client against `bootstrap`, with short reconnect backoff so outage
// tests recover in well under a second instead of librdkafka's default 10 s.
client_ptr make_client(rd_kafka_type_t type, const std::string& bootstrap,
                       std::vector<std::pair<std::string, std::string>> extra = {},
                       delivery_counts* counts = nullptr) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  extra.insert(extra.begin(), {{"bootstrap.servers", bootstrap},
                               {"reconnect.backoff.ms", "50"},
                               {"reconnect.backoff.max.ms", "300"}});
  for (const auto& [key, value] : extra)
    EXPECT_EQ(rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr), RD_KAFKA_CONF_OK)
        << key << ": " << errstr;
  if (counts) {
    rd_kafka_conf_set_opaque(conf, counts);
    rd_kafka_conf_set_dr_msg_cb(conf, count_delivery);
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  EXPECT_NE(rk, nullptr) << errstr;
  return client_ptr(rk);
}

void produce(rd_kafka_t* producer, const std::string& topic, const std::string& key, const std::string& value) {
  const rd_kafka_resp_err_t err =
      rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic.c_str()),
                        RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
  ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
}

// Partition count of `topic` as the broker reports it in metadata, or -1.
int partition_count(rd_kafka_t* client, const std::string& topic) {
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(client, 1, nullptr, &md, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) return -1;
  int count = -1;
  for (int i = 0; i < md->topic_cnt; ++i)
    if (topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR)
      count = md->topics[i].partition_cnt;
  rd_kafka_metadata_destroy(md);
  return count;
}

// "prefix" followed by n (built with append: g++ 12 warns wrongly on "..." + std::string).
std::string numbered(const char* prefix, int n) { return std::string(prefix).append(std::to_string(n)); }

// A port nothing listens on right now: bind to port 0, read it, close.
uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::unique_ptr<dev_broker> start_broker(dev_broker_options options) {
  auto broker = dev_broker::start(options);
  EXPECT_TRUE(broker.has_value()) << broker.error();
  return broker ? std::move(*broker) : nullptr;
}

TEST(dev_broker, produced_messages_are_consumed_back_with_assign) {
  auto broker = start_broker({.topics = {{"news", 3}}});
  ASSERT_TRUE(broker);
  EXPECT_TRUE(broker->bootstrap().starts_with("127.0.0.1:")) << broker->bootstrap();

  delivery_counts counts;
  auto producer = make_client(RD_KAFKA_PRODUCER, broker->bootstrap(), {{"linger.ms", "5"}}, &counts);
  for (int i = 0; i < 20; ++i) produce(producer.get(), "news", numbered("key", i), numbered("article ", i));
  ASSERT_EQ(rd_kafka_flush(producer.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(counts.ok, 20);
  EXPECT_EQ(counts.failed, 0);
  EXPECT_EQ(partition_count(producer.get(), "news"), 3);

  // assign(), not subscribe(): the 2.0.2 mock delays every first group join by 3 s.
  auto consumer = make_client(RD_KAFKA_CONSUMER, broker->bootstrap(),
                              {{"group.id", "dev_broker_test"}, {"enable.auto.commit", "false"}});
  rd_kafka_topic_partition_list_t* partitions = rd_kafka_topic_partition_list_new(3);
  for (int32_t p = 0; p < 3; ++p)
    rd_kafka_topic_partition_list_add(partitions, "news", p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  ASSERT_EQ(rd_kafka_assign(consumer.get(), partitions), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(partitions);

  std::set<std::string> values;
  std::set<int32_t> partitions_seen;
  const auto deadline = std::chrono::steady_clock::now() + 8s;
  while (values.size() < 20 && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 100);
    if (!m) continue;
    if (!m->err) {
      values.emplace(static_cast<const char*>(m->payload), m->len);
      partitions_seen.insert(m->partition);
    }
    rd_kafka_message_destroy(m);
  }
  EXPECT_EQ(values.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(values.contains(numbered("article ", i))) << i;
  EXPECT_GT(partitions_seen.size(), 1u) << "keyed messages should spread over the 3 partitions";
  rd_kafka_consumer_close(consumer.get());
}

TEST(dev_broker, topics_can_be_added_while_running_and_not_twice) {
  auto broker = start_broker({.topics = {{"news", 2}}});
  ASSERT_TRUE(broker);
  EXPECT_TRUE(broker->create_topic({"later", 5}));
  const auto again = broker->create_topic({"news", 4});
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().find("already exists"), std::string::npos) << again.error();
  EXPECT_FALSE(broker->create_topic({"bad name", 1}));
  EXPECT_FALSE(broker->create_topic({"zero", 0}));

  auto client = make_client(RD_KAFKA_PRODUCER, broker->bootstrap());
  EXPECT_EQ(partition_count(client.get(), "news"), 2);
  EXPECT_EQ(partition_count(client.get(), "later"), 5);
}

TEST(dev_broker, invalid_options_are_refused_before_starting) {
  EXPECT_FALSE(dev_broker::start({.topics = {{"ok", 1}, {"no/slash", 1}}}));
  EXPECT_FALSE(dev_broker::start({.topics = {{"huge", 10001}}}));
  EXPECT_FALSE(dev_broker::start({.brokers = 0}));
}

TEST(dev_broker, clients_bootstrap_through_a_chosen_port) {
  const uint16_t port = free_port();
  auto broker = start_broker({.port = port, .topics = {{"news", 2}}, .brokers = 3});
  ASSERT_TRUE(broker);
  const std::string port_text = std::to_string(port);
  EXPECT_EQ(broker->bootstrap(), std::string("127.0.0.1:").append(port_text));
  // Metadata sends clients on to the mock brokers' own ports.
  EXPECT_EQ(broker->broker_addresses().find(std::string(":").append(port_text)), std::string::npos);

  delivery_counts counts;
  auto producer = make_client(RD_KAFKA_PRODUCER, broker->bootstrap(), {}, &counts);
  EXPECT_EQ(partition_count(producer.get(), "news"), 2);
  for (int i = 0; i < 5; ++i) produce(producer.get(), "news", numbered("k", i), "v");
  ASSERT_EQ(rd_kafka_flush(producer.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(counts.ok, 5);

  const rd_kafka_metadata_t* md = nullptr;
  ASSERT_EQ(rd_kafka_metadata(producer.get(), 0, nullptr, &md, 5000), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(md->broker_cnt, 3);
  rd_kafka_metadata_destroy(md);
}

TEST(dev_broker, a_port_in_use_is_an_error_that_names_it) {
  auto first = start_broker({.port = free_port()});
  ASSERT_TRUE(first);
  const std::string taken = first->bootstrap();
  const uint16_t port = static_cast<uint16_t>(std::stoi(taken.substr(taken.rfind(':') + 1)));
  auto second = dev_broker::start({.port = port});
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find(taken), std::string::npos) << second.error();
}

TEST(dev_broker, unavailable_brokers_time_messages_out_until_they_are_back) {
  auto broker = start_broker({.topics = {{"news", 1}}});
  ASSERT_TRUE(broker);
  delivery_counts counts;
  auto producer = make_client(RD_KAFKA_PRODUCER, broker->bootstrap(),
                              {{"message.timeout.ms", "2000"}, {"log.connection.close", "false"}}, &counts);
  produce(producer.get(), "news", "k", "before");
  ASSERT_EQ(rd_kafka_flush(producer.get(), 5000), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(counts.ok, 1);

  ASSERT_TRUE(broker->set_available(false));
  produce(producer.get(), "news", "k", "during");
  rd_kafka_flush(producer.get(), 5000);
  EXPECT_EQ(counts.ok, 1);
  EXPECT_EQ(counts.failed, 1);
  EXPECT_EQ(counts.last_error, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT) << rd_kafka_err2name(counts.last_error);

  ASSERT_TRUE(broker->set_available(true));
  produce(producer.get(), "news", "k", "after");
  ASSERT_EQ(rd_kafka_flush(producer.get(), 8000), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(counts.ok, 2);
  EXPECT_EQ(counts.failed, 1);
}

}  // namespace
}  // namespace newsflow
