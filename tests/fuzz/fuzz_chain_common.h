#pragma once

// Shared by the fuzz targets: one input message through the decoder, a chain and the encoder,
// the way a worker runs it, checking what must always hold.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/article.h"
#include "pipeline/article_decoder.h"
#include "pipeline/article_encoder.h"
#include "pipeline/chain.h"
#include "pipeline/config.h"
#include "pipeline/input_record.h"
#include "pipeline/metrics.h"
#include "processors/registry.h"

namespace newsflow::fuzz {

// Fails the run loudly: an invariant of the pipeline does not hold for this input.
[[noreturn]] inline void broken(const char* what, std::string_view detail) {
  std::fprintf(stderr, "invariant broken: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// The chain of the YAML text `chain_yaml` (the value of `chain:`); exits when it cannot be built.
inline std::unique_ptr<chain> build(const std::string& chain_yaml, metrics_registry& metrics) {
  static processor_registry registry;
  if (registry.names().empty()) register_builtin_processors(registry);
  config_document doc{YAML::Load("chain: " + chain_yaml), {}};
  config_errors errors;
  const pipeline_config config = parse_pipeline_config(doc, {}, default_chain(), registry, errors);
  auto built = errors.empty() ? build_chain(config, registry, metrics, errors) : nullptr;
  if (!built) {
    for (const auto& e : errors.all()) std::fprintf(stderr, "fuzz: %s\n", e.c_str());
    std::exit(2);
  }
  return built;
}

// A message whose `member` ("text", "html", "title") holds `bytes`, JSON-escaped (invalid
// UTF-8 left for a repairing decoder), with `title` "t" unless that is the member.
inline std::string message_with(std::string_view member, std::string_view bytes) {
  std::string message = member == "title" ? "{\"text\": \"body\", \"" : "{\"title\": \"t\", \"";
  message.append(member).append("\": \"");
  for (const char c : bytes) {
    const auto ch = static_cast<unsigned char>(c);
    if (ch == '"' || ch == '\\') {
      message += '\\';
      message += c;
    } else if (ch < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", ch);
      message += esc;
    } else {
      message += c;
    }
  }
  return message + "\"}";
}

// Decodes `bytes`, runs every stage, encodes; the output must be one valid JSON object, and a
// rejection must carry a reason code.
inline void run_one(std::string_view bytes, article_decoder& decoder, chain& c) {
  static thread_local input_record record;
  static thread_local article a;
  static thread_local std::string out;
  record = input_record{};
  record.bytes.assign(bytes);
  a.clear();
  if (auto decoded = decoder.decode(record, a); !decoded) {
    if (decoded.error().code.empty()) broken("rejected without a reason code", bytes);
    return;
  }
  for (size_t s = 0; s < c.stages().size(); ++s) {
    const process_result r = c.run_stage(s, a);
    if (!r) {
      if (r.error().code.empty()) broken("a processor rejected without a reason code", r.error().processor);
      return;
    }
    if (*r == verdict::drop) return;
  }
  article_encoder(encoder_options{pipeline_info::version}).encode(a, out);
  // The output is an input again: one JSON object in valid UTF-8, big numbers and all.
  static thread_local article_decoder again(decoder_options{.max_message_bytes = 1u << 30, .max_depth = 1000});
  static thread_local input_record echoed;
  static thread_local article reread;
  echoed = input_record{};
  echoed.bytes = out;
  reread.clear();
  if (auto ok = again.decode(echoed, reread); !ok) broken(ok.error().code.c_str(), out);
}

}  // namespace newsflow::fuzz
