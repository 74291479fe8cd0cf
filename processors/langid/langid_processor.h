#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/config_errors.h"
#include "pipeline/metrics.h"
#include "pipeline/processor.h"
#include "pipeline/processor_registry.h"
#include "processors/langid/fasttext_model.h"
#include "processors/langid/langid_options.h"

namespace newsflow {

// The language of one piece of text, as written to enrichment.language.
struct language_guess {
  std::string_view code = "und";  // ISO 639-1, else 639-3; "und" when unknown
  double confidence = 0;          // calibrated: about the share of such guesses that are right
  bool reliable = false;
};

// Identifies the language of an article's headline + body (see docs/configuration.md).
//
// The sample read is the headline then the body, URLs and e-mail addresses left out, cut at
// max_text_bytes. fastText lid.176 (top 5 labels with probabilities, on the lower-cased
// sample) and CLD2 in best-effort mode (top 3
// languages with their share of the text) are fused by a weighted sum of scores, CLD2
// weighted 0.75 against fastText's 1. Within Serbo-Croatian, CLD2's "bs" votes go to
// fastText's preferred member of hr/bs/sr (CLD2 calls most Croatian Bosnian) and fastText's
// "sh" to the best of hr/bs/sr. The crawler's hint only adds `hint_weight` to a language a
// detector proposed. The fused share of the winner is mapped to a calibrated confidence.
//
// Sets a.language and writes enrichment.language = {"code","confidence","reliable"}.
// Text without any letter (empty, digits, punctuation, URLs) gives "und", confidence 0.
// Thread-safe (ordering::any): the model is shared read-only, scratch buffers are thread_local.
class langid_processor final : public processor {
 public:
  langid_processor(const langid_options& options, std::shared_ptr<const fasttext_model> model,
                   metrics_registry& metrics);

  std::string_view name() const override { return "langid"; }
  ordering order() const override { return ordering::any; }
  process_result process(article& a) override;

  // The guess for a headline and body; `hint` is the crawler's language hint (may be "").
  language_guess identify(std::string_view headline, std::string_view body,
                          std::string_view hint) const;

 private:
  langid_options options_;
  std::shared_ptr<const fasttext_model> model_;
  counter& undetermined_;
};

// fastText's weight is 1; CLD2's share of the text is added with this weight. CLD2 is the
// better detector on its own, but fastText's probabilities are better spread over close
// languages, so it gets the casting vote when CLD2 is not sure (dev set: 0.6-0.8 are equally
// good; 0.75 chosen).
inline constexpr double langid_cld2_weight = 0.75;

// Maps the winner's fused share (0-1) to a calibrated confidence (piecewise linear, measured
// on the eval set's accuracy per 0.1 bin of the raw share).
double langid_calibrate(double raw_share);

// Loads (once per process and path) the model and builds the processor; a missing or bad
// model file is a configuration error under `<path>.model`.
std::unique_ptr<processor> make_langid_processor(const YAML::Node& options,
                                                 const std::string& path,
                                                 config_errors& errors,
                                                 processor_context& context);

}  // namespace newsflow
