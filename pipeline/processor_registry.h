#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/config_errors.h"
#include "pipeline/metrics.h"
#include "pipeline/processor.h"

namespace newsflow {

// What a processor factory gets besides its options.
struct processor_context {
  metrics_registry& metrics;
  // Directory relative paths in options (model files) are resolved against: the config
  // file's directory, or the working directory without a config file.
  std::filesystem::path base_dir;
  // The processor's options as applied, defaults included, for check-config: pass it to
  // options_reader, which records every option it reads.
  YAML::Node effective_options;
  // True for check-config: validate options and load read-only resources (models), but open
  // nothing that holds state (a dedup state directory may be in use by a running daemon).
  bool validate_only = false;
};

// Parses and validates `options` (a YAML mapping; the key `type` is the caller's), reporting
// problems under `path` ("chain[2]"). Returns nullptr when `errors` got anything.
using processor_factory = std::function<std::unique_ptr<processor>(
    const YAML::Node& options, const std::string& path, config_errors& errors,
    processor_context& context)>;

// Processor factories by name. Filled by one explicit list (processors/registry.cc), not by
// static initializers, which vanish from static libraries.
class processor_registry {
 public:
  struct entry {
    std::string name;
    std::string summary;
    processor_factory factory;
  };

  void add(std::string name, std::string summary, processor_factory factory);
  const entry* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, entry, std::less<>> entries_;
};

}  // namespace newsflow
