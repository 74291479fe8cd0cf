#include "processors/normalize/normalize_processor.h"

#include <fmt/format.h>

#include <expected>

#include "processors/normalize/text_folding.h"
#include "processors/normalize/text_truncation.h"
#include "processors/normalize/unicode_nfc.h"

namespace newsflow {
namespace {

std::unexpected<failure> fail(std::string code, std::string message) {
  return std::unexpected<failure>(failure{std::move(code), std::move(message), "normalize"});
}

}  // namespace

normalize_processor::normalize_processor(const normalize_options& options,
                                         metrics_registry& metrics,
                                         const html_text_extractor::limits& html_limits)
    : options_(options),
      extractor_(html_limits),
      html_extracted_(metrics.get_counter("newsflow_normalize_html_extracted_total",
                                          "Articles whose body text was extracted from html")),
      truncated_(metrics.get_counter("newsflow_normalize_truncated_total",
                                     "Article bodies cut to the normalize max_bytes limit")) {
  if (options_.nfc) nfc_prepare();  // tables are built at start-up, not on the first article
}

process_result normalize_processor::process(article& a) {
  const text_normalization body_style{.fold_whitespace = options_.fold_whitespace,
                                      .single_line = false,
                                      .nfc = options_.nfc};
  if (a.text.present) {
    normalize_text(a.text.value, body_style, a.body, &a.body_offsets);
    a.body_is_output_text = false;
  } else if (a.html.present && options_.html == html_mode::auto_extract) {
    thread_local std::string extracted;
    if (extractor_.extract(a.html.value, extracted) != html_text_extractor::status::ok)
      return fail("normalize.html_too_complex",
                  "html is nested or misnested beyond what the parser handles");
    // The body is written out as the article's `text`: its positions are the output's.
    normalize_text(extracted, body_style, a.body, nullptr);
    a.body_offsets.clear();
    a.body_is_output_text = true;
    html_extracted_.inc();
  } else {
    return fail("normalize.no_text", a.html.present
                                         ? "article has no text, and html is set to ignore"
                                         : "article has neither text nor html");
  }

  // An empty body is not bad input: later processors report it (language `und`, no entities).
  const auto max_bytes = static_cast<size_t>(options_.max_bytes);
  if (a.body.size() > max_bytes) {
    if (options_.on_oversize == oversize_action::reject) {
      return fail("normalize.too_large",
                  fmt::format("body is {} bytes after normalization, more than max_bytes {}",
                              a.body.size(), max_bytes));
    }
    truncate_text(a.body, max_bytes);
    truncated_.inc();
  }

  if (a.title.present) {
    const text_normalization title_style{.fold_whitespace = options_.fold_whitespace,
                                         .single_line = true,
                                         .nfc = options_.nfc};
    normalize_text(a.title.value, title_style, a.headline, &a.headline_offsets);
  } else {
    a.headline.clear();
    a.headline_offsets.clear();
  }
  return verdict::next;
}

std::unique_ptr<processor> make_normalize_processor(const YAML::Node& options,
                                                    const std::string& path,
                                                    config_errors& errors,
                                                    processor_context& context) {
  const size_t errors_before = errors.all().size();
  normalize_options parsed = parse_normalize_options(options, path, errors, &context.effective_options);
  if (errors.all().size() != errors_before) return nullptr;
  return std::make_unique<normalize_processor>(parsed, context.metrics);
}

}  // namespace newsflow
