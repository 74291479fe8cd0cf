#include "processors/entities/ner_tagger.h"

#include <gtest/gtest.h>

#include "processors/entities/ner_feature_keys.h"
#include "processors/entities/ner_label_rows.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow {
namespace {

using namespace ner_label;

TEST(NerLabels, BilouTransitions) {
  const uint8_t b_per = make(0, part_begin), i_per = make(0, part_inside), l_per = make(0, part_last),
                u_loc = make(2, part_unit), i_loc = make(2, part_inside);
  EXPECT_TRUE(may_follow(outside, b_per));
  EXPECT_TRUE(may_follow(outside, u_loc));
  EXPECT_FALSE(may_follow(outside, i_per));
  EXPECT_FALSE(may_follow(outside, l_per));
  EXPECT_TRUE(may_follow(b_per, i_per));
  EXPECT_TRUE(may_follow(b_per, l_per));
  EXPECT_TRUE(may_follow(b_per, outside));  // the entity ends at its first token
  EXPECT_TRUE(may_follow(i_per, u_loc));    // ... or at its last inside token
  EXPECT_FALSE(may_follow(b_per, i_loc));  // the entity's type cannot change
  EXPECT_FALSE(may_follow(l_per, i_per));  // nothing goes on after a closed entity
  EXPECT_TRUE(may_follow(l_per, u_loc));
  EXPECT_EQ(entity_type_index("LOC"), 2);
  EXPECT_FALSE(entity_type_index("DATE").has_value());
}

std::vector<std::string> spans_of(std::string_view text, const std::vector<uint8_t>& labels) {
  std::vector<ner_token> tokens;
  tokenize_for_ner(text, tokens);
  std::vector<ner_span> spans;
  labels_to_spans(tokens, labels, spans);
  std::vector<std::string> out;
  for (const auto& s : spans)
    out.push_back(std::string(entity_types[s.type]) + ":" + std::string(text.substr(s.begin, s.end - s.begin)));
  return out;
}

TEST(NerTagger, LabelsBecomeSpans) {
  const uint8_t B = make(0, part_begin), I = make(0, part_inside), L = make(0, part_last),
                U = make(2, part_unit);
  EXPECT_EQ(spans_of("Antony J. Blinken visited Israel .", {B, I, L, outside, U, outside}),
            (std::vector<std::string>{"PER:Antony J. Blinken", "LOC:Israel"}));
  // A begin without its last at a line's end still makes an entity, cut at the line.
  EXPECT_EQ(spans_of("Antony Blinken\nIsrael", {B, I, U}),
            (std::vector<std::string>{"PER:Antony Blinken", "LOC:Israel"}));
}

// The tokens and features of a text, as the tagger makes them.
struct analysed {
  explicit analysed(std::string_view t) : text(t) {
    tokenize_for_ner(text, tokens);
    extractor.extract(text, tokens, features);
  }
  std::string text;
  std::vector<ner_token> tokens;
  ner_feature_extractor extractor;
  ner_document_features features;
};

// Weights that score nothing: every label ties, and a tie must not open an entity.
struct toy_weights {
  void add_row(uint64_t, float*) const {}
};

TEST(NerTagger, DecodingOnlyTakesAllowedLabels) {
  const analysed doc("one two three");
  std::vector<uint8_t> labels;
  greedy_decoder decoder;
  greedy_decode(doc.features, doc.tokens, toy_weights{}, decoder, labels);
  EXPECT_EQ(labels, (std::vector<uint8_t>{outside, outside, outside}));  // ties go to O
}

TEST(NerFeatures, TokensGetTheirFeatures) {
  const std::string text = "Zürich FC beat AC Milan 2-1.";
  std::vector<ner_token> tokens;
  tokenize_for_ner(text, tokens);
  ner_feature_extractor extractor;
  ner_document_features features;
  extractor.extract(text, tokens, features);
  ASSERT_EQ(features.offsets.size(), tokens.size() + 1);
  for (size_t i = 0; i < tokens.size(); ++i) EXPECT_GE(features.of(i).size(), 15u) << i;
  // The same word in another place has the same word feature, another word another one.
  const std::string other = "Milan";
  std::vector<ner_token> t2;
  tokenize_for_ner(other, t2);
  ner_document_features f2;
  extractor.extract(other, t2, f2);
  EXPECT_EQ(f2.word_keys[0], features.word_keys[4]);
  EXPECT_NE(f2.word_keys[0], features.word_keys[3]);
  // Case folds non-ASCII letters too.
  const std::string upper = "ZÜRICH";
  extractor.extract(upper, std::vector<ner_token>{{0, static_cast<uint32_t>(upper.size()), true, true}}, f2);
  EXPECT_EQ(f2.word_keys[0], features.word_keys[0]);
}

// Context aggregation: a capitalised word also sees the words before its other occurrences.
TEST(NerFeatures, CapitalisedWordsSeeTheirOtherOccurrences) {
  const auto first_token_features = [](const std::string& text) {
    const analysed doc(text);
    const auto f = doc.features.of(0);
    std::vector<uint64_t> out(f.begin(), f.end());
    std::sort(out.begin(), out.end());
    return out;
  };
  // "Blinken" opens the text each time; only the words before its second occurrence differ.
  const auto by_title = first_token_features("Blinken spoke . Then Mr. Blinken left .");
  const auto by_verb = first_token_features("Blinken spoke . Then met Blinken left .");
  EXPECT_NE(by_title, by_verb);
  // Lower-case words do not: "spoke" elsewhere changes nothing for the first "spoke".
  const auto plain_a = first_token_features("spoke Blinken . Then Mr. spoke left .");
  const auto plain_b = first_token_features("spoke Blinken . Then met spoke left .");
  EXPECT_EQ(plain_a, plain_b);
}

// A quoted stretch of a line gives its quotes and words their role and its length: short
// ones are names and titles ("La Obrera"), long ones speech; a quote without its pair none.
TEST(NerFeatures, QuotedStretchesGiveTheirRoleAndLength) {
  using namespace ner_feature;
  const analysed doc("El diario \"La Obrera\" dijo «que no vendrá nunca más a esta ciudad» hoy \"\nY \"Juan\"");
  const auto has = [&](size_t i, quote_role role, uint64_t length) {
    const auto f = doc.features.of(i);
    return std::find(f.begin(), f.end(), combine(quote_stretch, role, length)) != f.end();
  };
  const auto quoted = [&](size_t i) {
    const auto f = doc.features.of(i);
    for (uint64_t role = quote_open; role <= quoted_middle; ++role)
      for (uint64_t length = 1; length <= quote_lengths; ++length)
        if (std::find(f.begin(), f.end(), combine(quote_stretch, role, length)) != f.end()) return true;
    return false;
  };
  // El diario " La Obrera " dijo « que no vendrá nunca más a esta ciudad » hoy " \n Y " Juan "
  // 0  1      2 3  4      5 6    7 8   9  10     11    12  13 14   15     16 17  18   19 20 21 22
  ASSERT_EQ(doc.tokens.size(), 23u);
  EXPECT_FALSE(quoted(1));
  EXPECT_TRUE(has(2, quote_open, 2));
  EXPECT_TRUE(has(3, quoted_first, 2));
  EXPECT_TRUE(has(4, quoted_last, 2));
  EXPECT_TRUE(has(5, quote_close, 2));
  EXPECT_FALSE(quoted(6));
  EXPECT_TRUE(has(7, quote_open, quote_lengths));  // eight words: counted as seven
  EXPECT_TRUE(has(10, quoted_middle, quote_lengths));
  EXPECT_TRUE(has(16, quote_close, quote_lengths));
  EXPECT_FALSE(quoted(18));  // its pair would be on the next line
  EXPECT_TRUE(has(21, quoted_only, 1));
  // A trainer may leave them out (ner_train --quote-features off): the rest stays the same.
  ner_feature_extractor without;
  without.without_quote_features();
  ner_document_features plain;
  without.extract(doc.text, doc.tokens, plain);
  for (size_t i = 0; i < doc.tokens.size(); ++i) {
    const auto all = doc.features.of(i), rest = plain.of(i);
    const bool outside = i <= 1 || i == 6 || (i >= 17 && i <= 19);
    const size_t quote_features = outside ? 0 : 2;
    EXPECT_EQ(rest.size() + quote_features, all.size()) << i;
    EXPECT_TRUE(std::equal(rest.begin(), rest.end(), all.begin())) << i;
  }
}

// The tagger sums per word type and per stage what the trainer's path (every feature of
// every token, looked up one by one) sums per token: the two must label alike, also when
// the word cache is too small to hold a document and words displace each other.
TEST(NerTagger, FastScoringLabelsAsTheTrainersPath) {
  const auto names = gazetteer::load(NEWSFLOW_MODELS_DIR "/gazetteers.tsv");
  const auto clusters = word_clusters::load(NEWSFLOW_MODELS_DIR "/word-clusters.tsv");
  const auto vectors = word_vectors::load(NEWSFLOW_MODELS_DIR "/word-vectors.bin");
  const auto model = ner_model::load(NEWSFLOW_MODELS_DIR "/ner-en.bin");
  ASSERT_TRUE(names && clusters && vectors && model);
  ASSERT_EQ(model->gazetteer_fingerprint(), resources_fingerprint(&*names, &*clusters, &*vectors));
  ASSERT_EQ(model->stages().size(), 2u);
  const std::vector<std::string> texts = {
      "CRICKET - LEICESTERSHIRE TAKE OVER AT TOP AFTER INNINGS VICTORY\nLONDON 1996-08-30\n"
      "West Indian all-rounder Phil Simmons took four for 38 on Friday as Leicestershire beat "
      "Somerset by an innings and 39 runs in two days to take over at the head of the county "
      "championship.\nSimmons, who joined Leicestershire this season, said the win mattered.",
      "U.S. Secretary of State Antony Blinken met Israeli Prime Minister Benjamin Netanyahu in Tel Aviv "
      "on Tuesday. Blinken said the United States would keep working with Egypt and Qatar.",
      "Zürich FC beat AC Milan 2-1 in São Paulo; Müller scored.",
      "Reuters",
      "",
      "a\nb\nc",
  };
  ner_feature_extractor extractor(&*names, &*clusters, &*vectors);
  for (size_t capacity : {8192, 16, 2}) {
    ner_tagger tagger(*model, &*names, &*clusters, &*vectors, capacity);
    for (const std::string& text : texts) {
      std::vector<ner_span> spans;
      tagger.tag(text, spans);
      // The trainer's path: greedy_decode over the extractor's features, stage by stage.
      std::vector<ner_token> tokens;
      tokenize_for_ner(text, tokens);
      ner_document_features first, second;
      extractor.extract(text, tokens, first);
      greedy_decoder decoder;
      std::vector<uint8_t> first_labels, labels;
      greedy_decode(first, tokens, model->stages()[0], decoder, first_labels);
      second_stage_features(first, first_labels, second);
      greedy_decode(second, tokens, model->stages()[1], decoder, labels);
      EXPECT_EQ(tagger.labels(), labels) << "cache of " << capacity << ": " << text;
      if (capacity == 16 && text == texts[0]) {  // words found again, and words displaced
        EXPECT_GT(tagger.cache().hits(), 0u);
        EXPECT_GT(tagger.cache().misses(), 16u);
      }
      // And the same scores, up to the order of the float additions.
      for (size_t stage = 0; stage < 2; ++stage)
        for (size_t i = 0; i < tokens.size(); ++i) {
          float expected[ner_label::count] = {};
          const ner_document_features& doc = stage == 0 ? first : second;
          for (uint64_t f : doc.of(i)) model->stages()[stage].add_row(f, expected);
          add_dense_scores(doc, i, model->stages()[stage], expected);
          for (uint32_t l = 0; l < ner_label::count; ++l)
            ASSERT_NEAR(tagger.scores(stage, i)[l], expected[l], 1e-3f * (1.0f + std::abs(expected[l])))
                << "stage " << stage + 1 << ", token " << i << ", label " << l << ": " << text;
        }
    }
  }
  ner_tagger tagger(*model, &*names, &*clusters, &*vectors);
  std::vector<ner_span> spans;
  tagger.tag(texts[1], spans);
  EXPECT_GT(tagger.cache().hits(), 0u);  // "Blinken", "the" again
  EXPECT_GT(tagger.cache().misses(), 0u);
}

TEST(NerLabelRows, FewValuedLabelFeaturesAreReadFromTables) {
  using namespace ner_feature;
  const uint64_t known = combine(label2, 3, 4), majority = combine(first_word_majority, 5, 0),
                 around = combine(first_around, no_label, 7);
  std::vector<float> weights(3 * ner_label::count, 0.0f);
  for (size_t k = 0; k < weights.size(); ++k) weights[k] = static_cast<float>(k);
  const ner_weights w({known, majority, around}, weights);
  const ner_label_rows rows(w);
  EXPECT_EQ(rows.previous_two(3, 4)[0], 0.0f);
  EXPECT_EQ(rows.previous_two(3, 4)[16], 16.0f);
  EXPECT_EQ(rows.first_majority(5)[1], 18.0f);
  EXPECT_EQ(rows.first_around(no_label, 7)[2], 36.0f);  // a first label beyond the document
  for (uint32_t l = 0; l < ner_label::count; ++l) {
    EXPECT_EQ(rows.previous_two(4, 3)[l], 0.0f);  // not in the model: zeros
    EXPECT_EQ(rows.previous(3)[l], 0.0f);
  }
}

}  // namespace
}  // namespace newsflow
