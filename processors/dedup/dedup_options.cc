#include "processors/dedup/dedup_options.h"

#include <fmt/format.h>

#include "pipeline/options_reader.h"

namespace newsflow {

dedup_options parse_dedup_options(const YAML::Node& node, const std::string& path,
                                  config_errors& errors, YAML::Node* effective) {
  dedup_options opts;
  options_reader r(node, path, errors, effective);
  r.skip("type");
  std::string policy = "mark";
  r.read_choice("policy", policy, {"mark", "drop", "route"});
  opts.policy = policy == "drop"    ? dedup_policy::drop
                : policy == "route" ? dedup_policy::route
                                    : dedup_policy::mark;
  r.read("window_hours", opts.window_hours, 1, 24 * 365 * 10);
  r.read("max_entries", opts.max_entries, 1, (int64_t{1} << 31) - 1);
  r.read("shingle_words", opts.shingle_words, 1, 8);
  r.read("num_hashes", opts.num_hashes, 16, 1024);
  r.read("bands", opts.bands, 1, 64);
  r.read("min_containment", opts.min_containment, 0.0, 1.0);
  r.read("min_jaccard", opts.min_jaccard, 0.0, 1.0);
  r.read("min_combined", opts.min_combined, 0.0, 2.0);
  r.read("max_number_gap", opts.max_number_gap, 0.0, 1.0);
  r.read("furniture_stories", opts.furniture_stories, 0, 255);
  r.read("state_dir", opts.state_dir);
  if (opts.bands > opts.num_hashes)
    errors.add(r.path_of("bands"), fmt::format("must not exceed num_hashes ({})", opts.num_hashes));
  r.finish();
  return opts;
}

}  // namespace newsflow
