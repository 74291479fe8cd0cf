#include "app/shutdown_watchdog.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace newsflow {

shutdown_watchdog::shutdown_watchdog(const std::atomic<bool>& stop, std::chrono::milliseconds limit)
    : stop_(stop), limit_(limit), thread_([this] { watch(); }) {}

shutdown_watchdog::~shutdown_watchdog() {
  {
    std::lock_guard lock(mutex_);
    disarmed_ = true;
  }
  disarmed_cv_.notify_all();
  thread_.join();
}

void shutdown_watchdog::watch() {
  std::unique_lock lock(mutex_);
  // The stop flag is set from a signal handler, which cannot notify: look every 50 ms.
  while (!disarmed_ && !stop_.load())
    disarmed_cv_.wait_for(lock, std::chrono::milliseconds(50));
  if (disarmed_) return;
  if (disarmed_cv_.wait_for(lock, limit_, [this] { return disarmed_; })) return;
  spdlog::critical("stopping took longer than {} ms; exiting now (what was not committed will be "
                   "consumed again)", limit_.count());
  spdlog::default_logger()->flush();
  std::_Exit(1);
}

}  // namespace newsflow
