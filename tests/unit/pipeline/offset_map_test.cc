#include "pipeline/offset_map.h"

#include <gtest/gtest.h>

namespace newsflow {
namespace {

TEST(offset_map, empty_map_is_identity) {
  offset_map m;
  EXPECT_TRUE(m.identity());
  EXPECT_EQ(m.original(0), 0u);
  EXPECT_EQ(m.original(1234), 1234u);
}

TEST(offset_map, maps_through_the_last_anchor_before_a_position) {
  // "  a  b" -> "a b": a came from 2, b from 5.
  offset_map m;
  m.add(0, 2);
  m.add(2, 5);
  EXPECT_EQ(m.original(0), 2u);
  EXPECT_EQ(m.original(1), 3u);
  EXPECT_EQ(m.original(2), 5u);
  EXPECT_EQ(m.original(3), 6u);
}

TEST(offset_map, skips_anchors_that_do_not_change_the_shift) {
  offset_map m;
  m.add(0, 0);
  EXPECT_TRUE(m.identity());
  m.add(5, 7);
  m.add(6, 8);  // same shift as the anchor before
  EXPECT_EQ(m.original(6), 8u);
  EXPECT_EQ(m.original(10), 12u);
}

}  // namespace
}  // namespace newsflow
