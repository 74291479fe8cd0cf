#pragma once

#include <memory>
#include <optional>
#include <vector>
#include <string>

#include "app/http_options.h"
#include "connectors/kafka/kafka_options.h"
#include "pipeline/config.h"
#include "pipeline/processor_registry.h"

namespace newsflow {

// The configuration as the app sees it: the file (or defaults), its core sections parsed,
// and the registry of processors the chain can name.
struct app_config {
  config_document document;
  pipeline_config pipeline;
  kafka_options kafka;
  YAML::Node effective_kafka;  // as applied, secrets masked (for check-config)
  http_options http;
  YAML::Node effective_http;
  processor_registry processors;
};

// Loads `path` (empty: defaults only) and validates the core sections. On errors, prints
// every one of them to stderr and returns nothing.
std::optional<app_config> load_app_config(const std::string& path);

// Builds the configured chain (each processor validates its options and loads its models).
// On errors, prints them to stderr and returns nullptr.
std::unique_ptr<chain> build_app_chain(const app_config& config, metrics_registry& metrics,
                                       const std::string& path,
                                       std::vector<YAML::Node>* effective_options = nullptr,
                                       bool validate_only = false);

// Prints configuration errors the way every command reports them.
void print_config_errors(const config_errors& errors, const std::string& path);

}  // namespace newsflow
