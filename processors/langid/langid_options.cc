#include "processors/langid/langid_options.h"

#include "pipeline/options_reader.h"

namespace newsflow {

langid_options parse_langid_options(const YAML::Node& node, const std::string& path,
                                    config_errors& errors, YAML::Node* effective) {
  langid_options opts;
  options_reader r(node, path, errors, effective);
  r.skip("type");
  r.read("model", opts.model);
  if (opts.model.empty()) errors.add(r.path_of("model"), "must not be empty");
  r.read("max_text_bytes", opts.max_text_bytes, langid_min_max_text_bytes,
         langid_max_max_text_bytes);
  r.read("cld2", opts.cld2);
  r.read("hint_weight", opts.hint_weight, 0.0, 1.0);
  r.read("reliable_threshold", opts.reliable_threshold, 0.0, 1.0);
  r.finish();
  return opts;
}

}  // namespace newsflow
