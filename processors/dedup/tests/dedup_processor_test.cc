#include "processors/dedup/dedup_processor.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "pipeline/metrics.h"
#include "processors/dedup/memory_dedup_store.h"
#include "processors/dedup/redis_dedup_store.h"
#include "processors/dedup/tests/redis_test_server.h"

namespace newsflow {
namespace {

// An invented wire story, one paragraph per line.
const std::string story =
    "LISBON 2026-03-02 -- The Portuguese parliament approved on Monday a plan to extend the "
    "northern rail line to the Spanish border, ending a dispute that had delayed the project "
    "for more than a decade.\n\n"
    "Transport minister Helena Brandao told reporters the first trains would run within four "
    "years and that the line would cut the journey from Porto to Vigo to under two hours.\n\n"
    "The opposition had argued that the money would be better spent on commuter services "
    "around the capital, where delays have become a daily complaint.\n\n"
    "Engineers expect the tunnels under the river valley to be the most difficult part of the "
    "work, and the contract includes penalties for late delivery.\n\n"
    "Local mayors along the route welcomed the vote, saying the line would bring tourists and "
    "new businesses to towns that have lost much of their population since the nineteen "
    "eighties.\n\n"
    "The European Commission is expected to cover part of the cost from its cohesion funds, "
    "officials in Brussels said.";

// Another story entirely, same length class.
const std::string other_story =
    "NAIROBI 2026-03-02 -- Kenyan farmers began harvesting an early tea crop after heavy rains "
    "in the highlands, the national tea board said on Monday.\n\n"
    "Prices at the weekly Mombasa auction fell slightly as buyers waited to see how large the "
    "harvest would be, brokers said.\n\n"
    "The board said exports were on course to match last year's record despite higher "
    "transport costs and a shortage of fertiliser in some districts.";

struct clock_stub {
  int64_t now = 1'000'000'000;
};

// Where dedup remembers: every behaviour below must hold for both.
enum class store_kind { embedded, redis };

// One redis-server for the test program, started on first use.
testing::redis_test_server& shared_redis() {
  static testing::redis_test_server server;
  return server;
}

// A Redis store of its own (a fresh key prefix) with the processor's settings.
std::shared_ptr<dedup_store> make_redis_store(const dedup_options& o) {
  static int stores = 0;
  redis_dedup_store::options r = redis_dedup_store::options_for(o);
  r.redis.address = shared_redis().address();
  r.redis.key_prefix = "test" + std::to_string(getpid()) + "-" + std::to_string(++stores);
  return std::make_shared<redis_dedup_store>(r);
}

class DedupTest : public ::testing::TestWithParam<store_kind> {
 protected:
  std::unique_ptr<dedup_processor> make(dedup_options o = {}) {
    o.max_entries = max_entries;
    return std::make_unique<dedup_processor>(
        o, metrics, GetParam() == store_kind::redis ? make_redis_store(o) : nullptr,
        [this] { return clock.now; });
  }

  // Runs one article; returns the dedup member.
  std::string run(dedup_processor& p, std::string id, std::string url, std::string body,
                  std::string headline = "A headline", verdict* v = nullptr) {
    article a;
    a.clear();
    if (!id.empty()) a.id.set(id);
    if (!url.empty()) a.url.set(url);
    a.body = std::move(body);
    a.headline = std::move(headline);
    const process_result r = p.process(a);
    EXPECT_TRUE(r.has_value());
    if (v && r) *v = *r;
    last_route = a.route;
    return a.enrichment;
  }

