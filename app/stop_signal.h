#pragma once

#include <atomic>

namespace newsflow {

// Installs SIGINT/SIGTERM handlers and returns the flag they set. The first signal asks for
// a graceful stop; a second one ends the process at once (default action). Installed
// without SA_RESTART, so a read blocked on a pipe returns and sees the request.
const std::atomic<bool>& install_stop_handler();

}  // namespace newsflow
