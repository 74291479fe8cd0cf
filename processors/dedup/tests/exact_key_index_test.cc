#include "processors/dedup/exact_key_index.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace newsflow {
namespace {

TEST(ExactKeyIndex, AgreesWithAMapThroughGrowthAndDeletion) {
  exact_key_index index;
  std::unordered_map<uint64_t, uint32_t> ref;
  std::mt19937_64 rng(3);
  // Few distinct keys (including 0), so probe runs form, break and re-form.
  auto key = [&] { return (rng() % 5000) * 0x9e3779b97f4a7c15ULL; };
  for (uint32_t step = 0; step < 200'000; ++step) {
    const uint64_t k = key();
    switch (rng() % 4) {
      case 0:
        EXPECT_EQ(index.insert(k, step), ref.try_emplace(k, step).second);
        break;
      case 1:
        index.assign(k, step);
        ref[k] = step;
        break;
      default: {
        const auto it = ref.find(k);
        const uint32_t v = it == ref.end() ? step : (rng() % 2 ? it->second : it->second + 1);
        index.erase_if_equal(k, v);
        if (it != ref.end() && it->second == v) ref.erase(it);
      }
    }
    if (step % 1000 == 0)
      for (uint64_t probe = 0; probe < 5000; probe += 7) {
        const uint64_t pk = probe * 0x9e3779b97f4a7c15ULL;
        const auto it = ref.find(pk);
        ASSERT_EQ(index.find(pk), it == ref.end() ? exact_key_index::none : it->second) << step;
      }
  }
  EXPECT_EQ(index.size(), ref.size());
}

}  // namespace
}  // namespace newsflow
