#include "processors/dedup/text_signature.h"

// Line keys hash whole token sequences: XXH3 inlined, not called through the shared library.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstring>

#include <algorithm>
#include <array>
#include <bit>
#include <limits>

#include "pipeline/utf8.h"

namespace newsflow {
namespace {

bool ascii_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ASCII byte -> what the tokenizer does with it: a lower-cased letter or digit (> 2) joins
// the token; 0 separates; 1 (apostrophe) is dropped; 2 ('&') may start a character reference.
// One table look-up instead of a chain of range tests on every byte.
constexpr std::array<uint8_t, 128> ascii_classes = [] {
  std::array<uint8_t, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c);
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c);
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c - 'A' + 'a');
  t['\''] = 1;
  t['&'] = 2;
  return t;
}();

bool apostrophe(int32_t cp) { return cp == 0x27 || cp == 0x2018 || cp == 0x2019 || cp == 0x02BC; }

bool separator_cp(int32_t cp) {
  return (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) ||
         (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF01 && cp <= 0xFF0F) || cp == 0xFEFF || cp == 0xFFFD;
}

// Length of an HTML character reference at s[i] ('&'), or 0. Sets `is_apostrophe`.
// A double-escaped reference (&amp;#39;) counts as one.
size_t entity_length(std::string_view s, size_t i, bool& is_apostrophe) {
  size_t j = i + 1;
  if (s.substr(j, 4) == "amp;" && j + 4 < s.size() &&
      (s[j + 4] == '#' || ascii_alnum(static_cast<unsigned char>(s[j + 4])))) {
    j += 4;  // &amp;name; -> look at name;
  }
  const size_t name_start = j;
  if (j < s.size() && s[j] == '#') ++j;
  while (j < s.size() && j - name_start <= 8 && ascii_alnum(static_cast<unsigned char>(s[j]))) ++j;
  if (j >= s.size() || s[j] != ';' || j == name_start) return 0;
  const std::string_view name = s.substr(name_start, j - name_start);
  is_apostrophe = name == "#39" || name == "#x27" || name == "apos" || name == "rsquo" ||
                  name == "lsquo" || name == "#8217" || name == "#x2019";
  return j + 1 - i;
}

inline uint64_t mix64(uint64_t x) {
  // splitmix64 finalizer: a bijective avalanche mix.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

void hash_tokens(std::string_view body, std::vector<uint64_t>& out, std::vector<uint64_t>* masked) {
  // The placeholder of masked numbers: no token hashes to it in practice (64-bit).
  constexpr uint64_t number_placeholder = 0x23235f6e756d2323ULL;
  out.clear();
  if (masked) masked->clear();
  // Each token is hashed as it is read (FNV-1a over its bytes, then a full avalanche), with
  // no copy of the token: this loop reads every byte of every article.
  constexpr uint64_t fnv_offset = 0xcbf29ce484222325ULL, fnv_prime = 0x100000001b3ULL;
  uint64_t th = fnv_offset;
  size_t len = 0;
  bool digit = false;
  auto flush = [&] {
    if (len != 0) {
      const uint64_t h = mix64(th ^ len);
      out.push_back(h);
      if (masked) masked->push_back(digit ? number_placeholder : h);
      th = fnv_offset;
      len = 0;
    }
    digit = false;
  };
  const auto* bytes = reinterpret_cast<const unsigned char*>(body.data());
  size_t i = 0;
  while (i < body.size()) {
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      const uint8_t t = ascii_classes[c];
      if (t > 2) {
        digit |= t <= '9';
        th = (th ^ t) * fnv_prime;
        ++len;
      } else if (t == 1) {
        // dropped inside a word, a separator elsewhere: either way nothing to add
      } else if (t == 2) {
        bool apos = false;
        const size_t ref_len = entity_length(body, i, apos);
        if (ref_len > 0) {
          if (!apos) flush();
          i += ref_len;
          continue;
        }
        flush();
      } else {
        flush();
      }
      ++i;
      continue;
    }
    const size_t remaining = body.size() - i;
    const size_t need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (need > remaining) break;  // body is valid UTF-8; guard anyway
    size_t cp_len = 0;
    const int32_t cp = utf8_decode_valid(bytes, i, cp_len);
    if (apostrophe(cp)) {
      // dropped
    } else if (separator_cp(cp)) {
      flush();
    } else {
      for (size_t k = 0; k < cp_len; ++k) th = (th ^ bytes[i + k]) * fnv_prime;
      len += cp_len;
    }
    i += cp_len;
  }
  flush();
}

