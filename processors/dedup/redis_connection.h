#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
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

// One connection to Redis (hiredis) with timeouts. Connects on first use; after a failure
// the connection is dropped and not tried again before retry_ms has passed, so an
// unreachable Redis costs one timeout per retry period, not one per article. Every new
// connection authenticates, selects the database and loads the scripts (a restarted Redis
// has forgotten them).
//
// Commands may be pipelined: send() writes one and returns; receive() reads the reply of the
// oldest one in flight. One thread may send while another receives (receive() waits for
// data without holding the lock); the caller keeps track of what is in flight and makes
// sure one thread at a time receives. command() and eval() send and receive one command when
// nothing else is in flight.
class redis_connection {
 public:
  redis_connection(const redis_store_options& options, std::vector<std::string> scripts);
  ~redis_connection();
  redis_connection(const redis_connection&) = delete;
  redis_connection& operator=(const redis_connection&) = delete;

  // Sends script `script` (EVALSHA; numkeys `keys`, then `args`) or a command, and waits for
  // its reply; nullptr when Redis cannot be reached or answers an error (last_error() says
  // which). Only with nothing in flight.
  redis_reply eval(size_t script, size_t keys, redis_args& args);
  redis_reply command(redis_args& args);

  // Pipelining. send_eval()/send(): false if not sent (not connected, or the write failed:
  // the connection is then broken, and receive() drops it). Never connects.
  bool send_eval(size_t script, size_t keys, redis_args& args);
  bool send(redis_args& args);
  // The reply of the oldest command in flight, waiting up to timeout_ms; nullptr for an
  // error reply (the connection stays) or a lost connection (dropped: every command in
  // flight is lost).
  redis_reply receive();
  // Drops the connection (everything in flight is lost), e.g. after an error reply broke
  // the caller's pipeline. The next connection attempt waits for the retry period.
  void reset(std::string why);

  bool connected() const;
  // Counts successful connections: a change means a new connection (perhaps a new Redis).
  uint64_t generation() const;
  std::string last_error() const;
  // Connection failures and error replies since start.
  uint64_t failures() const;

 private:
  bool ensure_connected();  // locked
  bool set_up();  // locked: connect, AUTH, SELECT, SCRIPT LOAD
  bool write(redis_args& args);  // locked
  redis_reply read_one(std::unique_lock<std::mutex>& lock);
  redis_reply finish(void* raw);  // locked
  redis_reply round_trip(redis_args& args);  // locked; nothing in flight
  void drop(std::string why);  // locked
  bool load_scripts();  // locked
  bool fail_setup(std::string_view step);  // locked
  void build_eval(size_t script, size_t keys, const redis_args& args);

  const redis_store_options options_;
  const std::vector<std::string> scripts_;
  mutable std::mutex mutex_;
  std::vector<std::string> shas_;
  redisContext* context_ = nullptr;
  bool broken_ = false;      // a write failed: the next receive() drops the connection
  std::string broken_reason_;
  bool setting_up_ = false;  // connecting (AUTH, SELECT, SCRIPT LOAD): nothing else is sent
  size_t in_flight_ = 0;     // commands sent, replies not yet read
  std::chrono::steady_clock::time_point next_attempt_{};
  std::string last_error_;
  uint64_t failures_ = 0;
  uint64_t generation_ = 0;
  redis_args scratch_;       // setup commands
  redis_args eval_args_;     // EVALSHA header + arguments
};

}  // namespace newsflow
