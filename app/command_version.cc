#include <simdjson.h>
#include <spdlog/version.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "pipeline/version.h"

namespace newsflow {

command add_version_command(CLI::App& app) {
  auto* sub = app.add_subcommand("version", "Print the version of newsflowd and its libraries");
  return {sub, [] {
            std::printf("newsflowd %s\n", newsflow::version);
            std::printf("  simdjson %d.%d.%d (%s kernel)\n", SIMDJSON_VERSION_MAJOR,
                        SIMDJSON_VERSION_MINOR, SIMDJSON_VERSION_REVISION,
                        simdjson::builtin_implementation()->name().c_str());
            std::printf("  spdlog %d.%d.%d\n", SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH);
            return exit_code::ok;
          }};
}

}  // namespace newsflow
