#include "connectors/kafka/kafka_job.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "connectors/devbroker/dev_broker.h"

namespace newsflow {
namespace {

using namespace std::chrono_literals;

// Drops articles whose text is "drop me", routes "route me" to the duplicates topic, and
// makes "grow me" 600 bytes larger.
class policy_processor final : public processor {
 public:
  std::string_view name() const override { return "policy"; }
  process_result process(article& a) override {
    if (a.body == "drop me") return verdict::drop;
    if (a.body == "route me") a.route = "duplicates";
    if (a.body == "grow me") a.enrichment_member("pad").string(std::string(600, 'p'));
    return verdict::next;
  }
};

struct rk_deleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using client_ptr = std::unique_ptr<rd_kafka_t, rk_deleter>;

client_ptr client(rd_kafka_type_t type, const std::string& bootstrap,
                  const std::map<std::string, std::string>& extra = {}) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  for (const auto& [k, v] : extra) EXPECT_EQ(rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err), RD_KAFKA_CONF_OK) << err;
  return client_ptr(rd_kafka_new(type, conf, err, sizeof err));
}

struct message {
  int32_t partition;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Reads `count` messages from all `partitions` of `topic` from the beginning (no group).
std::vector<message> read(const std::string& bootstrap, const std::string& topic, int partitions,
                          size_t count) {
  auto consumer = client(RD_KAFKA_CONSUMER, bootstrap, {{"group.id", "test-reader"}, {"enable.auto.commit", "false"}});
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(consumer.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  std::vector<message> out;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 200);
    if (!m) continue;
    if (!m->err) {
      message msg{m->partition, m->key ? std::string(static_cast<char*>(m->key), m->key_len) : "",
                  std::string(static_cast<char*>(m->payload), m->len), {}};
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* value;
        size_t size;
        for (size_t i = 0; !rd_kafka_header_get_all(hdrs, i, &name, &value, &size); ++i)
          msg.headers[name] = std::string(static_cast<const char*>(value), size);
      }
      out.push_back(std::move(msg));
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer.get());
  return out;
}

// The topics every test here creates ("in" -> "out", dead letters "dlq", duplicates "dups"),
// committed every 200 ms.
kafka_options job_options(const std::string& brokers, const std::string& group) {
  kafka_options o;
  o.brokers = brokers;
  o.group = group;
  o.input_topics = {"in"};
  o.output_topic = "out";
  o.dead_letter_topic = "dlq";
  o.duplicates_topic = "dups";
  o.commit_interval_ms = 200;
  return o;
}

