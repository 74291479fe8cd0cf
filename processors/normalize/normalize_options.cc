#include "processors/normalize/normalize_options.h"

#include "pipeline/options_reader.h"

namespace newsflow {

normalize_options parse_normalize_options(const YAML::Node& node, const std::string& path,
                                          config_errors& errors, YAML::Node* effective) {
  normalize_options opts;
  options_reader r(node, path, errors, effective);
  r.skip("type");
  r.read("max_bytes", opts.max_bytes, normalize_min_max_bytes, normalize_max_max_bytes);

  std::string oversize = "truncate";
  r.read_choice("on_oversize", oversize, {"truncate", "reject"});
  opts.on_oversize = oversize == "reject" ? oversize_action::reject : oversize_action::truncate;

  std::string html = "auto";
  r.read_choice("html", html, {"auto", "ignore"});
  opts.html = html == "ignore" ? html_mode::ignore : html_mode::auto_extract;

  r.read("nfc", opts.nfc);
  r.read("fold_whitespace", opts.fold_whitespace);
  r.finish();
  return opts;
}

}  // namespace newsflow
