#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "pipeline/metrics.h"
#include "pipeline/utf8.h"
#include "processors/normalize/normalize_processor.h"
#include "processors/normalize/tests/offset_check.h"
#include "processors/normalize/text_truncation.h"

namespace newsflow {
namespace {

using namespace std::string_literals;

class NormalizeProcessor : public ::testing::Test {
 protected:
  normalize_processor make(normalize_options o = {}) { return normalize_processor(o, metrics); }

  uint64_t counter_value(const char* name) {
    return metrics.get_counter(name, "").value();
  }

  metrics_registry metrics;
};

TEST_F(NormalizeProcessor, TextBecomesNormalizedBodyWithOffsetsIntoText) {
  auto p = make();
  article a;
  a.text.set("  Cafe\u0301 opens\u00A0 today.\r\n\r\nMore\0 later. \0"s);  // JSON "\u0000"s
  a.title.set(" Big\n news:\tcaf\u00e9\r\nopens ");
  ASSERT_TRUE(p.process(a).has_value());
  EXPECT_EQ(a.body, "Caf\u00e9 opens today.\n\nMore later.");
  EXPECT_FALSE(a.body_is_output_text);
  EXPECT_TRUE(testing::offsets_point_at_sources(a.text.value, a.body, a.body_offsets));
  EXPECT_EQ(a.body_offsets.original(0), 2u);  // C
  EXPECT_EQ(a.body_offsets.original(5), 8u);  // 'o' of opens, after the composed é
  EXPECT_EQ(a.headline, "Big news: caf\u00e9 opens");
  EXPECT_TRUE(testing::offsets_point_at_sources(a.title.value, a.headline, a.headline_offsets));
  EXPECT_EQ(a.headline_offsets.original(0), 1u);
  EXPECT_EQ(counter_value("newsflow_normalize_html_extracted_total"), 0u);
}

TEST_F(NormalizeProcessor, NulAndControlCharactersNeverReachTheBody) {
  auto p = make();
  article a;
  a.text.set("ab\0cd\x01\x1F\x7F\u0085ef\u009B"s);
  a.title.set("ti\0tle\x1B"s);
  ASSERT_TRUE(p.process(a).has_value());
  EXPECT_EQ(a.body, "abcd\nef");
  EXPECT_EQ(a.headline, "title");
}

TEST_F(NormalizeProcessor, HtmlOnlyArticleGetsExtractedOutputText) {
  auto p = make();
  article a;
  a.html.set("<html><head><title>T</title></head><body><nav>Menu</nav>"
             "<p>First &amp; foremost.</p><p>Second  para.</p><script>x()</script></body></html>");
  a.body_offsets.add(0, 3);  // left over from a previous article
  ASSERT_TRUE(p.process(a).has_value());
  EXPECT_EQ(a.body, "First & foremost.\n\nSecond para.");
  EXPECT_TRUE(a.body_is_output_text);
  EXPECT_TRUE(a.body_offsets.identity());
  EXPECT_EQ(counter_value("newsflow_normalize_html_extracted_total"), 1u);
}

TEST_F(NormalizeProcessor, TextWinsOverHtml) {
  auto p = make();
  article a;
  a.text.set("from text");
  a.html.set("<p>from html</p>");
  ASSERT_TRUE(p.process(a).has_value());
  EXPECT_EQ(a.body, "from text");
  EXPECT_FALSE(a.body_is_output_text);
}

TEST_F(NormalizeProcessor, HtmlIgnoredMeansNoText) {
  normalize_options o;
  o.html = html_mode::ignore;
  auto p = make(o);
  article a;
  a.html.set("<p>only html</p>");
  auto r = p.process(a);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "normalize.no_text");
  EXPECT_EQ(r.error().processor, "normalize");
}

TEST_F(NormalizeProcessor, NothingLeftAfterNormalizationGivesAnEmptyBodyNotAnError) {
  auto p = make();
  for (const std::string& body : {" \t\r\n\u00A0\uFEFF"s, "\0\0"s}) {
    article a;
    a.text.set(body);
    auto r = p.process(a);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(a.body, "");
  }
  article h;
  h.html.set("<head><title>Title only</title></head><body><script>x</script></body>");
  auto r = p.process(h);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(h.body, "");
  EXPECT_TRUE(h.body_is_output_text);
}

TEST_F(NormalizeProcessor, MissingTitleClearsHeadline) {
  auto p = make();
  article a;
  a.text.set("body");
  a.headline = "stale";
  ASSERT_TRUE(p.process(a).has_value());
  EXPECT_EQ(a.headline, "");
}

std::string words(size_t bytes) {
  std::string s;
  while (s.size() < bytes) s += "lorem ipsum dolor ";
  return s;
}

TEST_F(NormalizeProcessor, OversizeBodyIsTruncatedAtAWordBoundary) {
  normalize_options o;
  o.max_bytes = 1024;
  auto p = make(o);
  article a;
  a.text.set(words(5000));
  ASSERT_TRUE(p.process(a).has_value());
  EXPECT_LE(a.body.size(), 1024u);
  EXPECT_GT(a.body.size(), 1024u * 9 / 10);
  EXPECT_NE(a.body.back(), ' ');
  // The cut falls between words: what follows in the full text is a space.
  EXPECT_EQ(a.text.value[a.body.size()], ' ');
  EXPECT_EQ(counter_value("newsflow_normalize_truncated_total"), 1u);
}

TEST_F(NormalizeProcessor, OversizeBodyIsRejectedWhenConfigured) {
  normalize_options o;
  o.max_bytes = 1024;
  o.on_oversize = oversize_action::reject;
  auto p = make(o);
  article a;
  a.text.set(words(1100));
  auto r = p.process(a);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "normalize.too_large");

