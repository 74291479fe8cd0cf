#include "pipeline/article_encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "pipeline/article_decoder.h"

namespace newsflow {
namespace {

std::string encode(const std::string& input, pipeline_info info = pipeline_info::none,
                   void (*edit)(article&) = nullptr) {
  input_record record;
  record.bytes = input;
  article a;
  article_decoder decoder({});
  auto r = decoder.decode(record, a);
  EXPECT_TRUE(r) << (r ? "" : r.error().code);
  if (edit) edit(a);
  std::string out;
  article_encoder({info}).encode(a, out);
  return out;
}

TEST(article_encoder, adds_enrichment_before_the_closing_brace_and_keeps_the_rest_byte_for_byte) {
  const std::string in = R"({"id": "x", "n": 12345678901234567890123, "u": "\u00e9\ud83d\ude00", "text": "t" })";
  EXPECT_EQ(encode(in), R"({"id": "x", "n": 12345678901234567890123, "u": "\u00e9\ud83d\ude00", "text": "t","enrichment":{}})");
}

TEST(article_encoder, writes_processor_members_in_order) {
  auto out = encode(R"({"text":"t"})", pipeline_info::none, [](article& a) {
    a.enrichment_member("language").begin_object().key("code").string("en").end_object();
    a.enrichment_member("entities").begin_array().end_array();
  });
  EXPECT_EQ(out, R"({"text":"t","enrichment":{"language":{"code":"en"},"entities":[]}})");
}

TEST(article_encoder, replaces_an_enrichment_the_input_already_had) {
  EXPECT_EQ(encode(R"({"a":1, "enrichment" : {"stale":true} , "text":"t"})"),
            R"({"a":1,"text":"t","enrichment":{}})");
  EXPECT_EQ(encode(R"({"text":"t","enrichment":[1,2]})"), R"({"text":"t","enrichment":{}})");
}

TEST(article_encoder, writes_extracted_text_in_place_of_a_null_text) {
  auto out = encode(R"({"text":null,"html":"<p>x</p>"})", pipeline_info::none, [](article& a) {
    a.body = "x \"quoted\"";
    a.body_is_output_text = true;
  });
  EXPECT_EQ(out, R"({"html":"<p>x</p>","text":"x \"quoted\"","enrichment":{}})");
}

TEST(article_encoder, pipeline_info_version_is_stable_and_full_has_timings) {
  const std::string v = encode(R"({"text":"t"})", pipeline_info::version);
  EXPECT_NE(v.find(R"("enrichment":{"pipeline":{"version":")"), std::string::npos);
  EXPECT_EQ(v, encode(R"({"text":"t"})", pipeline_info::version));
  auto full = encode(R"({"text":"t"})", pipeline_info::full,
                     [](article& a) { a.timings.push_back({"normalize", 7}); });
  EXPECT_NE(full.find(R"("processed_at":")"), std::string::npos);
  EXPECT_NE(full.find(R"("timings_us":{"normalize":7})"), std::string::npos);
}

// Random objects with nesting, escapes, unicode and big numbers: the output must be exactly
// the input with one member added, so every field survives as given.
TEST(article_encoder, round_trips_random_objects_exactly) {
  std::mt19937 rng(42);
  const std::vector<std::string> scalars = {
      "0", "-1", "3.25e-7", "184467440737095516160000", "true", "false", "null", "\"\"",
      "\"plain\"", R"("esc \" \\ \/ \b \f \n \r \t")", R"("\u00e9\u4e2d\ud83d\ude00")", "\"日本語\"",
      "1E+400"};
  std::function<std::string(int)> value = [&](int depth) -> std::string {
    const int kind = depth > 4 ? 0 : static_cast<int>(rng() % 4);
    if (kind <= 1) return scalars[rng() % scalars.size()];
    std::string out = kind == 2 ? "[" : "{";
    const int n = static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      if (i) out += rng() % 2 ? "," : " , ";
      if (kind == 3) out += "\"k" + std::to_string(i) + "\":";
      out += value(depth + 1);
    }
    return out + (kind == 2 ? "]" : "}");
  };
  for (int round = 0; round < 500; ++round) {
    std::string in = "{";
    const int n = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) in += "\"f" + std::to_string(i) + "\" : " + value(0) + ",";
    in += "\"text\":\"body\"}";
    const std::string out = encode(in);
    ASSERT_EQ(out, in.substr(0, in.size() - 1) + ",\"enrichment\":{}}") << in;
  }
}

}  // namespace
}  // namespace newsflow
