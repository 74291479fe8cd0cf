#include <yaml-cpp/yaml.h>

#include <iostream>

#include "app/app_config.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "pipeline/metrics.h"

namespace newsflow {

command add_check_config_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "check-config",
      "Validate a configuration file (every processor's options included) and print the "
      "effective configuration, defaults filled in");
  auto path = std::make_shared<std::string>();
  sub->add_option("-c,--config", *path, "Configuration file (YAML)")->required();
  return {sub, [path] {
            auto config = load_app_config(*path);
            if (!config) return exit_code::usage;
            // Building the chain runs every processor's own validation (and loads models).
            metrics_registry metrics;
            std::vector<YAML::Node> effective_chain;
            if (!build_app_chain(*config, metrics, *path, &effective_chain, /*validate_only=*/true)) return exit_code::usage;
            YAML::Node effective = to_yaml(config->pipeline, effective_chain);
            effective["kafka"] = config->effective_kafka;
            effective["http"] = config->effective_http;
            YAML::Emitter out;
            out << effective;
            std::cout << "# effective configuration of " << *path << " (valid)\n" << out.c_str() << "\n";
            return exit_code::ok;
          }};
}

}  // namespace newsflow
