#include "processors/dedup/text_signature.h"

// Line keys hash whole token sequences: XXH3 inlined, not called through the shared library.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <limits>

#include "processors/dedup/hash_mix.h"
#include "processors/dedup/token_hashes.h"

namespace newsflow {

minhash_signer::minhash_signer(uint32_t num_hashes, uint32_t shingle_words)
    : seeds_(num_hashes), shingle_words_(std::max<uint32_t>(1, shingle_words)) {
  uint64_t s = 0x6e657773666c6f77ULL;  // "newsflow": fixed, so signatures are stable across runs
  for (uint64_t& seed : seeds_) {
    s += 0x9e3779b97f4a7c15ULL;
    seed = mix64(s);
  }
  first_probes_.resize(seeds_.size() * cached_probes);
  for (size_t i = 0; i < seeds_.size(); ++i)
    for (size_t a = 0; a < cached_probes; ++a)
      first_probes_[i * cached_probes + a] = static_cast<uint16_t>(probe(i, a + 1));
}

size_t minhash_signer::probe(size_t bin, uint64_t attempt) const {
  const uint64_t x = mix64(seeds_[bin] + attempt);
  return static_cast<size_t>(((x >> 32) * seeds_.size()) >> 32);
}

minhash_signer::result minhash_signer::sign(std::string_view body,
                                            std::vector<minhash_value>& signature,
                                            const line_classifier* furniture) {
  hash_tokens(body, all_);
  const std::span<const uint64_t> all_tokens = all_.hashes.span(), all_masked = all_.masked.span();
  const std::span<const uint32_t> line_ends = all_.line_ends.span();
  lines_.resize(line_ends.size());
  for (size_t l = 0, from = 0; l < line_ends.size(); from = line_ends[l++])
    lines_[l] = XXH3_64bits(all_tokens.data() + from, (line_ends[l] - from) * sizeof(uint64_t));
  // Furniture lines are left out unless that leaves too few words to sign.
  std::span<const uint64_t> tokens = all_tokens, masked_tokens = all_masked;
  furniture_.assign(lines_.size(), 0);
  if (furniture && !lines_.empty()) furniture->mark_furniture(lines_, furniture_);
  if (std::find(furniture_.begin(), furniture_.end(), 1) != furniture_.end()) {
    tokens_.clear();
    masked_tokens_.clear();
    for (size_t l = 0, from = 0; l < line_ends.size(); from = line_ends[l++]) {
      if (furniture_[l]) continue;
      tokens_.insert(tokens_.end(), all_tokens.begin() + from, all_tokens.begin() + line_ends[l]);
      masked_tokens_.insert(masked_tokens_.end(), all_masked.begin() + from,
                            all_masked.begin() + line_ends[l]);
    }
    if (tokens_.size() >= shingle_words_) {
      tokens = tokens_;
      masked_tokens = masked_tokens_;
    }
  }
  line_keys_.assign(lines_.begin(), lines_.end());
  std::sort(line_keys_.begin(), line_keys_.end());
  line_keys_.erase(std::unique(line_keys_.begin(), line_keys_.end()), line_keys_.end());
  const size_t n = seeds_.size();
  signature.resize(2 * n);
  // Shingles of both token sequences in one pass. A window without a number is the same
  // shingle in both, so it is hashed into the minima once; only windows with a number differ
  // (kept apart as written and masked). Tokens are avalanche hashes already, so a shingle is
  // their XOR, each rotated by its position (order matters): in effect simple tabulation
  // hashing over tokens, which serves min-wise hashing as well as a fully random hash
  // (Patrascu & Thorup 2012), with no further mixing per shingle.
  const size_t k = shingle_words_;
  // Each window is stored in both lists and kept in one (no branch to mispredict).
  const size_t windows = tokens.size() >= k ? tokens.size() - k + 1 : tokens.size();
  uint64_t* plain = plain_.reset(windows);
  uint64_t* numbered = numbered_.reset(windows);
  uint64_t* numbered_masked = numbered_masked_.reset(windows);
  size_t plains = 0, numbers = 0;
  const auto keep = [&](uint64_t h, uint64_t hm, bool has_number) {
    plain[plains] = h;
    numbered[numbers] = h;
    numbered_masked[numbers] = hm;
    plains += !has_number;
    numbers += has_number;
  };
  if (tokens.size() >= k) {
    for (size_t i = 0; i + k <= tokens.size(); ++i) {
      uint64_t h = 0, hm = 0;
      bool has_number = false;
      for (size_t j = 0; j < k; ++j) {
        h = std::rotl(h, 23) ^ tokens[i + j];
        hm = std::rotl(hm, 23) ^ masked_tokens[i + j];
        has_number |= tokens[i + j] != masked_tokens[i + j];
      }
      keep(h, hm, has_number);
    }
  } else {
    for (size_t i = 0; i < tokens.size(); ++i)
      keep(tokens[i], masked_tokens[i], tokens[i] != masked_tokens[i]);
  }
  plain_.set_size(plains);
  numbered_.set_size(numbers);
  numbered_masked_.set_size(numbers);

  // Distinct counts, for containment: the three lists are disjoint (a window with a number
  // holds a digit token as written and the placeholder masked), so one set serves them all.
  size_t slots = 64;
  while (slots < 2 * (plains + 2 * numbers)) slots *= 2;
  seen_.assign(slots, 0);
  const auto distinct = [&](std::span<const uint64_t> shingles) {
    uint32_t count = 0;
    for (uint64_t sh : shingles) {
      // 32-bit fingerprints (0 marks an empty slot): two of a thousand shingles collide with
      // probability ~10^-4, which miscounts by one.
      const uint32_t fp = static_cast<uint32_t>(sh >> 32) | 1;
      size_t i = static_cast<size_t>(sh) & (slots - 1);
      while (seen_[i] != 0 && seen_[i] != fp) i = (i + 1) & (slots - 1);
      count += seen_[i] == 0;
      seen_[i] = fp;
    }
    return count;
  };
  const uint32_t plain_count = distinct(plain_.span());
  result r;
  r.shingles = plain_count + distinct(numbered_.span());
  r.masked_shingles = plain_count + distinct(numbered_masked_.span());

  // One permutation hashing (Li, Owen & Zhang 2012) with optimal densification
  // (Shrivastava 2017): each shingle is hashed once; the top bits pick one of n bins and
  // each bin keeps its minimum, so two texts' bins agree with probability J as k
  // independent minima would, for one hash per shingle instead of n. Repeats do not change
  // a minimum. The plain windows' minima are shared by both signatures.
  plain_minima_.assign(n, std::numeric_limits<uint64_t>::max());
  fold(plain_.span(), plain_minima_.data());
  minima_ = plain_minima_;
  fold(numbered_.span(), minima_.data());
  if (r.shingles > 0) densify(minima_.data());
  for (size_t i = 0; i < n; ++i) signature[i] = static_cast<minhash_value>(minima_[i] >> 16);
  band_keys_.resize(std::min(n, max_band_keys));
  for (size_t i = 0; i < band_keys_.size(); ++i)
    band_keys_[i] = static_cast<uint32_t>(mix64(minima_[i] ^ (0x9e3779b97f4a7c15ULL * (i + 1))) >> 32);
  minima_ = plain_minima_;
  fold(numbered_masked_.span(), minima_.data());
  if (r.masked_shingles > 0) densify(minima_.data());
  for (size_t i = 0; i < n; ++i) signature[n + i] = static_cast<minhash_value>(minima_[i] >> 16);
  return r;
}

void minhash_signer::fold(std::span<const uint64_t> shingles, uint64_t* m) const {
  const size_t n = seeds_.size();
  // Shingles are avalanche hashes already: each is its own value under the one permutation.
  for (uint64_t v : shingles) {
    const size_t bin = static_cast<size_t>(((v >> 32) * n) >> 32);
    m[bin] = v < m[bin] ? v : m[bin];
  }
}

void minhash_signer::densify(uint64_t* m) {
  // An empty bin (short text) copies the bin that a fixed probe sequence of its own index
  // first finds filled, which keeps the bins' agreement probability J. The first probes of
  // every bin are computed once (constructor).
  const size_t n = seeds_.size();
  if (std::find(m, m + n, std::numeric_limits<uint64_t>::max()) == m + n) return;
  filled_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) filled_[i] = m[i] != std::numeric_limits<uint64_t>::max();
  for (size_t i = 0; i < n; ++i) {
    if (filled_[i]) continue;
    const uint16_t* probes = first_probes_.data() + i * cached_probes;
    size_t a = 0;
    while (a < cached_probes && !filled_[probes[a]]) ++a;
    if (a < cached_probes) {
      m[i] = m[probes[a]];
      continue;
    }
    for (uint64_t attempt = cached_probes + 1;; ++attempt) {
      const size_t j = probe(i, attempt);
      if (filled_[j]) {
        m[i] = m[j];
        break;
      }
    }
  }
}

double estimate_jaccard(std::span<const minhash_value> a, std::span<const minhash_value> b) {
  const size_t n = std::min(a.size(), b.size());
  if (n == 0) return 0.0;
  size_t same = 0;
  for (size_t i = 0; i < n; ++i) same += a[i] == b[i];
  // b-bit correction: unrelated minima agree by chance with probability 2^-bits.
  constexpr double chance = 1.0 / (1u << (8 * sizeof(minhash_value)));
  const double raw = static_cast<double>(same) / static_cast<double>(n);
  return std::clamp((raw - chance) / (1.0 - chance), 0.0, 1.0);
}

double containment_from_jaccard(double jaccard, uint32_t na, uint32_t nb) {
  const uint32_t smaller = std::min(na, nb);
  if (smaller == 0) return 0.0;
  const double inter = jaccard * (static_cast<double>(na) + nb) / (1.0 + jaccard);
  return std::min(1.0, inter / smaller);
}

}  // namespace newsflow
