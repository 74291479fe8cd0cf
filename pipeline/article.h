#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/json_writer.h"
#include "pipeline/offset_map.h"

namespace newsflow {

// An optional string field of the input message, already unescaped.
struct text_field {
  std::string value;
  bool present = false;

  void set(std::string_view v) {
    value.assign(v.data(), v.size());
    present = true;
  }
  void clear() {
    value.clear();
    present = false;
  }
};

// How long one processor took on this article.
struct step_timing {
  std::string_view processor;
  uint32_t micros;
};

// One article on its way through the chain. Articles are reused from one message to the next
// (clear() keeps capacity), so the hot path does not allocate once buffers have grown.
//
// The input object itself is never re-serialized: the output is the input's own bytes with
// the enrichment spliced in, which keeps unknown fields, key order, escapes and big numbers
// exactly as given.
class article {
 public:
  // --- decoded input (set by the decoder) ---
  std::string_view raw;  // the input JSON object, surrounding whitespace trimmed
  text_field id, url, title, text, html, published_at, source, language_hint;

  // Byte offset in `raw` of each top-level member's key, in input order, and whether the
  // encoder must leave that member out (an `enrichment` the input already had, or a null
  // `text` that extracted text replaces).
  std::vector<uint32_t> member_starts;
  std::vector<bool> member_omitted;
  // Index of a `"text": null` member, or -1: left out when extracted text replaces it.
  int32_t text_member = -1;

  // --- what processors read ---
  // The body to analyze. The decoder sets it to `text`; normalize replaces it with the
  // normalized text (or text extracted from `html`).
  std::string body;
  // Code point positions in `body` -> positions in the `text` field as written on output.
  offset_map body_offsets;
  // The headline to analyze, and its positions -> positions in `title`.
  std::string headline;
  offset_map headline_offsets;
  // True when `body` was extracted from html and is written to the top-level `text` field.
  bool body_is_output_text = false;

  // Facts one processor leaves for the next ones.
  std::string language;  // ISO 639 code once identified, "" before

  // --- results ---
  // Members of the output `enrichment` object written so far, as a JSON fragment without
  // braces: "language":{...},"dedup":{...}. Written through enrichment_member().
  std::string enrichment;
  // Where the encoded record goes: "" is the main output; "duplicates" the duplicates output.
  std::string_view route;
  std::vector<step_timing> timings;

  // Starts member `name` of the enrichment object; write exactly one value with the writer.
  json_writer enrichment_member(std::string_view name) {
    json_writer w(enrichment);
    if (!enrichment.empty()) w.continue_container();
    w.key(name);
    return w;
  }

  void clear();
  // Frees buffers whose capacity grew beyond `limit` bytes (runner_options::retain_buffer_bytes).
  void release_buffers_over(size_t limit);
};

}  // namespace newsflow
