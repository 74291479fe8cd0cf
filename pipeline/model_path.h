#pragma once

#include <filesystem>
#include <string>

namespace newsflow {

// Resolves a model path from a processor's options: absolute as given; relative against
// base_dir (the config file's directory), then, for a binary in a build tree
// (build/app/newsflowd), against the source tree's models/ directory. Returns "" when no
// candidate exists; `tried` gets the candidates looked at, for the error message.
std::string resolve_model_path(const std::string& option, const std::filesystem::path& base_dir,
                               std::string& tried);

}  // namespace newsflow
