#include <simdjson.h>
#include <spdlog/version.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "pipeline/version.h"

#define NEWSFLOW_STRINGIFY_(x) #x
#define NEWSFLOW_STRINGIFY(x) NEWSFLOW_STRINGIFY_(x)

namespace newsflow {

command add_version_command(CLI::App& app) {
  auto* sub = app.add_subcommand("version", "Print the version of newsflowd and its libraries");
  return {sub, [] {
            std::printf("newsflowd %s\n", newsflow::version);
            // On-Demand's kernel is fixed at compile time (see NEWSFLOW_ARCH_FLAGS).
            std::printf("  simdjson %d.%d.%d (%s kernel)\n", simdjson::SIMDJSON_VERSION_MAJOR,
                        simdjson::SIMDJSON_VERSION_MINOR, simdjson::SIMDJSON_VERSION_REVISION,
                        NEWSFLOW_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION));
            std::printf("  spdlog %d.%d.%d\n", SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH);
            return exit_code::ok;
          }};
}

}  // namespace newsflow
