#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/config_errors.h"

namespace newsflow {

// Looks up an environment variable; injectable for tests.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;
env_lookup process_environment();

// Expands ${NAME}, ${NAME:-default} (default when unset or empty) and $$ (a literal $) in
// `text`. Returns nothing and reports to `errors` under `path` when a variable is unset and
// has no default, or a reference is malformed.
std::optional<std::string> substitute_env(std::string_view text, const env_lookup& env,
                                          const std::string& path, config_errors& errors);

// Applies substitute_env to every scalar of a YAML tree, in place. Substitution happens
// after parsing, so a variable's value can never change the structure of the document.
void substitute_env(YAML::Node& root, const env_lookup& env, config_errors& errors);

}  // namespace newsflow