  // The limit applies after normalization: collapsible whitespace does not count.
  article b;
  b.text.set(std::string(2000, ' ') + "short");
  EXPECT_TRUE(p.process(b).has_value());
}

TEST_F(NormalizeProcessor, TooComplexHtmlFails) {
  html_text_extractor::limits tight;
  tight.time_base = std::chrono::milliseconds(50);
  normalize_processor p({}, metrics, tight);
  article a;
  std::string html;
  for (int i = 0; i < 60000; ++i) html += "<div>";
  a.html.set(html);
  auto r = p.process(a);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "normalize.html_too_complex");
}

TEST_F(NormalizeProcessor, ConcurrentArticlesDoNotInterfere) {
  auto p = make();
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      article a;
      for (int i = 0; i < 300; ++i) {
        a.clear();
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        if (i % 2) {
          a.text.set("  text " + id + " e\u0301\r\n\r\n  end ");
        } else {
          a.html.set("<p>html " + id + "</p><p>e\u0301</p>");
        }
        if (!p.process(a).has_value()) ++failures[t];
        const std::string want =
            (i % 2 ? "text " + id + " \u00e9\n\nend" : "html " + id + "\n\n\u00e9");
        if (a.body != want) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  EXPECT_EQ(counter_value("newsflow_normalize_html_extracted_total"), 600u);
}

TEST(TextTruncation, PrefersAParagraphBreakNearTheLimit) {
  std::string text = std::string(950, 'a') + "\n\n" + std::string(30, 'b') + " c" +
                     std::string(100, 'd');
  EXPECT_TRUE(truncate_text(text, 1000));
  EXPECT_EQ(text, std::string(950, 'a'));
}

TEST(TextTruncation, FallsBackToTheLastSpace) {
  std::string text = std::string(500, 'a') + "\n\n" + std::string(450, 'b') + " " +
                     std::string(100, 'c');
  EXPECT_TRUE(truncate_text(text, 1000));  // the paragraph break is outside the last 10%
  EXPECT_EQ(text, std::string(500, 'a') + "\n\n" + std::string(450, 'b'));
}

TEST(TextTruncation, CutsAtACodePointWithoutWhitespace) {
  std::string text;
  for (int i = 0; i < 600; ++i) text += "\u00e9";  // 2 bytes each
  EXPECT_TRUE(truncate_text(text, 1001));
  EXPECT_EQ(text.size(), 1000u);
  EXPECT_TRUE(utf8_valid(text));

  std::string cjk;
  for (int i = 0; i < 400; ++i) cjk += "語";  // 3 bytes each
  EXPECT_TRUE(truncate_text(cjk, 1000));
  EXPECT_EQ(cjk.size(), 999u);
  EXPECT_TRUE(utf8_valid(cjk));
}

TEST(TextTruncation, ShortTextIsLeftAlone) {
  std::string text = "short text ";
  EXPECT_FALSE(truncate_text(text, 1024));
  EXPECT_EQ(text, "short text ");
}

}  // namespace
}  // namespace newsflow
