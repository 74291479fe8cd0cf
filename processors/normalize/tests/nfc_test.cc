#include <gtest/gtest.h>
#include <utf8proc.h>

#include <cstdlib>
#include <random>
#include <string>

#include "processors/normalize/tests/offset_check.h"
#include "processors/normalize/text_folding.h"

namespace newsflow {
namespace {

std::string utf8proc_reference(const std::string& s) {
  utf8proc_uint8_t* r = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(s.c_str()));
  std::string out(reinterpret_cast<const char*>(r));
  std::free(r);
  return out;
}

void append_utf8(std::string& s, int32_t cp) {
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
  s.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

const text_normalization nfc_only{.fold_whitespace = false};

// Every code point, between a starter that composes with many marks and a mark that composes
// with many bases: checks that the shortcut tables never skip a code point that NFC changes
// or that interacts with its neighbours.
TEST(NfcReference, MatchesUtf8procForEveryCodePoint) {
  for (int32_t before : {int32_t{'e'}, int32_t{0x1100}, int32_t{0x0B47}}) {
    std::string batch;
    std::string out;
    for (int32_t cp = 1; cp <= 0x10FFFF; ++cp) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;
      // Skip what the fold removes or rewrites; it is not NFC's business.
      if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xFEFF || cp == 0x2028 ||
          cp == 0x2029)
        continue;
      append_utf8(batch, before);
      append_utf8(batch, cp);
      batch += "\xCC\x81|";  // U+0301
      if (batch.size() > 64 * 1024 || cp == 0x10FFFF) {
        normalize_text(batch, nfc_only, out, nullptr);
        ASSERT_EQ(out, utf8proc_reference(batch)) << "batch ending at U+" << std::hex << cp;
        batch.clear();
      }
    }
  }
}

TEST(NfcReference, RandomMarkSequencesMatchUtf8procAndMapBack) {
  // Bases, marks of several combining classes, jamo, singletons, exclusions, two-part vowels.
  const int32_t alphabet[] = {
      'a', 'e', 'o', 'A', 'u', ' ', 0x00E9, 0x00C5, 0x0301, 0x0300, 0x0302, 0x0308, 0x0323,
      0x0328, 0x031B, 0x0345, 0x0344, 0x0F73, 0x0F71, 0x0F72, 0x1100, 0x1161, 0x11A8, 0xAC00,
      0x212B, 0x2126, 0x0958, 0x093C, 0x0B47, 0x0B3E, 0x0B56, 0x0BC6, 0x0BBE, 0x3099, 0x304B,
      0x1E9B, 0x0CBF, 0x0CD5, 0x110A5, 0x110BA, 0x1D15E, 0x05B0, 0x0591, 0x1F600};
  std::mt19937 rng(12345);
  std::uniform_int_distribution<size_t> pick(0, std::size(alphabet) - 1);
  std::uniform_int_distribution<int> length(1, 24);
  std::string out;
  offset_map map;
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const int n = length(rng);
    for (int i = 0; i < n; ++i) append_utf8(s, alphabet[pick(rng)]);
    normalize_text(s, nfc_only, out, &map);
    ASSERT_EQ(out, utf8proc_reference(s)) << "input: " << s;
    ASSERT_TRUE(testing::offsets_point_at_sources(s, out, map)) << "input: " << s;
  }
}

TEST(NfcReference, LongRunOfMarksIsHandled) {
  // Zalgo-style text: thousands of marks on one base, in alternating classes.
  std::string s = "x";
  for (int i = 0; i < 5000; ++i) s += i % 2 ? "\u0301" : "\u0323";
  std::string out;
  offset_map map;
  normalize_text(s, nfc_only, out, &map);
  EXPECT_EQ(out, utf8proc_reference(s));
  EXPECT_TRUE(testing::offsets_point_at_sources(s, out, map));
}

}  // namespace
}  // namespace newsflow
