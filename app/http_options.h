#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "pipeline/config_errors.h"

namespace newsflow {

// The `http:` section: where `newsflowd run` serves /metrics, /healthz and /readyz.
// Loopback by default: metrics say how much a newsroom ingests, so exposing them is a choice.
struct http_options {
  std::string address = "127.0.0.1";
  uint32_t port = 9740;  // 0: no HTTP endpoint
};

http_options parse_http_options(const YAML::Node& node, config_errors& errors, YAML::Node* effective = nullptr);

}  // namespace newsflow
