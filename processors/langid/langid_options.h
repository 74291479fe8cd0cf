#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "pipeline/config_errors.h"

namespace newsflow {

// Options of the langid processor, with their defaults.
struct langid_options {
  // fastText lid.176 model file; relative paths are resolved against the config's base_dir.
  std::string model = "models/lid.176.ftz";
  // Bytes of title + body examined (cut at a code point boundary, preferably at a space).
  // Accuracy on the eval set is flat from ~1,000 bytes on; the cost grows with the length.
  int64_t max_text_bytes = 1000;
  // CLD2 as a second opinion (fused with fastText); false: fastText alone.
  bool cld2 = true;
  // Added to the crawler's `language` hint when that language is among the candidates; it
  // only tips close calls and never makes a language appear that no detector proposed.
  double hint_weight = 0.1;
  // `reliable` is true when the calibrated confidence reaches this.
  double reliable_threshold = 0.97;
};

inline constexpr int64_t langid_min_max_text_bytes = 64;
inline constexpr int64_t langid_max_max_text_bytes = int64_t{1} << 24;

langid_options parse_langid_options(const YAML::Node& node, const std::string& path,
                                    config_errors& errors, YAML::Node* effective = nullptr);

}  // namespace newsflow
