#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <vector>

#include "app/commands.h"
#include "app/exit_codes.h"

int main(int argc, char** argv) {
  using namespace newsflow;
  CLI::App app{"newsflowd: streaming news enrichment (language, dedup, entities) for Kafka",
               "newsflowd"};
  app.require_subcommand(1);
  app.footer("Run 'newsflowd COMMAND --help' for a command's options.");

  const std::vector<command> commands = {
      add_run_command(app),
      add_process_command(app),
      add_check_config_command(app),
      add_version_command(app),
      add_devbroker_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "newsflowd: %s\nRun 'newsflowd --help' for usage.\n", e.what());
    return exit_code::usage;
  }
  try {
    for (const auto& c : commands)
      if (c.sub->parsed()) return c.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "newsflowd: fatal: %s\n", e.what());
    return exit_code::failure;
  }
  return exit_code::usage;
}
