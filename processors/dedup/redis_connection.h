#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "processors/dedup/dedup_options.h"

struct redisContext;
struct redisReply;

namespace newsflow {

// Arguments of one Redis command, in one reused buffer (no allocation per command once warm).
class redis_args {
 public:
  void clear() {
    bytes_.clear();
    ends_.clear();
  }
  redis_args& add(std::string_view s) {
    bytes_.append(s);
    ends_.push_back(bytes_.size());
    return *this;
  }
  redis_args& add(int64_t n);
  redis_args& add(uint64_t n);
  size_t size() const { return ends_.size(); }

 private:
  friend class redis_connection;
  std::string bytes_;
  std::vector<size_t> ends_;
  std::vector<const char*> argv_;  // filled when sent
  std::vector<size_t> lengths_;
};

struct redis_reply_deleter {
  void operator()(redisReply* r) const;
};
using redis_reply = std::unique_ptr<redisReply, redis_reply_deleter>;

// One blocking connection to Redis (hiredis) with timeouts. Connects on first use; after a
// failure the connection is dropped and not tried again before retry_ms has passed, so an
// unreachable Redis costs one timeout per retry period, not one per article. Every new
// connection authenticates, selects the database and loads the scripts (a restarted Redis
// has forgotten them). Not thread-safe: the owner locks.
class redis_connection {
 public:
  redis_connection(const redis_store_options& options, std::vector<std::string> scripts);
  ~redis_connection();
  redis_connection(const redis_connection&) = delete;
  redis_connection& operator=(const redis_connection&) = delete;

  // Runs script `script` (EVALSHA; numkeys `keys`, then `args`); nullptr when Redis cannot
  // be reached or answers an error (last_error() says which).
  redis_reply eval(size_t script, size_t keys, redis_args& args);
  // Runs one command; nullptr as for eval().
  redis_reply command(redis_args& args);

  bool connected() const { return context_ != nullptr; }
  // Counts successful connections: a change means a new connection (perhaps a new Redis).
  uint64_t generation() const { return generation_; }
  const std::string& last_error() const { return last_error_; }
  // Connection failures and error replies since start.
  uint64_t failures() const { return failures_; }

 private:
  bool ensure_connected();
  redis_reply send(redis_args& args);
  void drop(std::string why);
  bool load_scripts();
  bool fail_setup(std::string_view step);

  const redis_store_options options_;
  const std::vector<std::string> scripts_;
  std::vector<std::string> shas_;
  redisContext* context_ = nullptr;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::string last_error_;
  uint64_t failures_ = 0;
  uint64_t generation_ = 0;
  redis_args scratch_;
};

}  // namespace newsflow
