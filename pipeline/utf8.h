#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace newsflow {

// Length of the well-formed UTF-8 sequence starting at s[i] (1-4), or 0 if the bytes there
// are not well-formed (overlong forms, surrogates and code points above U+10FFFF included).
size_t utf8_sequence_length(std::string_view s, size_t i);

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
