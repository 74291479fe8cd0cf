#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "processors/dedup/furniture_table.h"
#include "processors/dedup/scratch_buffer.h"
#include "processors/dedup/token_hashes.h"

namespace newsflow {

// MinHash signatures of the set of word `k`-shingles of a body: one of the text as written
// and one with numbers masked (positions num_hashes..2*num_hashes-1 of the signature). The
// two use the same hash functions, so shingles without numbers give both the same minima and
// the difference between the two similarity estimates comes from the numbers alone.
//
// Each distinct shingle (the hash of k consecutive token hashes) is hashed once and falls
// in one of `num_hashes` bins by its top bits (one permutation hashing, with densification
// of empty bins: see sign_set); position i of the signature keeps 8 bits of bin i's
// minimum (b-bit MinHash, Li & König 2010: two unrelated minima agree by chance with
// probability 1/256, which estimate_jaccard corrects for; 8 bits estimate J about as well
// as 16 at half the memory). Texts shorter than k words use their words as shingles.
// One value of a signature: the low bits of a bin's minimum (b-bit MinHash).
using minhash_value = uint8_t;

class minhash_signer {
 public:
  minhash_signer(uint32_t num_hashes, uint32_t shingle_words);

  struct result {
    uint32_t shingles = 0;         // distinct shingles (0: empty text)
    uint32_t masked_shingles = 0;  // distinct shingles with numbers masked
  };
  // Signs `body` into `signature` (resized to 2 * num_hashes). Buffers are reused. With
  // `furniture`, lines it knows as furniture are left out, unless that leaves fewer than
  // shingle_words words (then the whole text is signed).
  result sign(std::string_view body, std::vector<minhash_value>& signature,
              const line_classifier* furniture = nullptr);
  // Distinct line keys of the body last signed (for furniture_table::add).
  std::span<const uint64_t> line_keys() const { return line_keys_; }
  // LSH band keys of the body last signed: for each of the first min(num_hashes, 64) hash
  // functions, a 32-bit hash of the full 64-bit minimum (of the text as written) and the
  // function's index. Two bodies get the same key i exactly when the same shingle holds
  // minimum i in both (up to 2^-32), unlike the 8 bits kept in the signature.
  std::span<const uint32_t> band_keys() const { return band_keys_; }
  static constexpr size_t max_band_keys = 64;

  uint32_t num_hashes() const { return static_cast<uint32_t>(seeds_.size()); }

 private:
  std::vector<uint64_t> seeds_;  // per bin, the start of its densification probe sequence
  uint32_t shingle_words_;
  // Folds shingle hashes into bin minima `m` (num_hashes of them).
  void fold(std::span<const uint64_t> shingles, uint64_t* m) const;
  // Fills the empty bins of a non-empty text's minima.
  void densify(uint64_t* m);
  // Attempt `attempt` (from 1) of bin's densification probe sequence: a bin index.
  size_t probe(size_t bin, uint64_t attempt) const;
  // With 256 bins a text of 100 shingles leaves 2/3 of them empty: 8 probes find a filled
  // bin but for (2/3)^8 = 4% of them.
  static constexpr size_t cached_probes = 8;
  std::vector<uint16_t> first_probes_;  // cached_probes per bin (num_hashes <= 65536)

  token_sequence all_;                       // the whole body's tokens
  std::vector<uint64_t> lines_;              // key of each line, in order
  std::vector<uint8_t> furniture_;           // per line: left out
  std::vector<uint64_t> tokens_;             // the body without its furniture lines
  std::vector<uint64_t> masked_tokens_;
  std::vector<uint64_t> line_keys_;          // distinct line keys
  scratch_buffer<uint64_t> plain_;            // shingles of windows without a number
  scratch_buffer<uint64_t> numbered_;         // windows with a number, as written
  scratch_buffer<uint64_t> numbered_masked_;  // the same windows, numbers masked
  std::vector<uint64_t> plain_minima_;
  std::vector<uint64_t> minima_;
  std::vector<uint8_t> filled_;
  std::vector<uint32_t> seen_;
  std::vector<uint32_t> band_keys_;
};

// Estimated Jaccard similarity of two signatures of the same length.
double estimate_jaccard(std::span<const minhash_value> a, std::span<const minhash_value> b);

// From the estimated Jaccard J of two sets of sizes na and nb: the estimated share of the
// smaller set found in the larger (containment), |A∩B| / min(|A|,|B|) with
// |A∩B| = J(|A|+|B|)/(1+J). Capped at 1.
double containment_from_jaccard(double jaccard, uint32_t na, uint32_t nb);

}  // namespace newsflow
