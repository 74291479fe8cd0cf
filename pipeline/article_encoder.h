#pragma once

#include <array>
#include <string>
#include <string_view>

#include "pipeline/article.h"

namespace newsflow {

// How much of `enrichment.pipeline` to write. `full` has processing time and per-processor
// timings, which differ from run to run; `version` keeps output byte-identical across runs
// (golden tests, diffing backfills); `none` leaves the member out.
enum class pipeline_info { full, version, none };

struct encoder_options {
  pipeline_info info = pipeline_info::full;
};

// Writes the output record: the input object's own bytes with `enrichment` (and, when the
// body was extracted from html, `text`) added before the closing brace. Members the decoder
// marked as omitted are left out.
class article_encoder {
 public:
  explicit article_encoder(encoder_options options) : options_(options) {}

  void encode(const article& a, std::string& out) const;

 private:
  encoder_options options_;
};

// RFC 3339 UTC time with milliseconds, e.g. 2026-11-25T10:41:07.123Z, written into `buf`.
std::string_view format_rfc3339_now(std::array<char, 32>& buf);

}  // namespace newsflow
