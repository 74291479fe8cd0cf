#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace newsflow {

// Length of the well-formed UTF-8 sequence starting at s[i] (1-4), or 0 if the bytes there
// are not well-formed (overlong forms, surrogates and code points above U+10FFFF included).
size_t utf8_sequence_length(std::string_view s, size_t i);

// Decodes the code point at s[i] of *valid* UTF-8 and sets `len` to its byte length.
// Hot-path helper: no checks, so validate (or repair) the text first.
inline int32_t utf8_decode_valid(const unsigned char* s, size_t i, size_t& len) {
  const unsigned char c = s[i];
  if (c < 0x80) {
    len = 1;
    return c;
  }
  if (c < 0xE0) {
    len = 2;
    return ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
  }
  if (c < 0xF0) {
    len = 3;
    return ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
  }
  len = 4;
  return ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) |
         (s[i + 3] & 0x3F);
}

// Writes code point `cp` (at most U+10FFFF, not a surrogate) as UTF-8; returns the length.
inline size_t utf8_encode(int32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

// Whole-buffer validation (SIMD through simdjson).
bool utf8_valid(std::string_view s);

// Copies `in` to `out` with every ill-formed byte sequence replaced by U+FFFD.
// Returns the number of replacements made.
size_t utf8_repair(std::string_view in, std::string& out);

// Number of code points in valid UTF-8.
size_t utf8_count_code_points(std::string_view s);

// Longest prefix of valid UTF-8 `s` that is at most `max_bytes` long and does not cut a
// code point in two.
std::string_view utf8_truncate(std::string_view s, size_t max_bytes);

}  // namespace newsflow
