#pragma once

#include <gtest/gtest.h>
#include <utf8proc.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/offset_map.h"

namespace newsflow::testing {

inline std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t i = 0;
  const auto n = static_cast<utf8proc_ssize_t>(s.size());
  while (i < n) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) {  // invalid byte: the normalizer counts it as one U+FFFD
      out.push_back(0xFFFD);
      ++i;
    } else {
      out.push_back(static_cast<char32_t>(cp));
      i += len;
    }
  }
  return out;
}

inline std::vector<char32_t> decomposition(char32_t cp) {
  utf8proc_int32_t buf[8];
  int boundclass = 0;
  utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf, 8,
                                               UTF8PROC_DECOMPOSE, &boundclass);
  if (n < 1 || n > 8) return {cp};
  return std::vector<char32_t>(buf, buf + n);
}

inline std::string hex(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

// Every code point the fold may turn into ' ' or '\n'.
inline bool is_fold_whitespace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// For every code point of `normalized`, the code point the map points to in `original` is
// where it came from: the same character, or one whose canonical decomposition contains the
// start of its own (a base letter later composed with accents, the first jamo of a
// syllable, a mark split off a precomposed letter), or whitespace the fold turned into it.
inline ::testing::AssertionResult offsets_point_at_sources(std::string_view original,
                                                           std::string_view normalized,
                                                           const offset_map& map) {
  const auto orig = code_points(original);
  const auto norm = code_points(normalized);
  for (size_t p = 0; p < norm.size(); ++p) {
    const uint32_t o = map.original(static_cast<uint32_t>(p));
    if (o >= orig.size()) {
      return ::testing::AssertionFailure()
             << "position " << p << " maps to " << o << ", past the original's "
             << orig.size() << " code points";
    }
    const char32_t n = norm[p];
    const char32_t s = orig[o];
    bool ok;
    if (n == ' ' || n == '\n') {
      ok = is_fold_whitespace(s);
    } else {
      const char32_t start = decomposition(n)[0];
      const auto parts = decomposition(s);
      ok = n == s || std::find(parts.begin(), parts.end(), start) != parts.end();
    }
    if (!ok) {
      return ::testing::AssertionFailure() << "position " << p << " (" << hex(n)
                                           << ") maps to original " << o << " (" << hex(s)
                                           << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace newsflow::testing
