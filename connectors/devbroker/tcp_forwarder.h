#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <thread>

namespace newsflow {

struct tcp_forwarder_options {
  uint16_t listen_port = 0;  // on 127.0.0.1; 0 = any free port
  uint16_t target_port = 0;  // on 127.0.0.1
  size_t max_connections = 64;
  size_t buffer_bytes = 64 * 1024;  // per direction and connection
};

// Relays TCP connections from 127.0.0.1:listen_port to 127.0.0.1:target_port, byte for byte.
// It exists because librdkafka 2.0.2's mock brokers listen on ports the kernel picks: clients
// that need a fixed port bootstrap through this, and metadata then sends them to the mock
// broker's own address. Loopback only; one thread runs every connection with poll(2);
// memory is bounded by max_connections * 2 * buffer_bytes (connections beyond the limit wait
// in the listen backlog). A connection whose target refuses (a broker set down) is closed.
class tcp_forwarder {
 public:
  static std::expected<std::unique_ptr<tcp_forwarder>, std::string> start(
      const tcp_forwarder_options& options);
  ~tcp_forwarder();  // stops the thread and closes every connection

  tcp_forwarder(const tcp_forwarder&) = delete;
  tcp_forwarder& operator=(const tcp_forwarder&) = delete;

  uint16_t port() const { return port_; }

 private:
  struct relay;
  explicit tcp_forwarder(const tcp_forwarder_options& options) : options_(options) {}
  void run();

  tcp_forwarder_options options_;
  uint16_t port_ = 0;
  int listen_fd_ = -1;
  int wake_read_fd_ = -1;   // stop(): one byte written to wake_write_fd_ ends poll()
  int wake_write_fd_ = -1;
  std::thread thread_;
};

}  // namespace newsflow
