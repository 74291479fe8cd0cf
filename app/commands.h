#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace newsflow {

// Each command adds its sub-command to the app and returns it with what to run when it is
// chosen; `run` returns the process exit code (app/exit_codes.h).
struct command {
  CLI::App* sub;
  std::function<int()> run;
};

command add_process_command(CLI::App& app);
command add_run_command(CLI::App& app);
command add_check_config_command(CLI::App& app);
command add_version_command(CLI::App& app);
command add_devbroker_command(CLI::App& app);

}  // namespace newsflow
