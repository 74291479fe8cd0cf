#include "processors/entities/word_vectors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "processors/entities/ner_features.h"
#include "processors/entities/word_clusters.h"

namespace newsflow {
namespace {

// A vectors file in the format word_vectors.h describes.
std::string vectors_file(uint32_t dims, float scale, std::initializer_list<std::pair<std::string, std::string>> rows) {
  std::string out = "NFVEC01\n";
  const auto put = [&](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); };
  const auto count = static_cast<uint32_t>(rows.size());
  put(&count, 4);
  put(&dims, 4);
  put(&scale, 4);
  for (const auto& [word, components] : rows) {
    const auto length = static_cast<uint8_t>(word.size());
    put(&length, 1);
    out += word;
    out += components;  // one int8 per dimension
  }
  return out;
}

TEST(WordVectors, WordsAreFoundWhateverTheCaseAndScaled) {
  const auto v = word_vectors::parse(vectors_file(2, 0.5f, {{"paris", std::string("\x02\xfe", 2)}, {"the", "\x01\x01"}}));
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(v->size(), 2u);
  EXPECT_EQ(v->dims(), 2u);
  const int32_t row = v->row_of(ner_word_key("PARIS"));
  ASSERT_EQ(row, 0);
  float x[2];
  v->values(row, x);
  EXPECT_EQ(x[0], 1.0f);
  EXPECT_EQ(x[1], -1.0f);
  EXPECT_EQ(v->row_of(ner_word_key("london")), -1);
  // A gain changes the values and the fingerprint (a model trained with another refuses it).
  auto scaled = *v;
  scaled.scale(2.0f);
  scaled.values(row, x);
  EXPECT_EQ(x[0], 2.0f);
  EXPECT_NE(scaled.fingerprint(), v->fingerprint());
}

// The English-trained clusters and vectors know many Spanish and Dutch names only without
// their accents ("peru", "coruna"): a word they do not know as written is looked up so.
TEST(WordVectors, AccentedWordsFallBackToTheirUnaccentedForm) {
  const auto v = word_vectors::parse(vectors_file(2, 0.5f, {{"peru", "\x02\x02"}, {"perú", "\x04\x04"}, {"jose", "\x01\x01"}}));
  const auto c = word_clusters::parse("coruna\t3 7\njose\t1 2\n");
  ASSERT_TRUE(v.has_value() && c.has_value());
  std::string lower, shape;
  const auto describe = [&](std::string_view w) { return describe_word(w, nullptr, &*c, &*v, lower, shape); };
  EXPECT_EQ(describe("Perú").vector_row, 1);  // known as written: its own row
  EXPECT_EQ(describe("PERÙ").vector_row, 0);
  EXPECT_EQ(describe("José").vector_row, 2);
  EXPECT_EQ(describe("José").cluster, c->of(ner_word_key("jose")));
  EXPECT_EQ(describe("Coruña").cluster, c->of(ner_word_key("coruna")));
  EXPECT_NE(describe("Coruña").cluster, 0u);
  EXPECT_EQ(describe("Coruña").vector_row, -1);  // neither form known
  EXPECT_EQ(describe("Zürich").cluster, 0u);
  EXPECT_EQ(lower, "zürich");  // the word's own form is what its word feature keeps
}

TEST(WordVectors, BadFilesAreRefusedWithTheReason) {
  EXPECT_NE(word_vectors::parse("NFVEC02\n").error().find("not a word vectors file"), std::string::npos);
  const std::string good = vectors_file(2, 0.5f, {{"paris", "\x02\x02"}});
  EXPECT_NE(word_vectors::parse(good.substr(0, good.size() - 1)).error().find("truncated at word 1"), std::string::npos);
  EXPECT_NE(word_vectors::parse(good + "x").error().find("1 bytes after"), std::string::npos);
  EXPECT_NE(word_vectors::parse(vectors_file(0, 1.0f, {})).error().find("0 dimensions"), std::string::npos);
  EXPECT_NE(word_vectors::load("/nonexistent/word-vectors.bin").error().find("/nonexistent/word-vectors.bin"),
            std::string::npos);
}

}  // namespace
}  // namespace newsflow
