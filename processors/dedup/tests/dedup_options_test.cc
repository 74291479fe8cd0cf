#include "processors/dedup/dedup_options.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "pipeline/metrics.h"
#include "pipeline/processor_registry.h"
#include "processors/dedup/dedup_processor.h"

namespace newsflow {
namespace {

::testing::AssertionResult has_error_starting(const config_errors& errors, const std::string& prefix) {
  for (const auto& e : errors.all())
    if (e.rfind(prefix, 0) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no error starting with '" << prefix << "' in:\n"
                                       << errors.joined();
}

TEST(DedupOptions, DefaultsWhenOnlyTypeIsGiven) {
  config_errors errors;
  const dedup_options o = parse_dedup_options(YAML::Load("type: dedup"), "chain[1]", errors);
  EXPECT_TRUE(errors.empty()) << errors.joined();
  EXPECT_EQ(o.policy, dedup_policy::mark);
  EXPECT_EQ(o.window_hours, 168);
  EXPECT_EQ(o.max_entries, 1000000);
  EXPECT_EQ(o.shingle_words, 3u);
  EXPECT_EQ(o.num_hashes, 256u);
  EXPECT_EQ(o.bands, 16u);
  EXPECT_DOUBLE_EQ(o.min_containment, 0.7);
  EXPECT_DOUBLE_EQ(o.min_jaccard, 0.3);
  EXPECT_DOUBLE_EQ(o.min_combined, 1.2);
  EXPECT_DOUBLE_EQ(o.max_number_gap, 0.12);
  EXPECT_EQ(o.furniture_stories, 4u);
}

TEST(DedupOptions, EveryOptionIsRead) {
  config_errors errors;
  YAML::Node effective;
  const dedup_options o = parse_dedup_options(
      YAML::Load("{type: dedup, policy: route, window_hours: 24, max_entries: 5000, "
                 "shingle_words: 4, num_hashes: 64, bands: 8, min_containment: 0.8, "
                 "min_jaccard: 0.4, min_combined: 1.3, max_number_gap: 0.2, furniture_stories: 0}"),
      "chain[1]", errors, &effective);
  EXPECT_TRUE(errors.empty()) << errors.joined();
  EXPECT_EQ(o.policy, dedup_policy::route);
  EXPECT_EQ(o.window_hours, 24);
  EXPECT_EQ(o.max_entries, 5000);
  EXPECT_EQ(o.shingle_words, 4u);
  EXPECT_EQ(o.num_hashes, 64u);
  EXPECT_EQ(o.bands, 8u);
  EXPECT_DOUBLE_EQ(o.min_containment, 0.8);
  EXPECT_DOUBLE_EQ(o.min_jaccard, 0.4);
  EXPECT_DOUBLE_EQ(o.min_combined, 1.3);
  EXPECT_DOUBLE_EQ(o.max_number_gap, 0.2);
  EXPECT_EQ(o.furniture_stories, 0u);
  EXPECT_EQ(effective["policy"].as<std::string>(), "route");
  EXPECT_EQ(effective["window_hours"].as<int64_t>(), 24);
  EXPECT_EQ(parse_dedup_options(YAML::Load("{policy: drop}"), "c", errors).policy, dedup_policy::drop);
}

TEST(DedupOptions, EachBadValueIsReportedUnderItsKey) {
  config_errors errors;
  parse_dedup_options(YAML::Load("{policy: delete, window_hours: 0, max_entries: -1, "
                                 "shingle_words: 9, num_hashes: 8, min_containment: 1.5, "
                                 "min_jaccard: x, min_combined: 3, max_number_gap: 2, "
                                 "furniture_stories: 300, windw_hours: 5}"),
                      "chain[2]", errors);
  EXPECT_TRUE(has_error_starting(errors, "chain[2].policy: must be one of mark, drop, route"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].window_hours:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].max_entries:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].shingle_words:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].num_hashes:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].min_containment:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].min_jaccard:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].min_combined:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].max_number_gap:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].furniture_stories:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[2].windw_hours")) << errors.joined();
}

