#include "processors/dedup/token_hashes.h"

// Long tokens hash with XXH3, inlined rather than called through the shared library.
#define XXH_INLINE_ALL
#include <xxhash.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <bit>
#include <cstring>

#include "pipeline/utf8.h"
#include "processors/dedup/hash_mix.h"

namespace newsflow {
namespace {

bool ascii_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ASCII byte -> what the tokenizer does with it: a lower-cased letter or digit (> 2) joins
// the token; 0 separates; 1 (apostrophe) is dropped; 2 ('&') may start a character reference.
constexpr std::array<uint8_t, 128> ascii_classes = [] {
  std::array<uint8_t, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c);
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c);
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c - 'A' + 'a');
  t['\''] = 1;
  t['&'] = 2;
  return t;
}();
constexpr uint8_t separator = 0, dropped = 1, reference = 2;

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

// Tokens of at most 16 bytes, as two little-endian words zero-padded.
inline uint64_t short_token_hash(uint64_t lo, uint64_t hi, size_t len) {
  return mix64(lo ^ (len * 0x9e3779b97f4a7c15ULL)) ^ mix64(hi + 0xd6e8feb86659fd93ULL);
}

// A token read byte by byte (it holds a dropped apostrophe, a non-ASCII letter, or ends
// within 16 bytes of the body's end). Tokens longer than the buffer stream through XXH3,
// which hashes them as token_hash does in one go.
class token_builder {
 public:
  void add(unsigned char b) {
    if (len_ == sizeof bytes_) {
      if (total_ == len_) XXH3_64bits_reset(&long_);
      XXH3_64bits_update(&long_, bytes_, len_);
      len_ = 0;
    }
    bytes_[len_++] = b;
    ++total_;
  }
  bool empty() const { return total_ == 0; }
  uint64_t finish() {
    uint64_t h;
    if (total_ == len_) {
      h = token_hash(bytes_, len_);
    } else {
      XXH3_64bits_update(&long_, bytes_, len_);
      h = XXH3_64bits_digest(&long_);
    }
    len_ = total_ = 0;
    return h;
  }

 private:
  unsigned char bytes_[64];
  size_t len_ = 0;
  size_t total_ = 0;
  XXH3_state_t long_;
};

// A word of ASCII letters and digits at p, shorter than 16 bytes and followed by a plain
// separator, read with one 16-byte load: its hash, whether it holds a digit and its length.
// Returns 0 (the caller reads byte by byte) for anything else. p must have 16 readable bytes.
inline size_t read_plain_word(const unsigned char* p, uint64_t& hash, bool& digit) {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // ASCII letters and digits all have bit 5 set once lower-cased ('0'-'9' = 0x30-0x39).
  const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  // Signed compares: bytes >= 0x80 are negative, so never letters or digits here.
  const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                       _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
  const __m128i digits = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                       _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  const auto word = static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(letter, digits)));
  const auto len = static_cast<size_t>(std::countr_zero(~word));  // <= 16
  if (len == 16 || p[len] >= 0x80 || ascii_classes[p[len]] != separator) return 0;
  digit = (static_cast<uint32_t>(_mm_movemask_epi8(digits)) & ((1u << len) - 1)) != 0;
  uint64_t lo = static_cast<uint64_t>(_mm_cvtsi128_si64(lower));
  uint64_t hi = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(lower, lower)));
  lo &= len >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * len)) - 1;
  hi &= len <= 8 ? 0 : (uint64_t{1} << (8 * (len - 8))) - 1;
  hash = short_token_hash(lo, hi, len);
  return len;
#else
  // Without SSE2 every word takes the byte-by-byte path, which hashes it the same.
  (void)p;
  (void)hash;
  (void)digit;
  return 0;
#endif
}

}  // namespace

uint64_t token_hash(const unsigned char* bytes, size_t len) {
  if (len > 16) return XXH3_64bits(bytes, len);
  uint64_t lo = 0, hi = 0;
  std::memcpy(&lo, bytes, len < 8 ? len : 8);
  if (len > 8) std::memcpy(&hi, bytes + 8, len - 8);
  return short_token_hash(lo, hi, len);
}

void hash_tokens(std::string_view body, std::vector<uint64_t>& out, std::vector<uint64_t>* masked,
                 std::vector<uint32_t>* line_ends) {
  // The placeholder of masked numbers: no token hashes to it in practice (64-bit).
  constexpr uint64_t number_placeholder = 0x23235f6e756d2323ULL;
  out.clear();
  if (masked) masked->clear();
  if (line_ends) line_ends->clear();
  token_builder token;
  bool digit = false;
  const auto push = [&](uint64_t h, bool has_digit) {
    out.push_back(h);
    if (masked) masked->push_back(has_digit ? number_placeholder : h);
  };
  const auto flush = [&] {
    if (!token.empty()) push(token.finish(), digit);
    digit = false;
  };
  const auto end_line = [&] {
    if (line_ends && out.size() > (line_ends->empty() ? 0 : line_ends->back()))
      line_ends->push_back(static_cast<uint32_t>(out.size()));
  };
  const auto* bytes = reinterpret_cast<const unsigned char*>(body.data());
  const size_t size = body.size();
  size_t i = 0;
  while (i < size) {
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      const uint8_t t = ascii_classes[c];
      if (t > reference) {
        if (token.empty() && i + 16 <= size) {
          uint64_t h;
          bool has_digit;
          if (const size_t len = read_plain_word(bytes + i, h, has_digit); len > 0) {
            push(h, has_digit);
            if (bytes[i + len] == '\n') end_line();
            i += len + 1;  // the word and the separator after it
            continue;
          }
        }
        digit |= t <= '9';
        token.add(t);
      } else if (t == dropped) {
        // dropped inside a word, a separator elsewhere: either way nothing to add
      } else if (t == reference) {
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
        if (c == '\n') end_line();
      }
      ++i;
      continue;
    }
    const size_t need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (need > size - i) break;  // body is valid UTF-8; guard anyway
    size_t cp_len = 0;
    const int32_t cp = utf8_decode_valid(bytes, i, cp_len);
    if (apostrophe(cp)) {
      // dropped
    } else if (separator_cp(cp)) {
      flush();
    } else {
      for (size_t k = 0; k < cp_len; ++k) token.add(bytes[i + k]);
    }
    i += cp_len;
  }
  flush();
  end_line();
}

}  // namespace newsflow
