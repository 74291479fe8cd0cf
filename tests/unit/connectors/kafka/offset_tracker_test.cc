#include "connectors/kafka/offset_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>

#include "connectors/kafka/delivery_token.h"

namespace newsflow {
namespace {

TEST(offset_tracker, watermark_moves_only_over_contiguous_handled_offsets) {
  offset_tracker t;
  const auto id = t.track("in", 2, 10);
  t.track("in", 2, 11);
  t.track("in", 2, 12);
  EXPECT_EQ(t.pending(), 3u);
  EXPECT_FALSE(t.done(id, 12));  // 10 and 11 still in flight: nothing may be committed
  EXPECT_FALSE(t.done(id, 11));
  auto moved = t.done(id, 10);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->topic, "in");
  EXPECT_EQ(moved->partition, 2);
  EXPECT_EQ(moved->next_offset, 13);  // 10, 11, 12 all handled: commit 13
  EXPECT_EQ(t.pending(), 0u);
  EXPECT_EQ(t.partition_number(id), 2);
}

TEST(offset_tracker, partitions_are_independent_and_duplicate_acks_are_ignored) {
  offset_tracker t;
  const auto a = t.track("in", 0, 5);
  const auto b = t.track("in", 1, 7);
  EXPECT_NE(a, b);
  EXPECT_EQ(t.track("in", 0, 6), a);
  ASSERT_TRUE(t.done(b, 7));
  EXPECT_EQ(t.pending("in", 0), 2u);
  EXPECT_EQ(t.pending("in", 1), 0u);
  ASSERT_TRUE(t.done(a, 5));
  EXPECT_FALSE(t.done(a, 5));   // acknowledged twice
  EXPECT_FALSE(t.done(a, 99));  // never tracked
  EXPECT_EQ(t.done(a, 6)->next_offset, 7);
}

TEST(offset_tracker, forgotten_partitions_ignore_late_acknowledgements) {
  offset_tracker t;
  const auto id = t.track("in", 0, 1);
  t.track("in", 0, 2);
  t.forget("in", 0);
  EXPECT_EQ(t.pending(), 0u);
  EXPECT_FALSE(t.done(id, 1));
  // Assigned again later, starting from the committed offset.
  EXPECT_EQ(t.track("in", 0, 1), id);
  EXPECT_EQ(t.done(id, 1)->next_offset, 2);
}

TEST(offset_tracker, a_partition_that_comes_back_resumes_after_what_was_handled) {
  offset_tracker t;
  EXPECT_FALSE(t.resume_offset("in", 0));
  const auto id = t.track("in", 0, 40);
  t.track("in", 0, 41);
  t.track("in", 0, 42);
  EXPECT_EQ(t.resume_offset("in", 0), 40);
  t.done(id, 40);
  t.done(id, 42);  // 41 is still in flight when the partition is revoked
  t.forget("in", 0);
  EXPECT_EQ(t.resume_offset("in", 0), 41);  // 41 must be consumed again, 40 must not
  t.track("in", 0, 41);
  t.done(id, 41);
  EXPECT_EQ(t.resume_offset("in", 0), 42);
}

TEST(offset_tracker, a_redelivered_offset_starts_the_partition_afresh) {
  offset_tracker t;
  const auto id = t.track("in", 0, 10);
  t.track("in", 0, 11);
  t.track("in", 0, 10);  // consumed again from 10 (seek, or re-assignment without revoke)
  EXPECT_EQ(t.pending(), 1u);
  EXPECT_EQ(t.done(id, 10)->next_offset, 11);
}

// Acknowledgements from another thread in random order: the final watermark is exact and
// never passes an offset that was not handled.
TEST(offset_tracker, concurrent_out_of_order_acknowledgements) {
  offset_tracker t;
  constexpr int n = 20000;
  std::vector<int64_t> offsets;
  offset_tracker::partition_id id = 0;
  for (int i = 0; i < n; ++i) {
    id = t.track("in", 3, 100 + i);
    offsets.push_back(100 + i);
  }
  std::shuffle(offsets.begin(), offsets.end(), std::mt19937(9));
  int64_t high = 0;
  std::thread acker([&] {
    std::vector<bool> handled(n);
    for (int64_t o : offsets) {
      handled[static_cast<size_t>(o - 100)] = true;
      if (auto m = t.done(id, o)) {
        EXPECT_GT(m->next_offset, high);
        for (int64_t k = 100; k < m->next_offset; ++k) EXPECT_TRUE(handled[static_cast<size_t>(k - 100)]);
        high = m->next_offset;
      }
    }
  });
  acker.join();
  EXPECT_EQ(high, 100 + n);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(delivery_token, packs_partition_id_and_offset) {
  const uint64_t token = delivery_token::make(513, 123456789012);
  EXPECT_EQ(delivery_token::partition(token), 513u);
  EXPECT_EQ(delivery_token::offset(token), 123456789012);
  EXPECT_TRUE(delivery_token::fits(delivery_token::offset_mask));
  EXPECT_FALSE(delivery_token::fits(-1));
}

}  // namespace
}  // namespace newsflow
