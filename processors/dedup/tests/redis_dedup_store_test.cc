#include "processors/dedup/redis_dedup_store.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <atomic>
#include <deque>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "pipeline/metrics.h"
#include "processors/dedup/dedup_processor.h"
#include "processors/dedup/redis_connection.h"
#include "processors/dedup/tests/redis_test_server.h"

namespace newsflow {
namespace {

// A news-like text of `words` words, its own for each seed.
std::string text_of(uint32_t seed, size_t words = 150) {
  static const char* const vocabulary[] = {
      "minister", "said", "on", "Monday", "the", "government", "would", "council", "vote",
      "harbour", "bridge", "rail", "line", "tea", "harvest", "prices", "fell", "rose", "after",
      "talks", "in", "Brussels", "Lisbon", "Nairobi", "farmers", "police", "court", "ruled",
      "budget", "plan", "opposition", "argued", "money", "schools", "reopen", "museum", "club",
      "signed", "goalkeeper", "election", "results", "showed", "a", "narrow", "lead", "for",
      "mayor", "city", "river", "valley", "tunnel", "engineers", "expect", "delays", "until"};
  std::mt19937 rng(seed);
  std::string out;
  for (size_t i = 0; i < words; ++i) {
    out += vocabulary[rng() % std::size(vocabulary)];
    out += (i % 25 == 24) ? ".\n\n" : " ";
  }
  return out;
}

struct harness {
  explicit harness(std::string address, std::string prefix, redis_store_options r = {},
                   uint64_t max_entries = 1000) {
    r.address = std::move(address);
    r.key_prefix = std::move(prefix);
    options.redis = true;
    options.redis_options = r;
    options.max_entries = static_cast<int64_t>(max_entries);
    store = std::make_shared<redis_dedup_store>(redis_dedup_store::options{
        .redis = r, .max_entries = max_entries, .window_ms = options.window_hours * 3'600'000});
    processor = std::make_unique<dedup_processor>(options, metrics, store);
  }
  harness(std::string address, std::string prefix, std::shared_ptr<dedup_store> s) {
    options.redis = true;
    options.redis_options.address = std::move(address);
    options.redis_options.key_prefix = std::move(prefix);
    processor = std::make_unique<dedup_processor>(options, metrics, std::move(s));
  }

  // The dedup member's status and duplicate_of, e.g. "near_duplicate a1" or "unique".
  std::string run(const std::string& id, const std::string& url, const std::string& body) {
    article a;
    a.clear();
    a.id.set(id);
    if (!url.empty()) a.url.set(url);
    a.body = body;
    EXPECT_TRUE(processor->process(a).has_value());
    return decision_of(a);
  }

  // The two steps of a pipelined run, as the runner calls them: begin() for several
  // articles in order, then process() for each in the same order.
  void begin(const std::string& id, const std::string& body) {
    article& a = begun.emplace_back();
    a.clear();
    a.id.set(id);
    a.body = body;
    processor->begin(a);
  }
  std::string finish_next() {
    article a = std::move(begun.front());
    begun.pop_front();
    EXPECT_TRUE(processor->process(a).has_value());
    return decision_of(a);
  }

  // "status duplicate_of story_id", e.g. "near_duplicate a1 a1", or "unique" (story: own id).
  static std::string decision_of(const article& a) {
    const auto field = [&](const std::string& name) {
      const size_t k = a.enrichment.find("\"" + name + "\":");
      if (k == std::string::npos) return std::string("?");
      const size_t v = k + name.size() + 3;
      if (a.enrichment.compare(v, 4, "null") == 0) return std::string();
      return a.enrichment.substr(v + 1, a.enrichment.find('"', v + 1) - v - 1);
    };
    const std::string status = field("status"), of = field("duplicate_of");
    if (of.empty()) return status;
    const std::string story = field("story_id");
    return story == of ? status + " " + of : status + " " + of + " story " + story;
  }

  uint64_t counter(const std::string& name) { return metrics.get_counter(name, "").value(); }

