#include "pipeline/article_decoder.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace newsflow {
namespace {

struct decoded {
  bool ok;
  std::string reason;
};

class decoder_test : public ::testing::Test {
 protected:
  decoded decode(std::string bytes, decoder_options options = {}) {
    article_decoder decoder(options);
    record.clear();
    record.bytes = std::move(bytes);
    auto r = decoder.decode(record, a);
    if (r) return {true, ""};
    EXPECT_EQ(r.error().processor, "decode");
    EXPECT_FALSE(r.error().message.empty());
    return {false, r.error().code};
  }
  input_record record;
  article a;
};

TEST_F(decoder_test, reads_known_fields_and_keeps_their_unescaped_values) {
  ASSERT_TRUE(decode(R"({"id":"a1","url":"https://x.example/a","title":"Caf\u00e9 \"news\"",)"
                     R"("text":"Body\nline","published_at":"2026-01-02T03:04:05Z","source":"X",)"
                     R"("language":"fr","extra":{"n":[1,2,3]}})")
                  .ok);
  EXPECT_EQ(a.id.value, "a1");
  EXPECT_EQ(a.url.value, "https://x.example/a");
  EXPECT_EQ(a.title.value, "Café \"news\"");
  EXPECT_EQ(a.text.value, "Body\nline");
  EXPECT_EQ(a.published_at.value, "2026-01-02T03:04:05Z");
  EXPECT_EQ(a.source.value, "X");
  EXPECT_EQ(a.language_hint.value, "fr");
  EXPECT_FALSE(a.html.present);
  EXPECT_EQ(a.body, "Body\nline");
  EXPECT_EQ(a.headline, "Café \"news\"");
  EXPECT_EQ(a.member_starts.size(), 8u);
}

TEST_F(decoder_test, html_alone_is_enough_and_null_fields_read_as_absent) {
  ASSERT_TRUE(decode(R"({"title":null,"text":null,"html":"<p>Hi</p>"})").ok);
  EXPECT_FALSE(a.title.present);
  EXPECT_FALSE(a.text.present);
  EXPECT_TRUE(a.html.present);
  EXPECT_EQ(a.text_member, 1);
}

TEST_F(decoder_test, passes_through_numbers_simdjson_cannot_convert) {
  ASSERT_TRUE(decode(R"({"text":"t","big":123456789012345678901234567890,"huge":1e999,"neg":-0.5E-3})").ok);
}

TEST_F(decoder_test, an_existing_enrichment_member_is_marked_for_replacement) {
  ASSERT_TRUE(decode(R"({"text":"t","enrichment":{"old":true}})").ok);
  ASSERT_EQ(a.member_omitted.size(), 2u);
  EXPECT_FALSE(a.member_omitted[0]);
  EXPECT_TRUE(a.member_omitted[1]);
}

TEST_F(decoder_test, surrounding_whitespace_is_not_part_of_the_object) {
  ASSERT_TRUE(decode(" \t{\"text\":\"t\"}\r\n ").ok);
  EXPECT_EQ(a.raw, "{\"text\":\"t\"}");
}

TEST_F(decoder_test, repairs_invalid_utf8_when_asked) {
  decoder_options repair;
  repair.repair_invalid_utf8 = true;
  ASSERT_TRUE(decode("{\"text\":\"caf\xE9\"}", repair).ok);
  EXPECT_EQ(a.text.value, "caf\xEF\xBF\xBD");
}

// The malformed-input suite: each kind of bad message gets its own reason code.
TEST_F(decoder_test, every_kind_of_malformed_message_has_a_distinct_reason) {
  decoder_options small;
  small.max_message_bytes = 1 << 20;
  std::string deep = "{\"text\":\"t\",\"x\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
  std::string big = "{\"text\":\"" + std::string(2 << 20, 'a') + "\"}";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"text\": \"unterminated", "json.unclosed_string"},
      {"{\"text\":\"t\",}", "json.syntax"},
      {"[1,2,3]", "json.not_object"},
      {"\"just a string\"", "json.not_object"},
      {"not json", "json.syntax"},
      {"{\"title\":\"no body\"}", "article.missing_body"},
      {"{\"text\":\"caf\xE9\"}", "input.invalid_utf8"},
      {std::string("{\"text\":\"a\0b\"}", 13), "input.nul_byte"},
      {big, "input.too_large"},
      {deep, "json.too_deep"},
      {"{\"text\":\"a\",\"text\":\"b\"}", "json.duplicate_key"},
      {"{\"text\":\"t\",\"title\":42}", "article.bad_field_type"},
      {"   \t  ", "input.blank"},
      {"{\"text\":\"t\"} {\"text\":\"u\"}", "json.trailing_content"},
      {"{\"text\":\"t\",\"n\":01}", "json.bad_number"},
      {"{\"text\":\"t\",\"b\":tru}", "json.bad_literal"},
      {"{\"text\":\"\\ud800\"}", "json.bad_string"},
      {"{\"text\":\"tab\there\"}", "json.unescaped_control_char"},
  };
  std::set<std::string> reasons;
  for (const auto& [input, expected] : cases) {
    SCOPED_TRACE(input.substr(0, 60));
    decoded d = decode(input, small);
    EXPECT_FALSE(d.ok);
    EXPECT_EQ(d.reason, expected);
    reasons.insert(d.reason);
  }
  EXPECT_EQ(reasons.size(), cases.size() - 2);  // not_object and syntax appear twice on purpose
}

TEST_F(decoder_test, a_source_rejected_record_keeps_its_reason) {
  record.clear();
  record.bytes = "{\"text\":";
  record.rejected_reason = "input.too_large";
  record.original_size = 50'000'000;
  article_decoder decoder({});
  auto r = decoder.decode(record, a);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "input.too_large");
  EXPECT_NE(r.error().message.find("50000000"), std::string::npos);
}

TEST_F(decoder_test, reuses_one_decoder_for_many_messages) {
  article_decoder decoder({});
  for (int i = 0; i < 1000; ++i) {
    record.clear();
    record.bytes = i % 3 == 0 ? "{bad" : "{\"text\":\"article " + std::to_string(i) + "\"}";
    auto r = decoder.decode(record, a);
    EXPECT_EQ(static_cast<bool>(r), i % 3 != 0);
    if (r) {
      EXPECT_EQ(a.text.value, "article " + std::to_string(i));
    }
  }
}

}  // namespace
}  // namespace newsflow
