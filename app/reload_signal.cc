#include "app/reload_signal.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>

#include "app/app_config.h"

namespace newsflow {
namespace {

std::atomic<bool> reload_requested{false};

extern "C" void on_reload_signal(int) { reload_requested.store(true); }

}  // namespace

std::atomic<bool>& install_reload_handler() {
  struct sigaction action{};
  action.sa_handler = on_reload_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &action, nullptr);
  return reload_requested;
}

bool reload_log_level(const std::string& path) {
  if (path.empty()) {
    spdlog::warn("reload: no configuration file to re-read (started without --config)");
    return false;
  }
  const auto config = load_app_config(path);  // prints what is wrong
  if (!config) {
    spdlog::error("reload: {} is not valid; nothing changed", path);
    return false;
  }
  const auto level = spdlog::level::from_str(config->pipeline.logging.level);
  spdlog::set_level(level);
  spdlog::warn("reload: log level now {}", config->pipeline.logging.level);
  return true;
}

reload_watcher::reload_watcher(std::string path) : path_(std::move(path)), requested_(install_reload_handler()) {
  thread_ = std::thread([this] {
    while (!done_.load()) {
      if (requested_.exchange(false)) reload_log_level(path_);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
}

reload_watcher::~reload_watcher() {
  done_ = true;
  thread_.join();
}

}  // namespace newsflow