  dedup_options options;
  metrics_registry metrics;
  std::shared_ptr<redis_dedup_store> store;
  std::unique_ptr<dedup_processor> processor;
  std::deque<article> begun;
};

// Runs `hook` once, just before the wrapped store's first claim: another instance acting
// between this one's lookup and its claim.
class claim_interceptor final : public dedup_store {
 public:
  claim_interceptor(std::shared_ptr<dedup_store> inner, std::function<void()> hook)
      : inner_(std::move(inner)), hook_(std::move(hook)) {}
  void mark_furniture(std::span<const uint64_t> l, std::span<uint8_t> f) const override {
    inner_->mark_furniture(l, f);
  }
  void add_lines(std::span<const uint64_t> l, uint64_t s) override { inner_->add_lines(l, s); }
  bool fetch(const dedup_record& r) override { return inner_->fetch(r); }
  claim_outcome claim(const dedup_record& r, size_t& evicted) override {
    if (hook_) std::exchange(hook_, nullptr)();
    return inner_->claim(r, evicted);
  }
  bool find_body(uint64_t k, dedup_entry& e) override { return inner_->find_body(k, e); }
  bool find_url(uint64_t k, dedup_entry& e) override { return inner_->find_url(k, e); }
  void candidates(std::span<const uint32_t> b, std::vector<uint64_t>& r) override {
    inner_->candidates(b, r);
  }
  bool read(uint64_t ref, dedup_entry& e) override { return inner_->read(ref, e); }
  size_t insert(const dedup_record& r) override { return inner_->insert(r); }
  size_t expire(int64_t c) override { return inner_->expire(c); }
  size_t size() const override { return inner_->size(); }
  size_t memory_bytes() const override { return inner_->memory_bytes(); }

