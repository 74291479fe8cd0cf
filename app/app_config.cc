#include "app/app_config.h"

#include <fmt/format.h>

#include <cstdio>

#include "processors/registry.h"

namespace newsflow {

void print_config_errors(const config_errors& errors, const std::string& path) {
  std::fprintf(stderr, "newsflowd: invalid configuration%s:\n",
               path.empty() ? "" : fmt::format(" in {}", path).c_str());
  for (const auto& e : errors.all()) std::fprintf(stderr, "  %s\n", e.c_str());
}

std::unique_ptr<chain> build_app_chain(const app_config& config, metrics_registry& metrics,
                                       const std::string& path, std::vector<YAML::Node>* effective_options,
                                       bool validate_only) {
  config_errors errors;
  auto built = build_chain(config.pipeline, config.processors, metrics, errors, effective_options,
                           validate_only);
  if (!built) print_config_errors(errors, path);
  return built;
}

std::optional<app_config> load_app_config(const std::string& path) {
  app_config config;
  register_builtin_processors(config.processors);
  config_errors errors;
  if (path.empty()) {
    config.document = default_config_document();
  } else {
    auto doc = load_config_file(path, process_environment(), errors);
    if (!doc) {
      print_config_errors(errors, path);
      return std::nullopt;
    }
    config.document = std::move(*doc);
  }
  config.pipeline =
      parse_pipeline_config(config.document, {"kafka", "http"}, default_chain(), config.processors, errors);
  config.effective_kafka = YAML::Node(YAML::NodeType::Map);
  config.kafka = parse_kafka_options(config.document.root["kafka"], errors, &config.effective_kafka);
  config.effective_http = YAML::Node(YAML::NodeType::Map);
  config.http = parse_http_options(config.document.root["http"], errors, &config.effective_http);
  if (!errors.empty()) {
    print_config_errors(errors, path);
    return std::nullopt;
  }
  return config;
}

}  // namespace newsflow
