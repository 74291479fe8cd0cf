#pragma once

#include <atomic>
#include <string>

namespace newsflow {

// SIGHUP asks a running daemon to re-read its configuration file's logging.level (systemd's
// ExecReload, `kill -HUP`). Returns the flag the handler sets; whoever acts on it clears it.
std::atomic<bool>& install_reload_handler();

// Re-reads and validates `path` and applies its logging.level. An invalid file changes
// nothing (its errors are logged). The log format and everything else take a restart.
bool reload_log_level(const std::string& path);

}  // namespace newsflow
