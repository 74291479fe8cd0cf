#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "pipeline/config_errors.h"

namespace newsflow {

enum class oversize_action { truncate, reject };
enum class html_mode { auto_extract, ignore };

// Options of the normalize processor, with their defaults.
struct normalize_options {
  // Size limit in bytes of the body after extraction and normalization.
  int64_t max_bytes = 1 << 20;
  oversize_action on_oversize = oversize_action::truncate;
  // auto: extract text from `html` when the article has no `text`.
  html_mode html = html_mode::auto_extract;
  bool nfc = true;
  bool fold_whitespace = true;
};

inline constexpr int64_t normalize_min_max_bytes = 1024;
// Positions in offset maps are 32-bit; 1 GiB keeps far away from that.
inline constexpr int64_t normalize_max_max_bytes = int64_t{1} << 30;

// Reads the processor's YAML mapping (the key `type` belongs to the caller). Problems go to
// `errors` under `path`; fields not given keep their defaults.
normalize_options parse_normalize_options(const YAML::Node& node, const std::string& path,
                                          config_errors& errors,
                                          YAML::Node* effective = nullptr);

}  // namespace newsflow
