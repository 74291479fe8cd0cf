#pragma once

#include <simdjson.h>

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/article.h"
#include "pipeline/failure.h"
#include "pipeline/input_record.h"

namespace newsflow {

struct decoder_options {
  uint64_t max_message_bytes = 8 * 1024 * 1024;
  uint32_t max_depth = 128;  // nesting of objects and arrays inside the message
  bool repair_invalid_utf8 = false;  // false: reject with input.invalid_utf8
};

// Turns message bytes into an article: validates the whole message as JSON (so whatever is
// passed through verbatim is valid), reads the known fields and records where each top-level
// member starts so the encoder can splice. One decoder per worker thread (it owns a simdjson
// parser); the article's views point into the record (or the decoder's repair buffer) and
// stay valid until the next decode() on this decoder.
//
// Every failure carries a distinct, stable reason code; see docs/errors.md.
class article_decoder {
 public:
  explicit article_decoder(decoder_options options);

  std::expected<void, failure> decode(input_record& record, article& a);

 private:
  std::expected<void, failure> decode_object(std::string_view json, size_t capacity, article& a);
  simdjson::error_code walk(simdjson::ondemand::value value, uint32_t depth, failure& why);
  // Whether `json` (not an object) is some other valid JSON value: json.not_object, not json.syntax.
  bool root_is_valid_json(std::string_view json, size_t capacity);

  decoder_options options_;
  simdjson::ondemand::parser parser_;
  std::string repaired_;
  std::vector<std::string_view> keys_;
  int32_t text_member_ = -1;
};

}  // namespace newsflow
