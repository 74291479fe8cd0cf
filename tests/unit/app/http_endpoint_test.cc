#include "app/http_endpoint.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <string>

namespace newsflow {
namespace {

TEST(http_endpoint, serves_the_metrics_the_registry_holds_now) {
  metrics_registry metrics;
  counter& in = metrics.get_counter("newsflow_articles_in_total", "Input messages received.");
  auto e = http_endpoint::start("127.0.0.1", 0, metrics, {});
  ASSERT_TRUE(e) << e.error();
  httplib::Client client("127.0.0.1", (*e)->port());
  in.inc(3);
  auto res = client.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(res->body.find("newsflow_articles_in_total 3\n"), std::string::npos) << res->body;
  in.inc();
  res = client.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_NE(res->body.find("newsflow_articles_in_total 4\n"), std::string::npos) << res->body;
}

// "status body" of a GET, or "no answer".
std::string get(httplib::Client& client, const std::string& path) {
  const auto res = client.Get(path.c_str());
  return res ? std::to_string(res->status) + " " + res->body : std::string("no answer");
}

TEST(http_endpoint, readyz_says_why_until_ready_and_healthz_is_always_ok) {
  metrics_registry metrics;
  std::atomic<bool> assigned{false};
  auto e = http_endpoint::start("127.0.0.1", 0, metrics, [&] {
    return assigned.load() ? std::string() : std::string("waiting for the consumer group to assign partitions");
  });
  ASSERT_TRUE(e) << e.error();
  httplib::Client client("127.0.0.1", (*e)->port());
  EXPECT_EQ(get(client, "/readyz"), "503 not ready: waiting for the consumer group to assign partitions\n");
  EXPECT_EQ(get(client, "/healthz"), "200 ok\n");
  assigned = true;
  EXPECT_EQ(get(client, "/readyz"), "200 ready\n");
  EXPECT_EQ(get(client, "/other").substr(0, 3), "404");
}

TEST(http_endpoint, a_port_in_use_is_an_error_that_names_it) {
  metrics_registry metrics;
  auto first = http_endpoint::start("127.0.0.1", 0, metrics, {});
  ASSERT_TRUE(first) << first.error();
  const uint16_t port = (*first)->port();
  auto second = http_endpoint::start("127.0.0.1", port, metrics, {});
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("127.0.0.1:" + std::to_string(port)), std::string::npos) << second.error();
}

TEST(http_endpoint, stops_at_once_when_destroyed) {
  metrics_registry metrics;
  auto e = http_endpoint::start("127.0.0.1", 0, metrics, {});
  ASSERT_TRUE(e) << e.error();
  const uint16_t port = (*e)->port();
  e->reset();
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  EXPECT_FALSE(client.Get("/healthz"));
}

}  // namespace
}  // namespace newsflow