class kafka_job_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = dev_broker::start({0, {{"in", 2}, {"out", 2}, {"dlq", 1}, {"dups", 1}}, 1});
    ASSERT_TRUE(started) << started.error();
    broker = std::move(*started);
    options = job_options(broker->bootstrap(), "job-test");
    pipeline.runner.workers = 2;
    pipeline.output.info = pipeline_info::none;
    std::vector<std::unique_ptr<processor>> ps;
    ps.push_back(std::make_unique<policy_processor>());
    chain_ = std::make_unique<chain>(std::move(ps), metrics);
  }

  void TearDown() override {
    if (thread.joinable()) finish();
  }

  void start() {
    std::string error;
    job = kafka_job::create(options, pipeline, *chain_, metrics, error);
    ASSERT_NE(job, nullptr) << error;
    thread = std::thread([this] { clean = job->run(stop); });
  }

  bool finish() {
    stop = true;
    thread.join();
    job.reset();
    return clean;
  }

  void produce(int32_t partition, const std::string& key, const std::string& value) {
    if (!producer) producer = client(RD_KAFKA_PRODUCER, broker->bootstrap());
    rd_kafka_headers_t* h = rd_kafka_headers_new(1);
    rd_kafka_header_add(h, "trace", -1, key.data(), static_cast<ssize_t>(key.size()));
    ASSERT_EQ(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC("in"), RD_KAFKA_V_PARTITION(partition),
                                RD_KAFKA_V_KEY(key.data(), key.size()),
                                RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  void flush() { ASSERT_EQ(rd_kafka_flush(producer.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR); }

  // Offsets the group has committed on `in`, per partition.
  std::vector<int64_t> committed() {
    auto c = client(RD_KAFKA_CONSUMER, broker->bootstrap(), {{"group.id", options.group}});
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(2);
    rd_kafka_topic_partition_list_add(list, "in", 0);
    rd_kafka_topic_partition_list_add(list, "in", 1);
    EXPECT_EQ(rd_kafka_committed(c.get(), list, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    std::vector<int64_t> out = {list->elems[0].offset, list->elems[1].offset};
    rd_kafka_topic_partition_list_destroy(list);
    return out;
  }

  std::unique_ptr<dev_broker> broker;
  kafka_options options;
  pipeline_config pipeline;
  metrics_registry metrics;
  std::unique_ptr<chain> chain_;
  std::unique_ptr<kafka_job> job;
  std::thread thread;
  std::atomic<bool> stop{false};
  bool clean = false;
  client_ptr producer;
};

TEST_F(kafka_job_test, publishes_each_outcome_where_it_belongs_and_commits_everything_on_stop) {
  for (int i = 0; i < 40; ++i) {
    // Appended, not "literal" + string: GCC 12 sees a -Wrestrict overlap there that is not.
    const std::string n = std::to_string(i);
    produce(i % 2, std::string("k").append(n),
            std::string(R"({"id":"a)").append(n).append(R"(","text":"body )").append(n).append("\"}"));
  }
  produce(0, "bad", "{broken");
  produce(1, "dropped", R"({"text":"drop me"})");
  produce(1, "routed", R"({"text":"route me"})");
  flush();
  start();
  const auto out = read(broker->bootstrap(), "out", 2, 40);
  ASSERT_EQ(out.size(), 40u);
  for (const auto& m : out) {
    EXPECT_EQ(m.headers.at("trace"), m.key);
    const int n = std::stoi(m.key.substr(1));
    EXPECT_EQ(m.partition, n % 2) << "output partition = input partition";
    EXPECT_NE(m.value.find("\"enrichment\":{}"), std::string::npos) << m.value;
  }
  const auto dlq = read(broker->bootstrap(), "dlq", 1, 1);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].value, "{broken");  // original bytes
  EXPECT_EQ(dlq[0].key, "bad");
  EXPECT_EQ(dlq[0].headers.at("trace"), "bad");
  EXPECT_EQ(dlq[0].headers.at("newsflow.error.code"), "json.incomplete");
  EXPECT_EQ(dlq[0].headers.at("newsflow.error.processor"), "decode");
  EXPECT_EQ(dlq[0].headers.at("newsflow.source.topic"), "in");
  EXPECT_EQ(dlq[0].headers.at("newsflow.source.partition"), "0");
  EXPECT_EQ(dlq[0].headers.at("newsflow.source.offset"), "20");
  const auto routed = read(broker->bootstrap(), "dups", 1, 1);
  ASSERT_EQ(routed.size(), 1u);
  EXPECT_EQ(routed[0].key, "routed");

  EXPECT_TRUE(finish());
  // Everything was handled (the dropped input too): the group resumes after the last offset.
  EXPECT_EQ(committed(), (std::vector<int64_t>{21, 22}));
}

TEST_F(kafka_job_test, an_output_too_large_for_the_producer_is_dead_lettered_not_lost) {
  options.producer["message.max.bytes"] = "1000";
  // ~500 bytes in; the chain makes the enriched article ~1,100 bytes: too large to publish.
  const std::string input = R"({"text":"grow me","pad":")" + std::string(450, 'x') + "\"}";
  produce(0, "big", input);
  flush();
  start();
  const auto dlq = read(broker->bootstrap(), "dlq", 1, 1);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].headers.at("newsflow.error.code"), "output.too_large");
  EXPECT_EQ(dlq[0].value, input);
  EXPECT_TRUE(finish());
  EXPECT_EQ(committed()[0], 1);
}