 private:
  std::shared_ptr<dedup_store> inner_;
  std::function<void()> hook_;
};

class RedisDedupStore : public ::testing::Test {
 protected:
  testing::redis_test_server server;
};

TEST_F(RedisDedupStore, TwoInstancesSeeEachOthersCopies) {
  harness one(server.address(), "shared"), two(server.address(), "shared");
  const std::string story = text_of(1), other = text_of(2);
  EXPECT_EQ(one.run("a1", "https://one.example/a", story), "unique");
  EXPECT_EQ(two.run("a2", "https://two.example/a", story), "duplicate a1");
  EXPECT_EQ(two.run("b1", "https://two.example/b", other), "unique");
  EXPECT_EQ(one.run("b2", "https://one.example/b", "Live: " + other + " More soon."), "near_duplicate b1");
  // Another prefix is another memory.
  harness three(server.address(), "elsewhere");
  EXPECT_EQ(three.run("a3", "", story), "unique");
}

TEST_F(RedisDedupStore, InstancesRacingOnOneStoryAgreeOnOneOriginal) {
  for (const bool exact : {true, false}) {
    SCOPED_TRACE(exact ? "exact copies" : "near copies");
    const std::string prefix = exact ? "race-exact" : "race-near";
    const std::string story = text_of(10), copy = exact ? story : "From the wire: " + text_of(10, 140);
    harness two(server.address(), prefix);
    // Instance one's copy has a candidate (the page last seen at its URL, another story), so
    // it has a decision to take between its lookup and its claim; instance two gets the
    // other copy just then.
    harness seed(server.address(), prefix);
    EXPECT_EQ(seed.run("old", "https://one.example/live", text_of(11)), "unique");
    redis_store_options r;
    r.address = server.address();
    r.key_prefix = prefix;
    auto inner = std::make_shared<redis_dedup_store>(
        redis_dedup_store::options{.redis = r, .max_entries = 1000});
    std::string second;
    auto intercepted = std::make_shared<claim_interceptor>(
        inner, [&] { second = two.run("x2", "https://two.example/x", story); });
    harness one(server.address(), prefix, intercepted);
    // The first lookup claimed the story: the copy decided meanwhile names it.
    EXPECT_EQ(one.run("x1", "https://one.example/live", copy), "unique");
    EXPECT_EQ(second, exact ? "duplicate x1" : "near_duplicate x1");
  }
}

TEST_F(RedisDedupStore, ANearCopysDecisionIsWhatOtherInstancesRead) {
  harness one(server.address(), "decided"), two(server.address(), "decided");
  const std::string story = text_of(40), copy = "Updated: " + text_of(40, 140);
  EXPECT_EQ(one.run("o1", "", story), "unique");
  EXPECT_EQ(two.run("n1", "", copy), "near_duplicate o1");
  // An exact copy of the near copy names it, in the original's story; a redelivery of the
  // near copy to the other instance gets its first decision.
  article a;
  a.clear();
  a.id.set("n2");
  a.body = copy;
  ASSERT_TRUE(one.processor->process(a).has_value());
  EXPECT_NE(a.enrichment.find("\"duplicate_of\":\"n1\""), std::string::npos) << a.enrichment;
  EXPECT_NE(a.enrichment.find("\"story_id\":\"o1\""), std::string::npos) << a.enrichment;
  EXPECT_EQ(one.run("n1", "", copy), "near_duplicate o1");
  EXPECT_EQ(one.counter("newsflow_dedup_redelivered_total"), 1u);
}

TEST_F(RedisDedupStore, UnreachableWithUnknownPolicyPassesArticlesOnAndRecovers) {
  redis_store_options r;
  r.retry_ms = 20;
  harness h(server.address(), "p", r);
  const std::string story = text_of(20);
  EXPECT_EQ(h.run("a1", "", story), "unique");
  server.stop();
  EXPECT_EQ(h.run("a2", "", story), "unknown");
  EXPECT_EQ(h.run("a3", "", text_of(21)), "unknown");
  EXPECT_EQ(h.counter("newsflow_dedup_unknown_total"), 2u);
  EXPECT_GE(h.counter("newsflow_dedup_store_failures_total"), 2u);
  EXPECT_EQ(h.metrics.get_gauge("newsflow_dedup_store_up", "").value(), 0);
  // A new Redis (this one keeps nothing on disk): the daemon carries on without a restart.
  server.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(h.run("a4", "", story), "unique");
  EXPECT_EQ(h.run("a5", "", story), "duplicate a4");
  EXPECT_EQ(h.metrics.get_gauge("newsflow_dedup_store_up", "").value(), 1);
}

TEST_F(RedisDedupStore, UnreachableWithPausePolicyWaitsForRedis) {
  redis_store_options r;
  r.retry_ms = 20;
  r.on_unavailable = unavailable_policy::pause;
  harness h(server.address(), "p", r);
  const std::string story = text_of(30);
  EXPECT_EQ(h.run("a1", "", story), "unique");
  server.stop();
  std::atomic<bool> done = false;
  std::string decision;
  std::thread waiting([&] {
    decision = h.run("a2", "", text_of(31));
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(done);
  server.start();
  waiting.join();
  EXPECT_EQ(decision, "unique");  // decided, not "unknown"
  EXPECT_EQ(h.counter("newsflow_dedup_unknown_total"), 0u);
  EXPECT_GE(h.counter("newsflow_dedup_store_failures_total"), 1u);
}

TEST_F(RedisDedupStore, APrefixHoldingOtherSettingsIsRefused) {
  redis_store_options r;
  r.address = server.address();
  r.key_prefix = "settings";
  redis_dedup_store first(redis_dedup_store::options{.redis = r, .num_hashes = 256});
  try {
    redis_dedup_store second(redis_dedup_store::options{.redis = r, .num_hashes = 128});
    FAIL() << "a prefix with signatures of another length was accepted";
  } catch (const dedup_state_error& e) {
    EXPECT_NE(std::string(e.what()).find("other settings"), std::string::npos) << e.what();
  }
}

TEST_F(RedisDedupStore, ForgottenEntriesLeaveNothingBehindInRedis) {
  harness h(server.address(), "cap", {}, 20);
  for (uint32_t i = 0; i < 100; ++i) {
    const std::string n = std::to_string(i);  // (not "s" + to_string: GCC 12's -Wrestrict false alarm)
    EXPECT_EQ(h.run(std::string("s").append(n), std::string("https://x.example/").append(n), text_of(100 + i)),
              "unique");
  }
  EXPECT_EQ(h.store->size(), 20u);
  EXPECT_EQ(h.counter("newsflow_dedup_evictions_total"), 80u);
  // What the indexes still hold names only the 20 live entries.
  redis_store_options r;
  r.address = server.address();
  redis_connection c(r, {});
  redis_args args;
  const auto run = [&](std::initializer_list<std::string_view> words) {
    args.clear();
    for (std::string_view w : words) args.add(w);
    redis_reply reply = c.command(args);
    EXPECT_TRUE(reply);
    return reply;
  };
  std::set<std::string> live;
  const redis_reply members = run({"ZRANGE", "{cap}:z", "0", "-1"});
  for (size_t i = 0; i < members->elements; ++i) live.emplace(members->element[i]->str, members->element[i]->len);
  EXPECT_EQ(live.size(), 20u);
  EXPECT_EQ(run({"KEYS", "{cap}:e:*"})->elements, 20u);
  for (const char* index : {"b", "u", "k"}) {
    SCOPED_TRACE(index);
    size_t named = 0;
    const redis_reply keys = run({"KEYS", std::string("{cap}:") + index + ":*"});
    for (size_t i = 0; i < keys->elements; ++i) {
      const redis_reply values = run({"HVALS", std::string_view(keys->element[i]->str, keys->element[i]->len)});
      for (size_t j = 0; j < values->elements; ++j) {
        std::istringstream refs(std::string(values->element[j]->str, values->element[j]->len));
        for (std::string ref; refs >> ref; ++named) EXPECT_TRUE(live.contains(ref)) << ref;
      }
    }
    // Each live entry once per body, URL and band (a band list keeps the newest 4 per key).
    if (std::string_view(index) == "k") EXPECT_EQ(named, 20u * 16); else EXPECT_EQ(named, 20u);
  }
}

TEST_F(RedisDedupStore, PipelinedLookupsDecideAsOneAtATime) {
  // O, then three copies whose lookups are all sent before any is decided: n1 and n2 near
  // copies (n2 closer to n1 than to O), e an exact copy of n1. When n2's and e's lookups
  // ran, n1's entry still said "unique"; its decision, kept by the store, corrects them.
  const std::string story = text_of(60, 160);
  const std::string n1 = "Updated: " + story.substr(0, story.size() * 9 / 10);
  const std::string n2 = "Updated again: " + n1 + " Officials gave no more details.";
  harness piped(server.address(), "piped");
  ASSERT_TRUE(piped.processor->split_in_order());
  EXPECT_EQ(piped.run("o", "", story), "unique");
  piped.begin("n1", n1);
  piped.begin("n2", n2);
  piped.begin("e", n1);
  piped.begin("u", text_of(61));
  const std::vector<std::string> got = {piped.finish_next(), piped.finish_next(), piped.finish_next(),
                                        piped.finish_next()};
  // The same articles one at a time, in a memory store.
  dedup_options o;
  metrics_registry metrics;
  dedup_processor embedded(o, metrics);
  std::vector<std::string> expected;
  for (const auto& [id, body] : std::vector<std::pair<std::string, std::string>>{
           {"o", story}, {"n1", n1}, {"n2", n2}, {"e", n1}, {"u", text_of(61)}}) {
    article a;
    a.clear();
    a.id.set(id);
    a.body = body;
    ASSERT_TRUE(embedded.process(a).has_value());
    expected.push_back(harness::decision_of(a));
  }
  expected.erase(expected.begin());
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got[0], "near_duplicate o");
  EXPECT_EQ(got[2], "duplicate n1 story o");
  EXPECT_EQ(got[3], "unique");
}

TEST_F(RedisDedupStore, APipelineBrokenByRedisGoingAwayIsRedoneInOrder) {
  for (const auto policy : {unavailable_policy::unknown, unavailable_policy::pause}) {
    SCOPED_TRACE(policy == unavailable_policy::pause ? "pause" : "unknown");
    redis_store_options r;
    r.retry_ms = 20;
    r.on_unavailable = policy;
    const std::string prefix = policy == unavailable_policy::pause ? "broken-pause" : "broken-unknown";
    harness h(server.address(), prefix, r);
    const std::string a = text_of(70), b = "Breaking: " + text_of(70, 140);
    EXPECT_EQ(h.run("first", "", text_of(71)), "unique");  // connected, pipelining on
    {
      // Redis takes both lookups (b's goes out before a is decided) and goes away unanswering.
      redis_store_options o;
      o.address = server.address();
      redis_connection admin(o, {});
      redis_args pause;
      pause.add("CLIENT").add("PAUSE").add("10000").add("ALL");
      ASSERT_TRUE(admin.command(pause));
    }
    h.begin("a", a);
    h.begin("b", b);
    server.stop();
    std::vector<std::string> got;
    std::thread finishing([&] {
      got.push_back(h.finish_next());
      got.push_back(h.finish_next());
    });
    if (policy == unavailable_policy::pause) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      server.start();  // empty: both are looked up again, a before b
    }
    finishing.join();
    if (policy == unavailable_policy::pause) {
      EXPECT_EQ(got, (std::vector<std::string>{"unique", "near_duplicate a"}));
    } else {
      EXPECT_EQ(got, (std::vector<std::string>{"unknown", "unknown"}));
      server.start();
    }
    // And it goes on: pipelined again.
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_EQ(h.run("c", "", text_of(72)), "unique");
    h.begin("d", text_of(72));
    EXPECT_EQ(h.finish_next(), "duplicate c");
  }
}

}  // namespace
}  // namespace newsflow
