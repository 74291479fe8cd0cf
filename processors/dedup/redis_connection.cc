#include "processors/dedup/redis_connection.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <mutex>

namespace newsflow {

redis_args& redis_args::add(uint64_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  return add(std::string_view(digits, static_cast<size_t>(end - digits)));
}

redis_args& redis_args::add(int64_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  return add(std::string_view(digits, static_cast<size_t>(end - digits)));
}

void redis_reply_deleter::operator()(redisReply* r) const { freeReplyObject(r); }

namespace {

timeval to_timeval(int64_t ms) {
  return timeval{.tv_sec = static_cast<time_t>(ms / 1000),
                 .tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000)};
}

}  // namespace

redis_connection::redis_connection(const redis_store_options& options,
                                   std::vector<std::string> scripts)
    : options_(options), scripts_(std::move(scripts)) {
  // hiredis writes with write(2): a Redis that closed the connection must make that an
  // error (EPIPE), not kill the process with SIGPIPE.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
}

redis_connection::~redis_connection() {
  if (context_) redisFree(context_);
}

void redis_connection::drop(std::string why) {
  if (context_) {
    redisFree(context_);
    context_ = nullptr;
  }
  broken_ = false;
  in_flight_ = 0;
  ++failures_;
  if (why != last_error_) spdlog::warn("dedup: Redis at {}: {}", options_.address, why);
  last_error_ = std::move(why);
  next_attempt_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.retry_ms);
}

bool redis_connection::ensure_connected() {
  // A write failed while nothing was read: no receive() will come to drop it.
  if (context_ && broken_ && in_flight_ == 0) drop(broken_reason_);
  if (context_) return !broken_;
  if (in_flight_ != 0) return false;
  if (std::chrono::steady_clock::now() < next_attempt_) return false;
  setting_up_ = true;
  const bool ok = set_up();
  setting_up_ = false;
  return ok;
}

bool redis_connection::set_up() {
  const timeval timeout = to_timeval(options_.timeout_ms);
  const std::string_view address = options_.address;
  if (address.starts_with("unix:")) {
    context_ = redisConnectUnixWithTimeout(std::string(address.substr(5)).c_str(), timeout);
  } else {
    const size_t colon = address.rfind(':');
    std::string host(address.substr(0, colon));
    int port = 6379;
    if (colon != std::string_view::npos) {
      const std::string_view digits = address.substr(colon + 1);
      std::from_chars(digits.data(), digits.data() + digits.size(), port);
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    context_ = redisConnectWithTimeout(host.c_str(), port, timeout);
  }
  if (!context_) {
    drop("cannot allocate a connection");
    return false;
  }
  if (context_->err) {
    drop(fmt::format("cannot connect: {}", context_->errstr));
    return false;
  }
  redisSetTimeout(context_, timeout);
  // A dead peer behind a silent network is noticed by the timeouts; keepalive (TCP only)
  // also ends idle connections that a firewall dropped.
  if (!address.starts_with("unix:") && redisEnableKeepAlive(context_) != REDIS_OK) {
    drop(fmt::format("cannot enable keepalive: {}", context_->errstr));
    return false;
  }
  if (!options_.password.empty()) {
    scratch_.clear();
    scratch_.add("AUTH");
    if (!options_.username.empty()) scratch_.add(options_.username);
    scratch_.add(options_.password);
    if (!round_trip(scratch_)) return fail_setup("AUTH");
  }
  if (options_.database != 0) {
    scratch_.clear();
    scratch_.add("SELECT").add(options_.database);
    if (!round_trip(scratch_)) return fail_setup("SELECT");
  }
  if (!load_scripts()) return fail_setup("SCRIPT LOAD");
  ++generation_;
  if (!last_error_.empty()) spdlog::info("dedup: Redis at {} reachable again", options_.address);
  last_error_.clear();
  return true;
}

bool redis_connection::fail_setup(std::string_view step) {
  // An error reply (wrong password, no such database) leaves a connection that is no use.
  if (context_) drop(fmt::format("{} failed: {}", step, last_error_));
  return false;
}

bool redis_connection::load_scripts() {
  shas_.clear();
  for (const std::string& script : scripts_) {
    scratch_.clear();
    scratch_.add("SCRIPT").add("LOAD").add(script);
    redis_reply r = round_trip(scratch_);
    if (!r) return false;
    if (r->type != REDIS_REPLY_STRING) {
      drop("SCRIPT LOAD did not answer a digest");
      return false;
    }
    shas_.emplace_back(r->str, r->len);
  }
  return true;
}

bool redis_connection::write(redis_args& args) {
  if (!context_ || broken_) return false;
  args.argv_.clear();
  args.lengths_.clear();
  size_t begin = 0;
  for (size_t end : args.ends_) {
    args.argv_.push_back(args.bytes_.data() + begin);
    args.lengths_.push_back(end - begin);
    begin = end;
  }
  bool ok = redisAppendCommandArgv(context_, static_cast<int>(args.argv_.size()), args.argv_.data(),
                                   args.lengths_.data()) == REDIS_OK;
  for (int done = 0; ok && !done;) ok = redisBufferWrite(context_, &done) == REDIS_OK;
  if (!ok) {
    // Not dropped here: a receive() may be waiting on this socket in another thread. It
    // wakes up (the socket is shut down) and drops the connection.
    broken_ = true;
    broken_reason_ = fmt::format("connection lost: {}", context_->errstr[0] ? context_->errstr : "write failed");
    ::shutdown(context_->fd, SHUT_RDWR);
    return false;
  }
  ++in_flight_;
  return true;
}

redis_reply redis_connection::finish(void* raw) {
  --in_flight_;
  redis_reply reply(static_cast<redisReply*>(raw));
  if (reply->type == REDIS_REPLY_ERROR) {
    // An error reply leaves the connection usable; it fails this call only.
    ++failures_;
    const std::string_view error(reply->str, reply->len);
    if (error != last_error_) spdlog::warn("dedup: Redis at {} answered an error: {}", options_.address, error);
    last_error_.assign(error);
    return nullptr;
  }
  return reply;
}

redis_reply redis_connection::read_one(std::unique_lock<std::mutex>& lock) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  for (;;) {
    if (!context_ || in_flight_ == 0) return nullptr;
    void* raw = nullptr;
    if (redisGetReplyFromReader(context_, &raw) != REDIS_OK) {
      drop(fmt::format("unreadable answer: {}", context_->errstr));
      return nullptr;
    }
    if (raw) return finish(raw);
    if (broken_) {
      drop(broken_reason_);
      return nullptr;
    }
    // Wait for data without the lock, so that another thread can send meanwhile. Only the
    // receiving thread drops the connection, so the socket stays open while it waits.
    const int fd = context_->fd;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      drop(fmt::format("no answer within {} ms", options_.timeout_ms));
      return nullptr;
    }
    lock.unlock();
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    lock.lock();
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // the deadline check above drops it
    if (broken_) continue;
    if (redisBufferRead(context_) != REDIS_OK) {
      drop(fmt::format("connection lost: {}", context_->errstr[0] ? context_->errstr : "closed"));
      return nullptr;
    }
  }
}