  metrics_registry metrics;
  clock_stub clock;
  int64_t max_entries = 1000;
  std::string last_route;
};

std::string unique_json(std::string_view id) {
  return "\"dedup\":{\"status\":\"unique\",\"duplicate_of\":null,\"similarity\":null,\"story_id\":\"" +
         std::string(id) + "\"}";
}

TEST_P(DedupTest, FirstCopyIsUniqueWithItsOwnStory) {
  auto p = make();
  EXPECT_EQ(run(*p, "a1", "https://one.example/rail", story), unique_json("a1"));
  EXPECT_EQ(run(*p, "b1", "https://one.example/tea", other_story), unique_json("b1"));
}

TEST_P(DedupTest, ExactDuplicateByBody) {
  auto p = make();
  run(*p, "a1", "https://one.example/rail", story);
  EXPECT_EQ(run(*p, "a2", "https://two.example/other-path", story, "OTHER HEADLINE"),
            "\"dedup\":{\"status\":\"duplicate\",\"duplicate_of\":\"a1\",\"similarity\":1,"
            "\"story_id\":\"a1\"}");
  EXPECT_EQ(metrics.get_counter("newsflow_dedup_duplicates_total", "", {{"kind", "exact"}}).value(), 1u);
}

TEST_P(DedupTest, ExactDuplicateByCanonicalUrlWithSameBody) {
  auto p = make();
  run(*p, "a1", "https://www.one.example/rail/", story);
  const std::string out =
      run(*p, "a2", "http://one.example/rail?utm_source=x&fbclid=y#top", story);
  EXPECT_NE(out.find("\"status\":\"duplicate\",\"duplicate_of\":\"a1\""), std::string::npos) << out;
}

TEST_P(DedupTest, ReusedUrlWithAnotherStoryIsNotADuplicate) {
  auto p = make();
  run(*p, "a1", "https://live.example/rolling-coverage", story);
  EXPECT_EQ(run(*p, "b1", "https://live.example/rolling-coverage?ref=homepage", other_story),
            unique_json("b1"));
}

TEST_P(DedupTest, UpdateAtTheSameUrlIsANearDuplicate) {
  auto p = make();
  run(*p, "a1", "https://one.example/rail", story);
  const std::string out = run(*p, "a2", "https://one.example/rail",
                              story + "\n\nUpdated at 14:05 with reaction from Madrid, where the "
                                      "government said it would match the investment.");
  EXPECT_NE(out.find("\"status\":\"near_duplicate\",\"duplicate_of\":\"a1\""), std::string::npos) << out;
}

TEST_P(DedupTest, NearDuplicateWithOtherFurnitureAndHeadline) {
  auto p = make();
  run(*p, "a1", "https://one.example/rail", story, "Portugal approves rail line");
  const std::string copy = "Home | World | Europe\n\nBy Ana Costa\n\n" + story +
                           "\n\nCopyright 2026 Other Outlet. All rights reserved.\n\n"
                           "Related: Tea harvest begins early in Kenya\n\nSign up for our newsletter";
  const std::string out = run(*p, "c1", "https://syndicator.example/x/123", copy,
                              "PORTUGAL: PARLIAMENT BACKS RAIL LINK TO SPAIN");
  EXPECT_NE(out.find("\"status\":\"near_duplicate\",\"duplicate_of\":\"a1\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"story_id\":\"a1\""), std::string::npos);
  EXPECT_EQ(metrics.get_counter("newsflow_dedup_duplicates_total", "", {{"kind", "near"}}).value(), 1u);
}

TEST_P(DedupTest, NearDuplicateWithLightEdits) {
  auto p = make();
  run(*p, "a1", "", story);
  std::string edited = story;
  edited.replace(edited.find("approved"), 8, "passed");
  edited.replace(edited.find("difficult"), 9, "challenging");
  edited.replace(edited.find("welcomed"), 8, "praised");
  const std::string out = run(*p, "a2", "", edited);
  EXPECT_NE(out.find("\"status\":\"near_duplicate\""), std::string::npos) << out;
}

TEST_P(DedupTest, TruncationAndEarlyVersionBothWays) {
  auto p = make();
  const std::string head = story.substr(0, story.find("Local mayors")) + "Read more on our site.";
  run(*p, "a1", "", story);
  std::string out = run(*p, "a2", "", head);
  EXPECT_NE(out.find("\"status\":\"near_duplicate\",\"duplicate_of\":\"a1\""), std::string::npos) << out;

  // The short version first, the full one later.
  auto q = make();
  run(*q, "h1", "", head);
  out = run(*q, "f1", "", story);
  EXPECT_NE(out.find("\"status\":\"near_duplicate\",\"duplicate_of\":\"h1\""), std::string::npos) << out;
}

TEST_P(DedupTest, TemplateWithOtherNumbersAndNamesIsNotFlagged) {
  const std::string day1 =
      "NEW YORK 2026-03-02 -- The Dow Jones industrial average opened higher on Monday, lifted by "
      "Acme Corp, which gained 4 to 92.\n\nOther shares were mixed, following bonds.\n\n"
      "The Dow was up 8 to 5,731, while the Nasdaq was off 3 to 1,143 and the S&P 500 down 1 to 666.\n\n"
      "Advances lagged declines by 476 to 698 on the exchange while Nasdaq advances led declines "
      "837 to 763.\n\nThe 30-year Treasury bond was off 2/32 to yield 6.96 percent.";
  const std::string day2 =
      "NEW YORK 2026-03-03 -- The Dow Jones industrial average opened higher on Tuesday, lifted by "
      "Bolt Industries, which gained 7 to 41.\n\nOther shares were mixed, following bonds.\n\n"
      "The Dow was up 12 to 5,790, while the Nasdaq was off 5 to 1,139 and the S&P 500 down 2 to 671.\n\n"
      "Advances lagged declines by 512 to 644 on the exchange while Nasdaq advances led declines "
      "901 to 722.\n\nThe 30-year Treasury bond was off 5/32 to yield 7.01 percent.";
  auto p = make();
  run(*p, "d1", "https://markets.example/open-1", day1);
  EXPECT_EQ(run(*p, "d2", "https://markets.example/open-2", day2), unique_json("d2"));
}

TEST_P(DedupTest, RecapQuotingAnEarlierStoryIsNotFlagged) {
  auto p = make();
  run(*p, "a1", "", story);
  const std::size_t cut = story.find("The opposition");
  const std::string recap = other_story +
                            "\n\nIn other news, the tea board's chairman resigned on Friday, "
                            "citing health reasons, and was replaced by his deputy.\n\n" +
                            story.substr(0, cut);
  EXPECT_EQ(run(*p, "r1", "", recap), unique_json("r1"));
}

TEST_P(DedupTest, FurnitureSeenInSeveralStoriesIsLearnedAndIgnored) {
  // A short story on a site whose header and footer are long: before the site's furniture is
  // known, a copy with other furniture shares too little; once the furniture lines have been
  // seen in four stories they are left out, and the copy is found.
  const std::string header =
      "Welcome to the Daily Example, your trusted source for regional news and weather updates\n\n";
  const std::string footer =
      "\n\nSubscribe today for unlimited access to every story, newsletter and archive page we publish";
  const std::string header2 =
      "Syndicated by Wire Partner Network, all rights reserved, redistribution strictly prohibited here\n\n";
  const std::string footer2 =
      "\n\nMore from our partners: markets, sport, culture and travel stories from around the world";
  const std::string short_story =
      "The city council voted to close the old harbour bridge to lorries from next month, "
      "after engineers found cracks in two of its supports.";
  static const char* const fillers[] = {
      "Schools reopen on Monday with new timetables and a longer lunch break for pupils.",
      "The weekend market will move to the cathedral square while the hall is repainted.",
      "Police asked drivers to avoid the ring road after a lorry shed its load of gravel.",
      "A local choir won first prize at the national festival with a programme of folk songs.",
      "Farmers expect a late harvest because the spring was cold and unusually wet this year.",
      "The museum extends its opening hours through August to cope with summer visitors.",
      "Two new bus lines will connect the university campus with the railway station soon.",
      "The football club signed a young goalkeeper from a second division team on loan.",
  };
  const auto filler = [](int i) { return std::string(fillers[i % 8]); };
  for (int furniture = 0; furniture <= 4; furniture += 4) {
    dedup_options o;
    o.furniture_stories = static_cast<uint32_t>(furniture);
    auto p = make(o);
    for (int i = 0; i < 4; ++i) {
      run(*p, "f" + std::string(1, static_cast<char>('a' + i)), "", header + filler(i) + footer);
      run(*p, "g" + std::string(1, static_cast<char>('a' + i)), "", header2 + filler(i + 4) + footer2);
    }
    run(*p, "s1", "", header + short_story + footer);
    const std::string out = run(*p, "s2", "", header2 + short_story + footer2);
    if (furniture == 0) {
      EXPECT_EQ(out, unique_json("s2"));
    } else {
      EXPECT_NE(out.find("\"status\":\"near_duplicate\",\"duplicate_of\":\"s1\""), std::string::npos) << out;
    }
  }
}

TEST_P(DedupTest, StoryIdStaysTheFirstCopyAcrossCopies) {
  auto p = make();
  run(*p, "a1", "", story);
  run(*p, "a2", "", "Header line one\n\n" + story);
  const std::string out = run(*p, "a3", "", story + "\n\nFooter line here");
  EXPECT_NE(out.find("\"duplicate_of\":\"a1\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"story_id\":\"a1\""), std::string::npos) << out;
}

TEST_P(DedupTest, IdDerivedFromCanonicalUrlOrBody) {
  auto p = make();
  const std::string first = run(*p, "", "https://www.one.example/rail/", story);
  const std::string again = run(*p, "", "http://one.example/rail", story);
  const auto story_of = [](const std::string& j) {
    const auto k = j.find("\"story_id\":\"") + 12;
    return j.substr(k, j.find('"', k) - k);
  };
  EXPECT_EQ(story_of(first).size(), 16u);
  EXPECT_EQ(story_of(first), story_of(again));
  EXPECT_NE(again.find("\"duplicate_of\":\"" + story_of(first) + "\""), std::string::npos);
  const std::string no_url = run(*p, "", "", other_story);
  EXPECT_EQ(story_of(no_url).size(), 16u);
  EXPECT_NE(story_of(no_url), story_of(first));
}

TEST_P(DedupTest, ARedeliveredArticleGetsItsFirstDecisionAndIsNotRememberedTwice) {
  auto p = make();
  const std::string near_copy = "From the wire desk.\n\n" + story.substr(0, story.size() * 4 / 5);
  const std::string a = run(*p, "a1", "https://one.example/rail", story);
  const std::string b = run(*p, "b1", "https://two.example/rail", near_copy);
  const std::string c = run(*p, "c1", "https://three.example/rail", story);
  ASSERT_NE(b.find("near_duplicate"), std::string::npos);
  const size_t remembered = p->store().size();
  // Kafka delivers all three again (a crash before their offsets were committed).
  verdict v{};
  EXPECT_EQ(run(*p, "a1", "https://one.example/rail", story), a);
  EXPECT_EQ(run(*p, "b1", "https://two.example/rail", near_copy, "A headline", &v), b);
  EXPECT_EQ(run(*p, "c1", "https://three.example/rail", story), c);
  EXPECT_EQ(p->store().size(), remembered);
  // c1 was never remembered (an exact copy of a1): it is simply found to be one again.
  EXPECT_EQ(metrics.get_counter("newsflow_dedup_redelivered_total", "").value(), 2u);
  // A different article under a reused id is judged on its own.
  EXPECT_EQ(run(*p, "a1", "https://one.example/tea", other_story), unique_json("a1"));
}

TEST_P(DedupTest, EntriesExpireAfterTheWindow) {
  dedup_options o;
  o.window_hours = 2;
  auto p = make(o);
  run(*p, "a1", "", story);
  clock.now += 2 * 3'600'000 - 1;
  EXPECT_NE(run(*p, "a2", "", story).find("\"duplicate\""), std::string::npos);
  clock.now += 2;  // a1 is now older than the window (a2 was never stored: an exact copy)
  EXPECT_EQ(run(*p, "a3", "", story), unique_json("a3"));
  EXPECT_EQ(metrics.get_counter("newsflow_dedup_evictions_total", "").value(), 1u);
}

TEST_P(DedupTest, OldestEvictedAtTheCap) {
  max_entries = 2;
  auto p = make();
  run(*p, "a1", "", story);
  run(*p, "b1", "", other_story);
  run(*p, "c1", "", "A third story about something else entirely, with enough words in it.");
  EXPECT_EQ(p->store().size(), 2u);
  EXPECT_EQ(metrics.get_gauge("newsflow_dedup_entries", "").value(), 2);
  EXPECT_EQ(run(*p, "a2", "", story), unique_json("a2"));  // a1 was the oldest
  EXPECT_NE(run(*p, "c2", "", "A third story about something else entirely, with enough words in it.")
                .find("\"duplicate_of\":\"c1\""),
            std::string::npos);
}

TEST_P(DedupTest, PolicyDropAndRoute) {
  dedup_options o;
  o.policy = dedup_policy::drop;
  auto p = make(o);
  verdict v = verdict::drop;
  run(*p, "a1", "", story, "h", &v);
  EXPECT_EQ(v, verdict::next);
  run(*p, "a2", "", story, "h", &v);
  EXPECT_EQ(v, verdict::drop);

  o.policy = dedup_policy::route;
  auto q = make(o);
  run(*q, "a1", "", story, "h", &v);
  EXPECT_EQ(last_route, "");
  run(*q, "a2", "", "Top of page\n\n" + story, "h", &v);
  EXPECT_EQ(v, verdict::next);
  EXPECT_EQ(last_route, "duplicates");

  auto m = make();  // mark
  run(*m, "a1", "", story, "h", &v);
  run(*m, "a2", "", story, "h", &v);
  EXPECT_EQ(v, verdict::next);
  EXPECT_EQ(last_route, "");
}

TEST_P(DedupTest, EmptyBodyIsUniqueAndNotRemembered) {
  auto p = make();
  EXPECT_EQ(run(*p, "e1", "", ""), unique_json("e1"));
  EXPECT_EQ(run(*p, "e2", "", ""), unique_json("e2"));
  EXPECT_EQ(p->store().size(), 0u);
}

TEST_P(DedupTest, LookupLatencyObserved) {
  auto p = make();
  run(*p, "a1", "", story);
  EXPECT_EQ(metrics.get_histogram("newsflow_dedup_lookup_seconds", "").count(), 1u);
  EXPECT_EQ(p->order(), ordering::input_order);
}

INSTANTIATE_TEST_SUITE_P(Stores, DedupTest,
                         ::testing::Values(store_kind::embedded, store_kind::redis),
                         [](const auto& info) {
                           return info.param == store_kind::redis ? "Redis" : "Embedded";
                         });

TEST(MemoryDedupStore, CountsBytesAndForgetsInOrder) {
  memory_dedup_store s(128, 16, 10);
  std::vector<minhash_value> sig(128);
  std::vector<uint32_t> keys(16);
  for (int i = 0; i < 25; ++i) {
    for (auto& v : sig) v = static_cast<minhash_value>(v * 31 + i + 1);
    for (auto& k : keys) k = k * 2654435761u + static_cast<uint32_t>(i) + 1;
    std::string id = "id";
    id += std::to_string(i);
    s.insert(dedup_record{.id = id, .story_id = id, .arrival_ms = i, .shingles = 10,
                          .body_key = static_cast<uint64_t>(i), .url_key = 0, .signature = sig,
                          .band_keys = keys});
  }
  EXPECT_EQ(s.size(), 10u);
  dedup_entry e;
  EXPECT_FALSE(s.find_body(14, e));
  ASSERT_TRUE(s.find_body(15, e));
  EXPECT_EQ(e.id, "id15");
  std::vector<uint64_t> refs;
  s.candidates(keys, refs);
  ASSERT_EQ(refs.size(), 1u);
  ASSERT_TRUE(s.read(refs[0], e));
  EXPECT_EQ(e.id, "id24");
  EXPECT_EQ(s.expire(20), 5u);
  EXPECT_EQ(s.size(), 5u);
  EXPECT_GT(s.memory_bytes(), 0u);
}

}  // namespace
}  // namespace newsflow