minhash_signer::minhash_signer(uint32_t num_hashes, uint32_t shingle_words)
    : seeds_(num_hashes), offsets_(num_hashes), shingle_words_(std::max<uint32_t>(1, shingle_words)) {
  uint64_t s = 0x6e657773666c6f77ULL;  // "newsflow": fixed, so signatures are stable across runs
  for (size_t i = 0; i < seeds_.size(); ++i) {
    s += 0x9e3779b97f4a7c15ULL;
    seeds_[i] = mix64(s) | 1;
    s += 0x9e3779b97f4a7c15ULL;
    offsets_[i] = mix64(s);
  }
}

furniture_table::furniture_table(uint32_t min_stories, uint32_t slots_log2)
    : slots_(min_stories > 0 ? size_t{1} << slots_log2 : 1, 0),
      mask_(min_stories > 0 ? (uint64_t{1} << slots_log2) - 1 : 0),
      min_stories_(min_stories) {}

void furniture_table::add(std::span<const uint64_t> line_keys, uint64_t story_key) {
  if (min_stories_ == 0) return;
  const uint32_t tag = static_cast<uint32_t>(story_key >> 40) << 8;  // 24 bits
  for (uint64_t key : line_keys) {
    uint32_t& s = slots_[key & mask_];
    if ((s & 0xFFFFFF00u) == tag) continue;  // this story already counted here
    const uint32_t count = s & 0xFF;
    s = tag | (count < 0xFF ? count + 1 : count);
    if (++updates_ > mask_) {  // decay: halve every count once per table's worth of updates
      updates_ = 0;
      for (uint32_t& x : slots_) x = (x & 0xFFFFFF00u) | ((x & 0xFF) >> 1);
    }
  }
}

void furniture_table::save(std::string& bytes) const {
  bytes.resize(sizeof(updates_) + slots_.size() * sizeof(uint32_t));
  std::memcpy(bytes.data(), &updates_, sizeof(updates_));
  std::memcpy(bytes.data() + sizeof(updates_), slots_.data(), slots_.size() * sizeof(uint32_t));
}

bool furniture_table::load(std::string_view bytes) {
  if (bytes.size() != sizeof(updates_) + slots_.size() * sizeof(uint32_t)) return false;
  std::memcpy(&updates_, bytes.data(), sizeof(updates_));
  std::memcpy(slots_.data(), bytes.data() + sizeof(updates_), slots_.size() * sizeof(uint32_t));
  return true;
}