// Keeps every log line, to see how far librdkafka has got.
class capture_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  bool seen(const std::string& a, const std::string& b) {
    std::lock_guard lock(mutex_);
    for (const auto& l : lines_)
      if (l.find(a) != std::string::npos && l.find(b) != std::string::npos) return true;
    return false;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines_.emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

// librdkafka < 2.3.0 aborts in rd_kafka_destroy() when a cooperative-sticky member is destroyed
// after joining the group but before a SyncGroup response gave it an assignment
// (confluentinc/librdkafka#4312). The job must wait for that assignment, then leave, committing
// nothing it did not publish. Not a fixture test: the default logger is swapped before any
// librdkafka thread exists and put back after they are all gone.
TEST(kafka_job_stop_test, a_stop_between_joining_the_group_and_the_first_assignment_is_clean) {
  auto sink = std::make_shared<capture_sink>();
  auto previous_logger = spdlog::default_logger();
  auto capture_logger = std::make_shared<spdlog::logger>("capture", sink);
  capture_logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(capture_logger);
  struct restore {
    std::shared_ptr<spdlog::logger> logger;
    ~restore() {
      spdlog::set_default_logger(logger);
      spdlog::drop("capture");
    }
  } restore_logger{previous_logger};

  // Our own mock cluster: the dev broker does not expose error injection.
  char err[512];
  client_ptr host(rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), err, sizeof err));
  ASSERT_NE(host, nullptr) << err;
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(host.get(), 1);
  ASSERT_NE(cluster, nullptr);
  struct destroy_cluster {
    rd_kafka_mock_cluster_t* c;
    ~destroy_cluster() { rd_kafka_mock_cluster_destroy(c); }
  } cluster_guard{cluster};
  for (const auto& [topic, partitions] : std::map<std::string, int>{{"in", 2}, {"out", 2}, {"dlq", 1}, {"dups", 1}})
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster, topic.c_str(), partitions, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  const std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
  {
    auto producer = client(RD_KAFKA_PRODUCER, bootstrap);
    for (int i = 0; i < 6; ++i) {
      const std::string value = R"({"id":"a)" + std::to_string(i) + R"(","text":"body"})";
      ASSERT_EQ(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC("in"), RD_KAFKA_V_PARTITION(i % 2),
                                  RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(rd_kafka_flush(producer.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  // The first SyncGroup is answered 3 s late: the job is stopped while it is pending.
  constexpr int16_t sync_group = 14;  // ApiKey
  ASSERT_EQ(rd_kafka_mock_broker_push_request_error_rtts(cluster, 1, sync_group, 1, RD_KAFKA_RESP_ERR_NO_ERROR, 3000),
            RD_KAFKA_RESP_ERR_NO_ERROR);

  kafka_options options = job_options(bootstrap, "stop-test");
  options.consumer["debug"] = "cgrp";  // logs the JoinGroup response
  // The mock lets the next member join session.timeout.ms - 1 s after one left (45 s by default).
  options.consumer["session.timeout.ms"] = "3000";
  pipeline_config pipeline;
  pipeline.runner.workers = 1;
  pipeline.output.info = pipeline_info::none;
  metrics_registry metrics;
  std::vector<std::unique_ptr<processor>> ps;
  ps.push_back(std::make_unique<policy_processor>());
  chain c(std::move(ps), metrics);

  auto run_job = [&](auto&& until) {
    std::string error;
    auto job = kafka_job::create(options, pipeline, c, metrics, error);
    EXPECT_NE(job, nullptr) << error;
    if (!job) return false;
    std::atomic<bool> stop{false};
    bool clean = false;
    std::thread t([&] { clean = job->run(stop); });
    until();
    stop = true;
    t.join();
    job.reset();  // aborted here before the fix
    return clean;
  };

  EXPECT_TRUE(run_job([&] {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!sink->seen("JoinGroup response: GenerationId", "(no error)") && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(sink->seen("JoinGroup response: GenerationId", "(no error)"));
  }));
  EXPECT_TRUE(sink->seen("waiting for the rebalance in progress", ""));
  {
    auto reader = client(RD_KAFKA_CONSUMER, bootstrap, {{"group.id", options.group}});
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(2);
    rd_kafka_topic_partition_list_add(list, "in", 0);
    rd_kafka_topic_partition_list_add(list, "in", 1);
    EXPECT_EQ(rd_kafka_committed(reader.get(), list, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(list->elems[0].offset, RD_KAFKA_OFFSET_INVALID) << "nothing published, nothing committed";
    EXPECT_EQ(list->elems[1].offset, RD_KAFKA_OFFSET_INVALID);
    rd_kafka_topic_partition_list_destroy(list);
  }
  // The next member of the group publishes everything.
  EXPECT_TRUE(run_job([&] { EXPECT_EQ(read(bootstrap, "out", 2, 6).size(), 6u); }));
}

}  // namespace
}  // namespace newsflow
