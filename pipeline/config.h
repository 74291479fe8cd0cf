#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/article_decoder.h"
#include "pipeline/article_encoder.h"
#include "pipeline/chain.h"
#include "pipeline/config_errors.h"
#include "pipeline/env_substitution.h"
#include "pipeline/processor_registry.h"
#include "pipeline/runner.h"

namespace newsflow {

struct logging_options {
  std::string level = "info";   // trace, debug, info, warn, error, critical, off
  std::string format = "text";  // text or json
};

// One entry of `chain:`: the processor's name and its options (the mapping, `type` included).
struct processor_spec {
  std::string type;
  YAML::Node options;
  std::string path;  // "chain[1]", for error messages
};

// The sections of the configuration that the core owns. Connectors and the app own others
// (kafka, http, ...) and validate them themselves.
struct pipeline_config {
  runner_options runner;
  decoder_options input;
  encoder_options output;
  logging_options logging;
  std::vector<processor_spec> chain;
  std::filesystem::path base_dir;  // where relative paths in options are resolved
};

// A parsed configuration file with ${ENV} already substituted.
struct config_document {
  YAML::Node root;
  std::filesystem::path path;  // empty when there is no file
};

// Reads and parses a YAML file and substitutes environment variables. Errors name the file,
// line and column for YAML syntax, and the key for substitution.
std::optional<config_document> load_config_file(const std::filesystem::path& path,
                                                const env_lookup& env, config_errors& errors);

// An empty document: every default applies.
config_document default_config_document();

// Reads the core sections (pipeline, input, output, logging, chain) and reports unknown
// top-level keys that are not in `other_sections`. A missing `chain` means `default_chain`.
pipeline_config parse_pipeline_config(const config_document& doc,
                                      std::initializer_list<std::string_view> other_sections,
                                      const std::vector<std::string>& default_chain,
                                      const processor_registry& registry, config_errors& errors);

// Builds the chain's processors from their specs (their factories validate the options).
// Returns nullptr and reports to `errors` on any problem. With `effective_options`, gets
// each processor's options as it applied them, defaults included. `validate_only` is passed
// to the factories (processor_context::validate_only).
std::unique_ptr<chain> build_chain(const pipeline_config& config, const processor_registry& registry,
                                   metrics_registry& metrics, config_errors& errors,
                                   std::vector<YAML::Node>* effective_options = nullptr,
                                   bool validate_only = false);

// The effective configuration, defaults filled in, as YAML (for check-config);
// `effective_chain` comes from build_chain.
YAML::Node to_yaml(const pipeline_config& config, const std::vector<YAML::Node>& effective_chain);

}  // namespace newsflow
