#pragma once

#include <string_view>

namespace newsflow {

// Sets up the default spdlog logger on stderr. format "json" writes one JSON object per line
// with stable keys: time, level, logger, msg. Returns false for an unknown level or format.
bool setup_logging(std::string_view level, std::string_view format);

}  // namespace newsflow
