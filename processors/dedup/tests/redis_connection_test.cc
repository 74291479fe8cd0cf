#include "processors/dedup/redis_connection.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "processors/dedup/tests/redis_test_server.h"

namespace newsflow {
namespace {

// A TCP port on 127.0.0.1 that nothing listens on.
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(RedisArgs, KeepsBinaryArgumentsAndNumbers) {
  testing::redis_test_server server;
  redis_store_options o;
  o.address = server.address();
  redis_connection c(o, {"return {ARGV[1], #ARGV[1], ARGV[2], ARGV[3]}"});
  redis_args args;
  const std::string binary("a\0b\xff", 4);
  args.add(binary).add(int64_t{-42}).add(uint64_t{18446744073709551615ULL});
  const redis_reply r = c.eval(0, 0, args);
  ASSERT_TRUE(r) << c.last_error();
  ASSERT_EQ(r->elements, 4u);
  EXPECT_EQ(std::string(r->element[0]->str, r->element[0]->len), binary);
  EXPECT_EQ(r->element[1]->integer, 4);
  EXPECT_EQ(std::string(r->element[2]->str, r->element[2]->len), "-42");
  EXPECT_EQ(std::string(r->element[3]->str, r->element[3]->len), "18446744073709551615");
}

TEST(RedisConnection, AnUnreachableRedisCostsOneAttemptPerRetryPeriod) {
  redis_store_options o;
  o.address = "127.0.0.1:" + std::to_string(closed_port());
  o.retry_ms = 200;
  redis_connection c(o, {});
  redis_args ping;
  ping.add("PING");
  EXPECT_FALSE(c.command(ping));
  EXPECT_NE(c.last_error().find("cannot connect"), std::string::npos) << c.last_error();
  EXPECT_EQ(c.failures(), 1u);
  EXPECT_FALSE(c.command(ping));  // within retry_ms: not even tried
  EXPECT_EQ(c.failures(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_FALSE(c.command(ping));
  EXPECT_EQ(c.failures(), 2u);
}

TEST(RedisConnection, ReconnectsAndReloadsItsScriptsAfterARestart) {
  testing::redis_test_server server;
  redis_store_options o;
  o.address = server.address();
  o.retry_ms = 10;
  redis_connection c(o, {"return 'loaded'"});
  redis_args none;
  ASSERT_TRUE(c.eval(0, 0, none)) << c.last_error();
  EXPECT_EQ(c.generation(), 1u);
  server.stop();
  EXPECT_FALSE(c.eval(0, 0, none));
  EXPECT_FALSE(c.connected());
  server.start();  // a new Redis: no scripts cached
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const redis_reply r = c.eval(0, 0, none);
  ASSERT_TRUE(r) << c.last_error();
  EXPECT_EQ(std::string(r->str, r->len), "loaded");
  EXPECT_EQ(c.generation(), 2u);
  // SCRIPT FLUSH on a live connection: NOSCRIPT, loaded again, the call still answers.
  redis_args flush;
  flush.add("SCRIPT").add("FLUSH");
  ASSERT_TRUE(c.command(flush));
  EXPECT_TRUE(c.eval(0, 0, none)) << c.last_error();
}

TEST(RedisConnection, AWrongPasswordIsAFailedConnection) {
  testing::redis_test_server server;
  redis_store_options o;
  o.address = server.address();
  o.password = "not-the-password";  // the test server has none: AUTH answers an error
  redis_connection c(o, {});
  redis_args ping;
  ping.add("PING");
  EXPECT_FALSE(c.command(ping));
  EXPECT_FALSE(c.connected());
  EXPECT_NE(c.last_error().find("AUTH failed"), std::string::npos) << c.last_error();
}

}  // namespace
}  // namespace newsflow