redis_reply redis_connection::round_trip(redis_args& args) {
  if (in_flight_ != 0) {
    spdlog::critical("dedup: a Redis round trip with {} commands in flight", in_flight_);
    std::abort();  // the reply read would be another command's
  }
  if (!write(args)) {
    if (context_) drop(broken_reason_);
    return nullptr;
  }
  std::unique_lock<std::mutex> lock(mutex_, std::adopt_lock);
  redis_reply r = read_one(lock);
  lock.release();
  return r;
}

void redis_connection::build_eval(size_t script, size_t keys, const redis_args& args) {
  eval_args_.clear();
  eval_args_.add("EVALSHA").add(shas_.at(script)).add(static_cast<uint64_t>(keys));
  // One buffer for the whole command: the caller's arguments follow the header.
  size_t begin = 0;
  for (size_t end : args.ends_) {
    eval_args_.add(std::string_view(args.bytes_).substr(begin, end - begin));
    begin = end;
  }
}

redis_reply redis_connection::command(redis_args& args) {
  std::lock_guard lock(mutex_);
  if (!ensure_connected()) return nullptr;
  return round_trip(args);
}

redis_reply redis_connection::eval(size_t script, size_t keys, redis_args& args) {
  std::lock_guard lock(mutex_);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!ensure_connected()) return nullptr;
    build_eval(script, keys, args);
    redis_reply r = round_trip(eval_args_);
    if (r || !last_error_.starts_with("NOSCRIPT")) return r;
    // The scripts were flushed (SCRIPT FLUSH, a failover): load them again and retry once.
    if (!load_scripts()) {
      if (context_) drop("SCRIPT LOAD failed: " + last_error_);
      return nullptr;
    }
  }
  return nullptr;
}

bool redis_connection::send_eval(size_t script, size_t keys, redis_args& args) {
  std::lock_guard lock(mutex_);
  if (!context_ || broken_ || setting_up_) return false;
  build_eval(script, keys, args);
  return write(eval_args_);
}

bool redis_connection::send(redis_args& args) {
  std::lock_guard lock(mutex_);
  if (setting_up_) return false;
  return write(args);
}

redis_reply redis_connection::receive() {
  std::unique_lock lock(mutex_);
  return read_one(lock);
}

void redis_connection::reset(std::string why) {
  std::lock_guard lock(mutex_);
  if (context_) drop(std::move(why));
}

bool redis_connection::connected() const {
  std::lock_guard lock(mutex_);
  return context_ != nullptr && !broken_;
}

uint64_t redis_connection::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

std::string redis_connection::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

uint64_t redis_connection::failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

}  // namespace newsflow
