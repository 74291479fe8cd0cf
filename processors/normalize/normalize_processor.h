#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <string_view>

#include "pipeline/config_errors.h"
#include "pipeline/metrics.h"
#include "pipeline/processor.h"
#include "pipeline/processor_registry.h"
#include "processors/normalize/html_text.h"
#include "processors/normalize/normalize_options.h"

namespace newsflow {

// First step of every chain: turns the article's `text` (or, without one, the text of its
// `html`) into the body the other processors analyze, and its `title` into the headline.
// Normalization: control characters removed, whitespace folded, Unicode NFC, size limit.
// Offsets into the body map back to the `text` field through a.body_offsets.
//
// Failure codes: normalize.no_text (nothing to read, or nothing left after normalization),
// normalize.too_large (on_oversize: reject), normalize.html_too_complex (markup past the
// parser's memory or time limits; see html_text.h).
class normalize_processor final : public processor {
 public:
  normalize_processor(const normalize_options& options, metrics_registry& metrics,
                      const html_text_extractor::limits& html_limits = {});

  std::string_view name() const override { return "normalize"; }
  ordering order() const override { return ordering::any; }
  process_result process(article& a) override;

 private:
  normalize_options options_;
  html_text_extractor extractor_;
  counter& html_extracted_;
  counter& truncated_;
};

std::unique_ptr<processor> make_normalize_processor(const YAML::Node& options,
                                                    const std::string& path,
                                                    config_errors& errors,
                                                    processor_context& context);

}  // namespace newsflow