minhash_signer::result minhash_signer::sign(std::string_view body,
                                            std::vector<minhash_value>& signature,
                                            const line_classifier* furniture) {
  tokens_.clear();
  masked_tokens_.clear();
  all_tokens_.clear();
  all_masked_tokens_.clear();
  line_keys_.clear();
  for (size_t start = 0; start <= body.size();) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    hash_tokens(body.substr(start, end - start), line_tokens_, &line_masked_);
    start = end + 1;
    if (line_tokens_.empty()) continue;
    const uint64_t key = XXH3_64bits(line_tokens_.data(), line_tokens_.size() * sizeof(uint64_t));
    line_keys_.push_back(key);
    all_tokens_.insert(all_tokens_.end(), line_tokens_.begin(), line_tokens_.end());
    all_masked_tokens_.insert(all_masked_tokens_.end(), line_masked_.begin(), line_masked_.end());
    if (furniture && furniture->is_furniture(key)) continue;
    tokens_.insert(tokens_.end(), line_tokens_.begin(), line_tokens_.end());
    masked_tokens_.insert(masked_tokens_.end(), line_masked_.begin(), line_masked_.end());
  }
  if (tokens_.size() < shingle_words_) {
    tokens_.swap(all_tokens_);
    masked_tokens_.swap(all_masked_tokens_);
  }
  std::sort(line_keys_.begin(), line_keys_.end());
  line_keys_.erase(std::unique(line_keys_.begin(), line_keys_.end()), line_keys_.end());
  const size_t n = seeds_.size();
  signature.resize(2 * n);
  // Shingles of both token sequences in one pass: a window without a number is the same
  // shingle in both. Tokens are avalanche hashes already, so a shingle is their rotated XOR
  // (order matters) under one more avalanche.
  const size_t k = shingle_words_;
  shingles_.clear();
  masked_shingles_.clear();
  if (tokens_.size() >= k) {
    for (size_t i = 0; i + k <= tokens_.size(); ++i) {
      uint64_t h = 0, hm = 0;
      bool has_number = false;
      for (size_t j = 0; j < k; ++j) {
        h = std::rotl(h, 23) ^ tokens_[i + j];
        hm = std::rotl(hm, 23) ^ masked_tokens_[i + j];
        has_number |= tokens_[i + j] != masked_tokens_[i + j];
      }
      h = mix64(h + k);
      shingles_.push_back(h);
      masked_shingles_.push_back(has_number ? mix64(hm + k) : h);
    }
  } else {
    shingles_.assign(tokens_.begin(), tokens_.end());
    masked_shingles_.assign(masked_tokens_.begin(), masked_tokens_.end());
  }
  result r;
  sign_set(shingles_, signature.data(), r.shingles);
  band_keys_.resize(std::min(n, max_band_keys));
  for (size_t i = 0; i < band_keys_.size(); ++i)
    band_keys_[i] = static_cast<uint32_t>(mix64(minima_[i] ^ (0x9e3779b97f4a7c15ULL * (i + 1))) >> 32);
  sign_set(masked_shingles_, signature.data() + n, r.masked_shingles);
  return r;
}

void minhash_signer::sign_set(std::vector<uint64_t>& shingles, minhash_value* out, uint32_t& count) {
  // Distinct shingles through a small open-addressing set (sorting them cost a third of the
  // signing time in branch mispredictions). Minima do not care about repeats; the count does.
  size_t slots = 64;
  while (slots < 2 * shingles.size()) slots *= 2;
  seen_.assign(slots, 0);
  size_t distinct = 0;
  for (uint64_t& sh : shingles) {
    sh |= 1;  // 0 marks an empty slot (the low bit is dropped from every shingle alike)
    size_t i = static_cast<size_t>(sh >> 20) & (slots - 1);
    while (seen_[i] != 0 && seen_[i] != sh) i = (i + 1) & (slots - 1);
    if (seen_[i] == 0) {
      seen_[i] = sh;
      shingles[distinct++] = sh;
    }
  }
  shingles.resize(distinct);

  // One permutation hashing (Li, Owen & Zhang 2012) with optimal densification
  // (Shrivastava 2017): each shingle is hashed once; the top bits pick one of n bins and
  // each bin keeps its minimum, so two texts' bins agree with probability J as k
  // independent minima would, for one hash per shingle instead of n. An empty bin (short
  // text) copies the bin that a fixed probe sequence of its own index first finds filled,
  // which keeps that property.
  const size_t n = seeds_.size();
  minima_.assign(n, std::numeric_limits<uint64_t>::max());
  uint64_t* m = minima_.data();
  const uint64_t salt = offsets_[0];
  for (uint64_t sh : shingles) {
    const uint64_t v = mix64(sh ^ salt);
    const size_t bin = static_cast<size_t>(((v >> 32) * n) >> 32);
    m[bin] = v < m[bin] ? v : m[bin];
  }
  if (!shingles.empty() && std::find(m, m + n, std::numeric_limits<uint64_t>::max()) != m + n) {
    filled_.assign(n, 0);
    for (size_t i = 0; i < n; ++i) filled_[i] = m[i] != std::numeric_limits<uint64_t>::max();
    for (size_t i = 0; i < n; ++i) {
      if (filled_[i]) continue;
      for (uint64_t attempt = 1;; ++attempt) {
        const uint64_t probe = mix64(seeds_[i] + attempt);
        const size_t j = static_cast<size_t>(((probe >> 32) * n) >> 32);
        if (filled_[j]) {
          m[i] = m[j];
          break;
        }
      }
    }
  }
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<minhash_value>(minima_[i] >> 16);
  count = static_cast<uint32_t>(shingles.size());
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
