#include "processors/dedup/band_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <vector>

namespace newsflow {
namespace {

// The same questions answered by brute force over the live entries.
struct reference_index {
  uint32_t bands;
  uint32_t first = 0;
  std::deque<std::vector<uint32_t>> keys;  // per live entry, oldest first

  std::vector<uint32_t> find(const std::vector<uint32_t>& q, uint32_t max_walk) const {
    std::vector<uint32_t> hits;
    for (uint32_t b = 0; b < bands; ++b) {
      uint32_t walked = 0;
      for (size_t i = keys.size(); i-- > 0 && walked < max_walk;)
        if (keys[i][b] == q[b]) {
          hits.push_back(first + static_cast<uint32_t>(i));
          ++walked;
        }
    }
    std::sort(hits.begin(), hits.end());
    return hits;
  }
};

TEST(BandIndex, AgreesWithBruteForceThroughGrowthAndEviction) {
  constexpr uint32_t bands = 4;
  band_index index(bands);
  reference_index ref{bands, 0, {}};
  std::mt19937 rng(1);
  // Few distinct keys, so chains are long and slots are shared, erased and refilled.
  std::uniform_int_distribution<uint32_t> key(0, 3000);
  uint32_t next = 0;
  for (int step = 0; step < 60'000; ++step) {
    std::vector<uint32_t> k(bands);
    for (auto& x : k) x = key(rng) * 2654435761u;
    if (rng() % 3 != 0 || ref.keys.empty()) {
      index.push_back(next++, k);
      ref.keys.push_back(k);
    } else {
      index.pop_front();
      ref.keys.pop_front();
      ++ref.first;
    }
    if (step % 97 == 0) {
      std::vector<uint32_t> q = ref.keys.empty() ? k : ref.keys[rng() % ref.keys.size()];
      if (rng() % 2) q[rng() % bands] = k[0];
      for (uint32_t walk : {1u, 4u, 1000u}) {
        std::vector<uint32_t> hits;
        index.find(q, walk, hits);
        std::sort(hits.begin(), hits.end());
        ASSERT_EQ(hits, ref.find(q, walk)) << "step " << step << " walk " << walk;
      }
    }
  }
  EXPECT_EQ(index.size(), ref.keys.size());
  EXPECT_GT(index.memory_bytes(), 0u);
}

TEST(BandIndex, ForgettingEverythingLeavesNothingToFind) {
  band_index index(2);
  const std::vector<uint32_t> k = {7, 9};
  for (uint32_t i = 0; i < 5000; ++i) index.push_back(i, k);
  std::vector<uint32_t> hits;
  index.find(k, 3, hits);
  std::sort(hits.begin(), hits.end());
  EXPECT_EQ(hits, (std::vector<uint32_t>{4997, 4997, 4998, 4998, 4999, 4999}));
  for (uint32_t i = 0; i < 5000; ++i) index.pop_front();
  hits.clear();
  index.find(k, 3, hits);
  EXPECT_TRUE(hits.empty());
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace newsflow
