#pragma once

#include <cstdint>

namespace newsflow {

// splitmix64's finalizer: a bijective avalanche mix of 64 bits (every input bit flips each
// output bit with probability ~1/2). Cheap enough to apply per token and per shingle.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace newsflow