TEST(DedupOptions, BandsCannotExceedHashes) {
  config_errors errors;
  parse_dedup_options(YAML::Load("{num_hashes: 16, bands: 32}"), "chain[1]", errors);
  EXPECT_TRUE(has_error_starting(errors, "chain[1].bands: must not exceed num_hashes (16)"))
      << errors.joined();
}

TEST(DedupOptions, FactoryRejectsBadOptions) {
  metrics_registry metrics;
  config_errors errors;
  processor_context context{metrics, {}, YAML::Node()};
  EXPECT_EQ(make_dedup_processor(YAML::Load("{policy: nope}"), "chain[1]", errors, context), nullptr);
  config_errors ok;
  auto p = make_dedup_processor(YAML::Load("{type: dedup}"), "chain[1]", ok, context);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name(), "dedup");
  EXPECT_EQ(context.effective_options["policy"].as<std::string>(), "mark");
}

TEST(DedupOptions, RedisStoreOptions) {
  config_errors errors;
  YAML::Node effective;
  const dedup_options o = parse_dedup_options(
      YAML::Load("{store: redis, redis: {address: 'redis.internal:6380', username: nf, "
                 "password: s3cret, database: 2, key_prefix: news-eu, timeout_ms: 250, "
                 "on_unavailable: pause, retry_ms: 2000}}"),
      "chain[1]", errors, &effective);
  EXPECT_TRUE(errors.empty()) << errors.joined();
  EXPECT_TRUE(o.redis);
  EXPECT_EQ(o.redis_options.address, "redis.internal:6380");
  EXPECT_EQ(o.redis_options.username, "nf");
  EXPECT_EQ(o.redis_options.password, "s3cret");
  EXPECT_EQ(o.redis_options.database, 2);
  EXPECT_EQ(o.redis_options.key_prefix, "news-eu");
  EXPECT_EQ(o.redis_options.timeout_ms, 250);
  EXPECT_EQ(o.redis_options.on_unavailable, unavailable_policy::pause);
  EXPECT_EQ(o.redis_options.retry_ms, 2000);
  EXPECT_EQ(effective["store"].as<std::string>(), "redis");
  EXPECT_EQ(effective["redis"]["password"].as<std::string>(), "(set)");  // never echoed
  EXPECT_EQ(effective["redis"]["on_unavailable"].as<std::string>(), "pause");

  const dedup_options d = parse_dedup_options(YAML::Load("{store: redis}"), "c", errors);
  EXPECT_EQ(d.redis_options.address, "127.0.0.1:6379");
  EXPECT_EQ(d.redis_options.key_prefix, "newsflow");
  EXPECT_EQ(d.redis_options.on_unavailable, unavailable_policy::unknown);
  EXPECT_FALSE(parse_dedup_options(YAML::Load("{type: dedup}"), "c", errors).redis);
}

TEST(DedupOptions, RedisMistakesAreReportedUnderTheirKeys) {
  config_errors errors;
  parse_dedup_options(YAML::Load("{store: redis, state_dir: state, redis: {timeout_ms: 0, "
                                 "on_unavailable: wait, key_prefix: 'a{b}', adress: x}}"),
                      "chain[1]", errors);
  EXPECT_TRUE(has_error_starting(errors, "chain[1].redis.timeout_ms:")) << errors.joined();
  EXPECT_TRUE(has_error_starting(errors, "chain[1].redis.on_unavailable:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[1].redis.key_prefix:"));
  EXPECT_TRUE(has_error_starting(errors, "chain[1].redis.adress"));
  EXPECT_TRUE(has_error_starting(errors, "chain[1].state_dir: not used with store: redis"));
  config_errors other;
  parse_dedup_options(YAML::Load("{store: memcached, redis: {address: x}}"), "chain[1]", other);
  EXPECT_TRUE(has_error_starting(other, "chain[1].store:")) << other.joined();
  EXPECT_TRUE(has_error_starting(other, "chain[1].redis: only used with store: redis"));
}

}  // namespace
}  // namespace newsflow
