#include "pipeline/utf8.h"

#include <gtest/gtest.h>

namespace newsflow {
namespace {

TEST(utf8, sequence_lengths_follow_the_standard) {
  EXPECT_EQ(utf8_sequence_length("a", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("é", 0), 2u);
  EXPECT_EQ(utf8_sequence_length("中", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("😀", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xC0\xAF", 0), 0u);          // overlong
  EXPECT_EQ(utf8_sequence_length("\xE0\x80\xAF", 0), 0u);      // overlong
  EXPECT_EQ(utf8_sequence_length("\xED\xA0\x80", 0), 0u);      // surrogate
  EXPECT_EQ(utf8_sequence_length("\xF4\x90\x80\x80", 0), 0u);  // above U+10FFFF
  EXPECT_EQ(utf8_sequence_length("\xE4\xB8", 0), 0u);          // truncated
  EXPECT_EQ(utf8_sequence_length("\x80", 0), 0u);              // lone continuation
}

TEST(utf8, repair_replaces_each_bad_byte_and_keeps_good_text) {
  std::string out;
  EXPECT_EQ(utf8_repair("ok é", out), 0u);
  EXPECT_EQ(out, "ok é");
  EXPECT_EQ(utf8_repair("a\xFF" "b\xE4\xB8", out), 3u);
  EXPECT_EQ(out, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(utf8_valid(out));
  EXPECT_FALSE(utf8_valid("a\xFF"));
}

TEST(utf8, truncation_never_cuts_a_code_point) {
  const std::string s = "aé中😀";  // 1 + 2 + 3 + 4 bytes
  EXPECT_EQ(utf8_truncate(s, 100), s);
  EXPECT_EQ(utf8_truncate(s, 2), "a");
  EXPECT_EQ(utf8_truncate(s, 3), "aé");
  EXPECT_EQ(utf8_truncate(s, 9), "aé中");
  EXPECT_EQ(utf8_count_code_points(s), 4u);
}

}  // namespace
}  // namespace newsflow
