#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace newsflow {

// Keeps systemd informed about a Type=notify service (sd_notify): READY=1 once the daemon is
// up, STOPPING=1 as soon as a stop is asked, and, when the unit sets WatchdogSec, WATCHDOG=1
// pings, sent only while `progress` keeps moving, so that a main loop that hangs gets the
// service restarted. Outside systemd (no NOTIFY_SOCKET) every call does nothing.
class systemd_notifier {
 public:
  systemd_notifier(const std::atomic<bool>& stop, std::function<uint64_t()> progress);
  ~systemd_notifier();
  systemd_notifier(const systemd_notifier&) = delete;
  systemd_notifier& operator=(const systemd_notifier&) = delete;

  void ready(const std::string& status);

 private:
  void watch(uint64_t interval_us, bool watchdog);
  void notify_stopping();

  const std::atomic<bool>& stop_;
  std::function<uint64_t()> progress_;
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::atomic<bool> stopping_sent_{false};
  std::thread thread_;
};

}  // namespace newsflow
