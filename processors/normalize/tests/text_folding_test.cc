#include <gtest/gtest.h>

#include <string>

#include "processors/normalize/tests/offset_check.h"
#include "processors/normalize/text_folding.h"

namespace newsflow {
namespace {

using testing::offsets_point_at_sources;

std::string fold(std::string_view in, text_normalization how = {}) {
  std::string out;
  offset_map map;
  normalize_text(in, how, out, &map);
  EXPECT_TRUE(offsets_point_at_sources(in, out, map)) << "input: " << in;
  return out;
}

std::string fold_line(std::string_view in) { return fold(in, {.single_line = true}); }

TEST(TextFolding, HorizontalWhitespaceRunsBecomeOneSpace) {
  EXPECT_EQ(fold("a  b\t\tc \t d"), "a b c d");
  EXPECT_EQ(fold("a\u00A0b\u2003c\u3000d\u202Fe\u205Ff\u1680g\u2000\u200Ah"),
            "a b c d e f g h");
}

TEST(TextFolding, WholeTextAndLinesAreTrimmed) {
  EXPECT_EQ(fold("  \t hello world \u00A0 "), "hello world");
  EXPECT_EQ(fold("first   \n   second\t\n\tthird"), "first\nsecond\nthird");
}

TEST(TextFolding, LineEndingsBecomeLf) {
  EXPECT_EQ(fold("a\r\nb\rc\nd"), "a\nb\nc\nd");
  EXPECT_EQ(fold("a\r\r\nb"), "a\n\nb");  // CR then CRLF: two line breaks
}

TEST(TextFolding, TwoOrMoreLineBreaksMakeOneParagraphBreak) {
  EXPECT_EQ(fold("a\n\nb"), "a\n\nb");
  EXPECT_EQ(fold("a\n\n\n\n\nb"), "a\n\nb");
  EXPECT_EQ(fold("a\n  \t\n \u00A0 \r\n\nb"), "a\n\nb");
  EXPECT_EQ(fold("\n\n\nlead and trail\n\n\n"), "lead and trail");
}

TEST(TextFolding, UnicodeLineAndParagraphSeparators) {
  EXPECT_EQ(fold("a\u2028b"), "a\nb");
  EXPECT_EQ(fold("a\u2029b"), "a\n\nb");
  EXPECT_EQ(fold("a\n\u2028b"), "a\n\nb");
  EXPECT_EQ(fold("a\u0085b"), "a\nb");  // NEL
  EXPECT_EQ(fold("page\fbreak\vhere"), "page\nbreak\nhere");
}

TEST(TextFolding, ControlCharactersAreRemoved) {
  EXPECT_EQ(fold(std::string("nul\0byte", 8)), "nulbyte");
  EXPECT_EQ(fold("bell\x07 esc\x1B[0m del\x7F."), "bell esc[0m del.");
  EXPECT_EQ(fold("c1\u0080\u009F controls"), "c1 controls");
  // Removed characters are invisible to folding: no double space, no stray line start.
  EXPECT_EQ(fold("a \x01 b"), "a b");
  EXPECT_EQ(fold("\x02\x03 x"), "x");
}

TEST(TextFolding, ByteOrderMarksAreRemoved) {
  EXPECT_EQ(fold("\uFEFFhello"), "hello");
  EXPECT_EQ(fold("in\uFEFFside"), "inside");
}

TEST(TextFolding, SingleLineFoldsLineBreaksIntoSpaces) {
  EXPECT_EQ(fold_line("Breaking:\n  big\r\n\r\nnews\u2029today \u2028"),
            "Breaking: big news today");
}

TEST(TextFolding, WithoutFoldingWhitespaceIsKept) {
  EXPECT_EQ(fold("  a  b\r\n\tc\x01\u00A0", {.fold_whitespace = false}),
            "  a  b\n\tc\u00A0");
  EXPECT_EQ(fold("a\r\nb\nc", {.fold_whitespace = false, .single_line = true}), "a b c");
}

TEST(TextFolding, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(fold("a\xFF\xFE b\xC3"), "a\uFFFD\uFFFD b\uFFFD");
}

TEST(TextFolding, AsciiFastPathKeepsLongTextIntact) {
  std::string in;
  for (int i = 0; i < 200; ++i) in += "The quick brown fox, jumps over the lazy dog. ";
  std::string expected = in.substr(0, in.size() - 1);
  EXPECT_EQ(fold(in), expected);
}

TEST(Nfc, CombiningAccentsCompose) {
  EXPECT_EQ(fold("e\u0301"), "\u00e9");
  EXPECT_EQ(fold("Cafe\u0301 cre\u0300me bru\u0302le\u0301e"),
            "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e");
  EXPECT_EQ(fold("e\u0302\u0301"), "\u1EBF");  // two steps: e + ^ -> ê, ê + ´ -> ế
}

TEST(Nfc, HangulJamoCompose) {
  EXPECT_EQ(fold("\u1112\u1161\u11AB\u1100\u1173\u11AF"), "\uD55C\uAE00");  // 한글
  EXPECT_EQ(fold("\uAC00\u11A8"), "\uAC01");                                // LV + T
}

TEST(Nfc, MarksAreReorderedCanonically) {
  // Dot below (class 220) goes before acute (230) and composes with the a first.
  EXPECT_EQ(fold("a\u0301\u0323"), "\u1EA1\u0301");
}

TEST(Nfc, SingletonsAndExclusions) {
  EXPECT_EQ(fold("\u212B \u2126"), "\u00C5 \u03A9");     // Angstrom, Ohm signs
  EXPECT_EQ(fold("\u0958"), "\u0915\u093C");             // excluded from composition
}

TEST(Nfc, AlreadyNfcTextIsUnchanged) {
  const std::string text = "\u00c7a d\u00e9j\u00e0 \u00e9t\u00e9 \ud55c\uad6d\uc5b4 日本語 🙂 "
                           "\u0915\u094D\u0937 Ελληνικά";
  EXPECT_EQ(fold(text), text);
}

TEST(Nfc, CanBeTurnedOff) {
  EXPECT_EQ(fold("e\u0301", {.nfc = false}), "e\u0301");
}

TEST(Nfc, MarkAtTextStartHasNoBase) {
  EXPECT_EQ(fold("\u0301\u0323x"), "\u0323\u0301x");
}

TEST(OffsetMap, PointsBackIntoTheOriginalText) {
  const std::string in = "  Hello,\r\n\r\n  wo\u00A0rld \x01" "e\u0301!";
  std::string out;
  offset_map map;
  normalize_text(in, {}, out, &map);
  ASSERT_EQ(out, "Hello,\n\nwo rld \u00e9!");
  // original: ' ',' ',H,e,l,l,o,',',\r,\n,\r,\n,' ',' ',w,o,NBSP,r,l,d,' ',\x01,e,U+0301,!
  EXPECT_EQ(map.original(0), 2u);    // H
  EXPECT_EQ(map.original(6), 8u);    // first \n <- \r of the first CRLF
  EXPECT_EQ(map.original(7), 10u);   // second \n <- \r of the second CRLF
  EXPECT_EQ(map.original(8), 14u);   // w
  EXPECT_EQ(map.original(10), 16u);  // space <- NBSP
  EXPECT_EQ(map.original(14), 20u);  // space before the control character
  EXPECT_EQ(map.original(15), 22u);  // é <- e
  EXPECT_EQ(map.original(16), 24u);  // !
}

TEST(OffsetMap, UnchangedTextHasIdentityMap) {
  std::string out;
  offset_map map;
  map.add(0, 5);  // stale content must be replaced
  normalize_text("Plain text, d\u00e9j\u00e0 NFC.\nSecond line.", {}, out, &map);
  EXPECT_TRUE(map.identity());
}

TEST(OffsetMap, HoldsForMixedInputs) {
  const char* inputs[] = {
      "\uFEFF  Title\r\n\r\n\r\nPara one\u00A0\u00A0ends.\u2029Para \x01two\u0301.",
      "a\u0301\u0323 b\u0323\u0301 \u1100\u1161\u11A8 \u212B\u0301 \u0958\u093C",
      "\u0301 starts with a mark \u0301\u0301\u0301",
      "tab\tseparated\tvalues\n\n\n\t\tindented",
      "mixed 🙂 emoji e\u0301\u0301\u0301 and \u3000ideographic\u3000space",
      "\u00c5\u030a\u0328 o\u0308\u0304 \u1e9b\u0323",
      "a\xC0\x80z \xF0\x9F\x99 end",
  };
  for (const char* in : inputs) {
    for (bool single_line : {false, true}) {
      for (bool fold_ws : {true, false}) {
        std::string out;
        offset_map map;
        normalize_text(in, {.fold_whitespace = fold_ws, .single_line = single_line}, out, &map);
        EXPECT_TRUE(testing::offsets_point_at_sources(in, out, map))
            << "input: " << in << " single_line " << single_line << " fold " << fold_ws;
      }
    }
  }
}

}  // namespace
}  // namespace newsflow
