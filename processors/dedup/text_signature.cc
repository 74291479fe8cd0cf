#include "processors/dedup/text_signature.h"

#include <cstring>

#include <xxhash.h>

#include <algorithm>
#include <limits>

#include "pipeline/utf8.h"

namespace newsflow {
namespace {

bool ascii_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

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
  thread_local std::string token;
  token.clear();
  bool digit = false;
  auto flush = [&] {
    if (!token.empty()) {
      const uint64_t h = XXH3_64bits(token.data(), token.size());
      out.push_back(h);
      if (masked) masked->push_back(digit ? number_placeholder : h);
      token.clear();
    }
    digit = false;
  };
  const auto* bytes = reinterpret_cast<const unsigned char*>(body.data());
  size_t i = 0;
  while (i < body.size()) {
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      if (ascii_alnum(c)) {
        digit |= c >= '0' && c <= '9';
        token += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
      } else if (c == '\'') {
        // dropped inside a word, a separator elsewhere: either way nothing to add
      } else if (c == '&') {
        bool apos = false;
        const size_t len = entity_length(body, i, apos);
        if (len > 0) {
          if (!apos) flush();
          i += len;
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
    size_t len = 0;
    const int32_t cp = utf8_decode_valid(bytes, i, len);
    if (apostrophe(cp)) {
      // dropped
    } else if (separator_cp(cp)) {
      flush();
    } else {
      token.append(body.data() + i, len);
    }
    i += len;
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
                                            std::vector<uint16_t>& signature,
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
  result r;
  sign_set(tokens_, signature.data(), r.shingles);
  sign_set(masked_tokens_, signature.data() + n, r.masked_shingles);
  return r;
}

void minhash_signer::sign_set(std::vector<uint64_t>& tokens, uint16_t* out, uint32_t& count) {
  shingles_.clear();
  const size_t k = shingle_words_;
  if (tokens.size() >= k) {
    for (size_t i = 0; i + k <= tokens.size(); ++i) {
      uint64_t h = tokens[i];
      for (size_t j = 1; j < k; ++j) h = mix64(h * 31 + tokens[i + j]);
      shingles_.push_back(h);
    }
  } else {
    shingles_.assign(tokens.begin(), tokens.end());
  }
  std::sort(shingles_.begin(), shingles_.end());
  shingles_.erase(std::unique(shingles_.begin(), shingles_.end()), shingles_.end());

  const size_t n = seeds_.size();
  minima_.assign(n, std::numeric_limits<uint64_t>::max());
  // Hash function i: x -> a_i * x + b_i (mod 2^64), a_i odd. The shingle hashes are already
  // well mixed, so this multiply-add family orders them as a random permutation would, at a
  // third of the cost of a full mix. Kept: bits 16-31 of the minimum (the top bits of a
  // minimum are mostly zeros; the low bits of a_i * x + b_i repeat x's low bits).
  const uint64_t* a = seeds_.data();
  const uint64_t* b = offsets_.data();
  uint64_t* m = minima_.data();
  for (uint64_t sh : shingles_) {
    for (size_t i = 0; i < n; ++i) {
      const uint64_t v = sh * a[i] + b[i];
      m[i] = v < m[i] ? v : m[i];
    }
  }
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint16_t>(minima_[i] >> 16);
  count = static_cast<uint32_t>(shingles_.size());
}

double estimate_jaccard(std::span<const uint16_t> a, std::span<const uint16_t> b) {
  const size_t n = std::min(a.size(), b.size());
  if (n == 0) return 0.0;
  size_t same = 0;
  for (size_t i = 0; i < n; ++i) same += a[i] == b[i];
  // b-bit correction: unrelated minima agree with probability 2^-16.
  constexpr double chance = 1.0 / 65536.0;
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
