#include "processors/entities/hashed_key_table.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace newsflow {
namespace {

// Every key put in is found again with its value, through the table's growth, and keys
// never put in are not, including ones that share a first slot with stored keys.
TEST(HashedKeyTable, FindsWhatWasPutInThroughGrowth) {
  hashed_key_table<uint32_t> table;
  EXPECT_EQ(table.find(42), nullptr);  // empty
  constexpr uint64_t count = 5000;
  const auto key = [](uint64_t k) { return k * 0x9E3779B97F4A7C15ULL; };
  for (uint64_t k = 1; k <= count; ++k) {
    const auto [value, added] = table.emplace(key(k));
    ASSERT_TRUE(added);
    *value = static_cast<uint32_t>(k);
  }
  EXPECT_EQ(table.size(), count);
  for (uint64_t k = 1; k <= count; ++k) {
    const uint32_t* found = table.find(key(k));
    ASSERT_NE(found, nullptr) << k;
    EXPECT_EQ(*found, k);
  }
  for (uint64_t k = count + 1; k <= 2 * count; ++k) EXPECT_EQ(table.find(key(k)), nullptr) << k;
  // Keys equal in their low bits probe on to their own slots.
  hashed_key_table<uint32_t> clashing;
  for (uint64_t k = 1; k <= 100; ++k) *clashing.emplace(k << 40).first = static_cast<uint32_t>(k);
  for (uint64_t k = 1; k <= 100; ++k) EXPECT_EQ(*clashing.find(k << 40), k);
  EXPECT_EQ(clashing.find(101ULL << 40), nullptr);
}

// A key put in twice keeps one slot: the second emplace finds the first's value.
TEST(HashedKeyTable, AKeyPutInAgainFindsItsSlot) {
  hashed_key_table<uint32_t> table;
  *table.emplace(7).first = 1;
  const auto [value, added] = table.emplace(7);
  EXPECT_FALSE(added);
  EXPECT_EQ(*value, 1u);
  *value = 2;
  EXPECT_EQ(*table.find(7), 2u);
  EXPECT_EQ(table.size(), 1u);
}

}  // namespace
}  // namespace newsflow
