#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "pipeline/metrics.h"

namespace httplib {
class Server;
}

namespace newsflow {

// The operator's window on a running daemon, served from its own threads:
//   GET /metrics  every metric of `metrics` in the Prometheus text format (0.0.4)
//   GET /healthz  200 while the process runs (a liveness probe)
//   GET /readyz   200 when `readiness` says ready, else 503 with its reason
class http_endpoint {
 public:
  // Returns the reason, or an empty string when ready.
  using readiness_check = std::function<std::string()>;

  // Binds address:port (port 0: any free port) and starts serving; the error names what failed.
  static std::expected<std::unique_ptr<http_endpoint>, std::string> start(const std::string& address, uint16_t port,
                                                                          const metrics_registry& metrics,
                                                                          readiness_check readiness);
  ~http_endpoint();  // stops serving
  http_endpoint(const http_endpoint&) = delete;
  http_endpoint& operator=(const http_endpoint&) = delete;

  uint16_t port() const { return port_; }

 private:
  http_endpoint() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

}  // namespace newsflow
