#include "app/http_endpoint.h"

#include <httplib.h>

#include <chrono>

namespace newsflow {

std::expected<std::unique_ptr<http_endpoint>, std::string> http_endpoint::start(const std::string& address,
                                                                                uint16_t port,
                                                                                const metrics_registry& metrics,
                                                                                readiness_check readiness) {
  std::unique_ptr<http_endpoint> e(new http_endpoint());
  e->server_ = std::make_unique<httplib::Server>();
  httplib::Server& s = *e->server_;
  // Scrapes and probes are a few requests a minute: two threads, not one per core.
  s.new_task_queue = [] { return new httplib::ThreadPool(2); };
  // httplib's default also sets SO_REUSEPORT, which would let a second daemon on this host bind
  // the same port and take every other scrape. SO_REUSEADDR alone: a restart can bind at once.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.render_prometheus(), "text/plain; version=0.0.4; charset=utf-8");
  });
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  s.Get("/readyz", [readiness = std::move(readiness)](const httplib::Request&, httplib::Response& res) {
    const std::string why = readiness ? readiness() : std::string();
    if (why.empty()) {
      res.set_content("ready\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content("not ready: " + why + "\n", "text/plain");
    }
  });
  if (port == 0) {
    const int bound = s.bind_to_any_port(address);
    if (bound <= 0) return std::unexpected("cannot listen on " + address + " (any port)");
    e->port_ = static_cast<uint16_t>(bound);
  } else {
    if (!s.bind_to_port(address, port))
      return std::unexpected("cannot listen on " + address + ":" + std::to_string(port) +
                             " (in use, or not an address of this host)");
    e->port_ = port;
  }
  e->thread_ = std::thread([&s] { s.listen_after_bind(); });
  // Running before start() returns, so that a stop right away cannot miss the loop.
  for (int i = 0; i < 5000 && !s.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return e;
}

http_endpoint::~http_endpoint() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace newsflow
