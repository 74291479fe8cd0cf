#include "app/systemd_notifier.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <chrono>

namespace newsflow {

systemd_notifier::systemd_notifier(const std::atomic<bool>& stop, std::function<uint64_t()> progress)
    : stop_(stop), progress_(std::move(progress)) {
  uint64_t watchdog_us = 0;
  const bool watchdog = sd_watchdog_enabled(0, &watchdog_us) > 0 && watchdog_us > 0;
  // The thread also sends STOPPING=1 when a stop begins; with no watchdog it checks for that.
  thread_ = std::thread([this, watchdog, us = watchdog ? watchdog_us / 2 : 200'000] { watch(us, watchdog); });
  if (watchdog) spdlog::info("systemd watchdog: a ping every {} ms while the main loop turns", watchdog_us / 2000);
}

systemd_notifier::~systemd_notifier() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  done_cv_.notify_all();
  thread_.join();
  notify_stopping();  // a stop quicker than one turn of the thread, or the loop ended on its own
}

void systemd_notifier::notify_stopping() {
  if (!stopping_sent_.exchange(true))
    sd_notify(0, "STOPPING=1\nSTATUS=stopping: draining, committing, leaving the group");
}

void systemd_notifier::ready(const std::string& status) {
  sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str());
}

void systemd_notifier::watch(uint64_t interval_us, bool watchdog) {
  uint64_t last = progress_();
  bool stopping = false;
  std::unique_lock lock(mutex_);
  while (!done_cv_.wait_for(lock, std::chrono::microseconds(interval_us), [this] { return done_; })) {
    if (!stopping && stop_.load()) {
      stopping = true;
      notify_stopping();
    }
    if (!watchdog) continue;
    // While stopping, the shutdown watchdog bounds the time; before that, a loop that stood
    // still for a whole interval gets no ping.
    const uint64_t now = progress_();
    if (stopping || now != last) sd_notify(0, "WATCHDOG=1");
    else spdlog::error("systemd watchdog: the main loop has not turned for {} ms; no ping", interval_us / 1000);
    last = now;
  }
}

}  // namespace newsflow
