#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace newsflow {

// Bounds how long stopping may take. Once `stop` is set, it allows `limit`; if the process
// is still stopping then (a broker call or a destructor that does not return), it logs what
// it was waiting for and exits the process with status 1, so a supervisor (systemd,
// Kubernetes) never waits on a stuck daemon. Whatever was not committed is consumed again.
class shutdown_watchdog {
 public:
  shutdown_watchdog(const std::atomic<bool>& stop, std::chrono::milliseconds limit);
  ~shutdown_watchdog();  // disarms it
  shutdown_watchdog(const shutdown_watchdog&) = delete;
  shutdown_watchdog& operator=(const shutdown_watchdog&) = delete;

 private:
  void watch();

  const std::atomic<bool>& stop_;
  const std::chrono::milliseconds limit_;
  std::mutex mutex_;
  std::condition_variable disarmed_cv_;
  bool disarmed_ = false;
  std::thread thread_;
};

}  // namespace newsflow