namespace newsflow {
namespace {

// Bytes per remembered article at the default signature size (printed for docs/benchmarks.md).
TEST(MemoryDedupStore, BytesPerRememberedArticle) {
  constexpr uint32_t length = 2 * 256;
  constexpr size_t n = 100'000;
  memory_dedup_store s(length, 16, n);
  std::vector<minhash_value> sig(length);
  std::vector<uint32_t> keys(16);
  uint64_t x = 88172645463325252ULL;
  std::string id;
  for (size_t i = 0; i < n; ++i) {
    for (auto& v : sig) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      v = static_cast<minhash_value>(x);
    }
    for (auto& k : keys) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      k = static_cast<uint32_t>(x);
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "m%07zu", i);  // 8-byte ids
    id = buf;
    s.insert(dedup_record{.id = id, .story_id = id, .arrival_ms = static_cast<int64_t>(i),
                          .shingles = 100, .masked_shingles = 90, .body_key = x,
                          .url_key = x | 1, .signature = sig, .band_keys = keys});
  }
  // Fixed part: the LSH bucket heads (and the furniture table, 4 MiB, off here).
  const double fixed = static_cast<double>(memory_dedup_store(length, 16, n).memory_bytes());
  const double per_entry = (static_cast<double>(s.memory_bytes()) - fixed) / n;
  const double signature = length * sizeof(minhash_value);
  std::cout << "[ bytes    ] per remembered article: " << per_entry << " ("
            << per_entry - signature << " index + " << signature << " signature), plus "
            << fixed / (1 << 20) << " MiB fixed\n";
  EXPECT_LT(per_entry, signature + 600);
}

}  // namespace
}  // namespace newsflow
