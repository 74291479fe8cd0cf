#include <gtest/gtest.h>
#include <pthread.h>

#include <string>

#include "processors/normalize/html_text.h"
#include "processors/normalize/text_folding.h"

namespace newsflow {
namespace {

// What the processor makes of an html body: extraction, then the default folding.
std::string text_of(std::string_view html) {
  html_text_extractor extractor;
  std::string raw;
  EXPECT_EQ(extractor.extract(html, raw), html_text_extractor::status::ok);
  std::string out;
  normalize_text(raw, text_normalization{}, out, nullptr);
  return out;
}

TEST(HtmlText, ScriptsStylesAndPageChromeAreDropped) {
  EXPECT_EQ(text_of("<html><head><style>p{color:red}</style><script>var x=1;</script></head>"
                    "<body><nav><a href=/>Home</a> <a href=/world>World</a></nav>"
                    "<p>Story text.</p><script>track()</script><noscript>Enable JS</noscript>"
                    "<aside>Related: other story</aside>"
                    "<form><label>Email</label><input name=e><button>Subscribe</button></form>"
                    "<footer>© 2024 Newspaper</footer></body></html>"),
            "Story text.");
}

TEST(HtmlText, EntitiesAreDecoded) {
  EXPECT_EQ(text_of("<p>Fish &amp; chips &eacute;t&eacute; &#8217;quoted&#x2019; &lt;b&gt; &nbsp;x</p>"),
            "Fish & chips \u00e9t\u00e9 \u2019quoted\u2019 <b> x");
}

TEST(HtmlText, BlocksMakeParagraphsAndBrMakesLines) {
  EXPECT_EQ(text_of("<h1>Title</h1><p>First <b>bold</b> para.</p><p>Line one<br>line two</p>"
                    "<ul><li>one</li><li>two</li></ul>"),
            "Title\n\nFirst bold para.\n\nLine one\nline two\n\none\n\ntwo");
}

TEST(HtmlText, InlineElementsDoNotSplitWords) {
  EXPECT_EQ(text_of("<p>un<em>believ</em>able <a href=x>link</a>.</p>"), "unbelievable link.");
}

TEST(HtmlText, NestedDivsGiveOneParagraphBreak) {
  EXPECT_EQ(text_of("<div><div><div>a</div></div></div><div><div>b</div></div>"), "a\n\nb");
}

TEST(HtmlText, TableCellsAreSeparatedAndRowsAreParagraphs) {
  EXPECT_EQ(text_of("<table><tr><th>Team</th><th>Score</th></tr>"
                    "<tr><td>Lions</td><td>3</td></tr></table>"),
            "Team Score\n\nLions 3");
}

TEST(HtmlText, MalformedHtmlIsRecovered) {
  EXPECT_EQ(text_of("<p>unclosed <b>bold <i>both</p> after"), "unclosed bold both\n\nafter");
  EXPECT_EQ(text_of("<div><p>one<p>two</div></span></b>three"), "one\n\ntwo\n\nthree");
  EXPECT_EQ(text_of("text with <no closing bracket"), "text with");
}

TEST(HtmlText, TitleAloneGivesNoText) {
  EXPECT_EQ(text_of("<html><head><title>Only a title</title></head><body></body></html>"), "");
  EXPECT_EQ(text_of("<title>Page</title><p>Body</p>"), "Body");
}

TEST(HtmlText, HeaderIsKeptOnlyWithAHeadline) {
  EXPECT_EQ(text_of("<header><a href=/>The Daily</a> Subscribe</header>"
                    "<article><header><h1>Big news</h1><p>By A. Writer</p></header>"
                    "<p>Body.</p></article>"),
            "Big news\n\nBy A. Writer\n\nBody.");
}

TEST(HtmlText, EmptyAndTextOnlyDocuments) {
  EXPECT_EQ(text_of(""), "");
  EXPECT_EQ(text_of("just text"), "just text");
  EXPECT_EQ(text_of("<!-- a comment --><template><p>hidden</p></template>"), "");
}

TEST(HtmlText, NonAsciiTextPassesThrough) {
  EXPECT_EQ(text_of("<p>日本語の記事 — 🙂</p>"), "日本語の記事 — 🙂");
}

// The walk must not recurse: run it on a thread with a small stack.
struct deep_job {
  std::string html;
  std::string text;
  html_text_extractor::status status;
};

void* run_deep_job(void* arg) {
  auto* job = static_cast<deep_job*>(arg);
  html_text_extractor extractor;
  job->status = extractor.extract(job->html, job->text);
  return nullptr;
}

void run_on_small_stack(deep_job& job) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, run_deep_job, &job), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

TEST(HtmlText, HundredThousandNestedElementsAreWalkedWithoutRecursion) {
  deep_job job;
  for (int i = 0; i < 100000; ++i) job.html += "<span>";
  job.html += "deep text";
  run_on_small_stack(job);
  EXPECT_EQ(job.status, html_text_extractor::status::ok);
  EXPECT_EQ(job.text, "deep text");
}

TEST(HtmlText, QuadraticNestingIsAbandonedInsteadOfStallingAWorker) {
  // Gumbo needs ~30 s for this; the time limit stops it.
  deep_job job;
  for (int i = 0; i < 100000; ++i) job.html += "<div>";
  job.html += "deep text";
  run_on_small_stack(job);
  EXPECT_EQ(job.status, html_text_extractor::status::too_complex);
  EXPECT_EQ(job.text, "");
}

TEST(HtmlText, NodeAmplificationHitsTheMemoryLimit) {
  // Each paragraph reopens every formatting element left open in the first one: 70 KB of
  // input would become 5 million nodes.
  std::string html = "<p>";
  for (int i = 0; i < 1000; ++i) html += "<b id=" + std::to_string(i) + ">";
  html += "</p>";
  for (int i = 0; i < 5000; ++i) html += "<p>x</p>";
  html_text_extractor extractor;
  std::string text;
  EXPECT_EQ(extractor.extract(html, text), html_text_extractor::status::too_complex);

  // The arena is rewound: the same thread parses the next document normally.
  EXPECT_EQ(text_of("<p>next</p>"), "next");
}

}  // namespace
}  // namespace newsflow
