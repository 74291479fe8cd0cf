#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace newsflow {

// SIGHUP asks a running daemon to re-read its configuration file's logging.level (systemd's
// ExecReload, `kill -HUP`). Returns the flag the handler sets; whoever acts on it clears it.
std::atomic<bool>& install_reload_handler();

// Re-reads and validates `path` and applies its logging.level. An invalid file changes
// nothing (its errors are logged). The log format and everything else take a restart.
bool reload_log_level(const std::string& path);

// Installs the SIGHUP handler and acts on it (reload_log_level) from its own thread, every
// 200 ms, until destroyed.
class reload_watcher {
 public:
  explicit reload_watcher(std::string path);
  ~reload_watcher();
  reload_watcher(const reload_watcher&) = delete;
  reload_watcher& operator=(const reload_watcher&) = delete;

 private:
  std::string path_;
  std::atomic<bool>& requested_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace newsflow
