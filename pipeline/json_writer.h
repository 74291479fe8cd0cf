#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace newsflow {

// Appends compact JSON to a caller-owned string (reused across articles, so no allocation
// once warm). Commas are placed automatically; the caller keeps objects and arrays balanced.
// Strings must be valid UTF-8 (everything inside the pipeline is); they are escaped per
// RFC 8259 and non-ASCII is written as UTF-8, not \u escapes.
class json_writer {
 public:
  explicit json_writer(std::string& out) : out_(out) {}

  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  json_writer& key(std::string_view k);
  json_writer& string(std::string_view s);
  json_writer& number(int64_t v);
  json_writer& number(uint64_t v);
  json_writer& number(int v) { return number(static_cast<int64_t>(v)); }
  json_writer& number(unsigned v) { return number(static_cast<uint64_t>(v)); }
  // Fixed-point with `decimals` digits after the point, trailing zeros trimmed.
  json_writer& number(double v, int decimals = 4);
  json_writer& boolean(bool b);
  json_writer& null();
  // Already-serialized JSON, written verbatim.
  json_writer& raw(std::string_view json);

  // Marks that the next value written is not the first in its container (used when
  // appending members to an object whose opening brace was written by someone else).
  void continue_container() { need_comma_ = true; }

 private:
  void before_value();

  std::string& out_;
  bool need_comma_ = false;
  bool after_key_ = false;
};

// Appends `s` as a quoted JSON string. Invalid UTF-8 bytes become U+FFFD, so the output is
// always valid JSON whatever the input.
void append_json_string(std::string& out, std::string_view s);

}  // namespace newsflow
