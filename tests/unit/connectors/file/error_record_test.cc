#include "connectors/file/error_record.h"

#include <gtest/gtest.h>

#include "connectors/file/base64.h"

namespace newsflow {
namespace {

TEST(base64, encodes_with_padding) {
  std::string out;
  append_base64(out, "");
  append_base64(out, "f");
  out += '|';
  append_base64(out, "fo");
  out += '|';
  append_base64(out, "foobar");
  EXPECT_EQ(out, "Zg==|Zm8=|Zm9vYmFy");
}

TEST(error_record, carries_reason_location_and_the_original_line) {
  input_record r;
  r.bytes = R"({"text": 1})";
  r.stream = "in.jsonl";
  r.position = 7;
  std::string out;
  append_error_record(out, r, failure{"article.bad_field_type", "field 'text' must be a string", "decode"});
  EXPECT_EQ(out,
            R"({"reason":"article.bad_field_type","message":"field 'text' must be a string",)"
            R"("processor":"decode","source":"in.jsonl","line":7,"input_bytes":11,"input":"{\"text\": 1}"})");
}

TEST(error_record, keeps_exact_bytes_of_invalid_utf8_in_base64) {
  input_record r;
  r.bytes = "{\"text\":\"\xFF\"}";
  std::string out;
  append_error_record(out, r, failure{"input.invalid_utf8", "m", "decode"});
  EXPECT_NE(out.find("\"input\":\"{\\\"text\\\":\\\"\xEF\xBF\xBD\\\"}\""), std::string::npos) << out;
  EXPECT_NE(out.find(R"("input_base64":"eyJ0ZXh0Ijoi/yJ9")"), std::string::npos) << out;
}

TEST(error_record, marks_a_truncated_line) {
  input_record r;
  r.bytes = "{\"text\":\"aaaa";
  r.original_size = 20'000'000;
  std::string out;
  append_error_record(out, r, failure{"input.too_large", "m", "decode"});
  EXPECT_NE(out.find(R"("input_bytes":20000000)"), std::string::npos);
  EXPECT_NE(out.find(R"("input_truncated":true)"), std::string::npos);
}

}  // namespace
}  // namespace newsflow
