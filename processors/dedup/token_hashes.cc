#include "processors/dedup/token_hashes.h"

// Long tokens hash with XXH3, inlined rather than called through the shared library.
#define XXH_INLINE_ALL
#include <xxhash.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
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
constexpr uint8_t dropped = 1, reference = 2;  // (0: a separator)

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
// One avalanche over both words: the multiply by an odd constant keeps hi's bits apart from
// lo's (distinct tokens collide only if lo - lo' = (hi' - hi) * K mod 2^64).
inline uint64_t short_token_hash(uint64_t lo, uint64_t hi, size_t len) {
  return mix64((lo ^ (len * 0x9e3779b97f4a7c15ULL)) + hi * 0xd6e8feb86659fd93ULL);
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

}  // namespace

uint64_t token_hash(const unsigned char* bytes, size_t len) {
  if (len > 16) return XXH3_64bits(bytes, len);
  uint64_t lo = 0, hi = 0;
  std::memcpy(&lo, bytes, len < 8 ? len : 8);
  if (len > 8) std::memcpy(&hi, bytes + 8, len - 8);
  return short_token_hash(lo, hi, len);
}

namespace {

// The tokenizer's state and output for one body.
class token_scanner {
 public:
  // A token takes a byte and a separator at least, so (size + 1) / 2 is room for all.
  token_scanner(std::string_view body, token_sequence& out)
      : body_(body),
        bytes_(reinterpret_cast<const unsigned char*>(body.data())),
        out_(out),
        hashes_(out.hashes.reset(body.size() / 2 + 1)),
        masked_(out.masked.reset(body.size() / 2 + 1)),
        line_ends_(out.line_ends.reset(body.size() / 2 + 1)) {}

  void run() {
    size_t i = 0;
#if defined(__SSE2__)
    // 64-byte blocks of plain ASCII while 16 bytes past a block remain readable; whatever
    // the block reader leaves (a non-ASCII byte, an apostrophe, '&', a 64-byte word) is read
    // byte by byte up to the end of its token.
    while (i + 80 <= body_.size()) {
      const size_t next = plain_block(i);
      i = next > i ? next : bytes(i, i + 1);
    }
#endif
    bytes(i, body_.size());
    flush();
    end_line();
    out_.hashes.set_size(count_);
    out_.masked.set_size(count_);
    out_.line_ends.set_size(lines_);
  }

 private:
  // The placeholder of masked numbers: no token hashes to it in practice (64-bit).
  static constexpr uint64_t number_placeholder = 0x23235f6e756d2323ULL;

  // Stores through local copies of the count where it matters (plain_block): a store through
  // a uint64_t* may alias the count member, which the compiler would then reload.
  static void put(uint64_t* hashes, uint64_t* masked, size_t n, uint64_t h, bool has_digit) {
    hashes[n] = h;
    masked[n] = has_digit ? number_placeholder : h;
  }
  void push(uint64_t h, bool has_digit) { put(hashes_, masked_, count_++, h, has_digit); }
  void flush() {
    if (!token_.empty()) push(token_.finish(), digit_);
    digit_ = false;
  }
  void end_line() {
    if (count_ > (lines_ == 0 ? 0 : line_ends_[lines_ - 1]))
      line_ends_[lines_++] = static_cast<uint32_t>(count_);
  }

  // Byte by byte from i until `stop` and the end of the token open there; returns where it
  // stopped (a token boundary).
  size_t bytes(size_t i, size_t stop) {
    const size_t size = body_.size();
    while (i < size && (i < stop || !token_.empty())) {
      const unsigned char c = bytes_[i];
      if (c < 0x80) {
        const uint8_t t = ascii_classes[c];
        if (t > reference) {
          digit_ |= t <= '9';
          token_.add(t);
        } else if (t == dropped) {
          // dropped inside a word, a separator elsewhere: either way nothing to add
        } else if (t == reference) {
          bool apos = false;
          const size_t ref_len = entity_length(body_, i, apos);
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
      if (need > size - i) return size;  // body is valid UTF-8; guard anyway
      size_t cp_len = 0;
      const int32_t cp = utf8_decode_valid(bytes_, i, cp_len);
      if (apostrophe(cp)) {
        // dropped
      } else if (separator_cp(cp)) {
        flush();
      } else {
        for (size_t k = 0; k < cp_len; ++k) token_.add(bytes_[i + k]);
      }
      i += cp_len;
    }
    return i;
  }

#if defined(__SSE2__)
  // Reads the 64 bytes at `base` (a token boundary) as bit masks of word bytes, digits and
  // newlines, and hashes every word that ends, followed by a plain separator, before the
  // block's first byte that needs the byte-by-byte reader. Returns where reading stopped:
  // base + 64, the start of the first word left, or that byte. The words of a block are
  // independent, so their hashes overlap in the CPU instead of waiting on one another.
  size_t plain_block(size_t base) {
    uint64_t word = 0, digits = 0, special = 0, newline = 0;
    for (int chunk = 0; chunk < 4; ++chunk) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes_ + base + 16 * chunk));
      // ASCII letters and digits all have bit 5 set once lower-cased ('0'-'9' = 0x30-0x39).
      const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(lowered_ + 16 * chunk), lower);
      // Signed compares: bytes >= 0x80 are negative, so never letters or digits here.
      const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                           _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
      const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                          _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
      const __m128i odd = _mm_or_si128(
          _mm_cmplt_epi8(v, _mm_setzero_si128()),
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\''))));
      const auto bits = [](__m128i m) { return static_cast<uint64_t>(_mm_movemask_epi8(m) & 0xFFFF); };
      word |= bits(_mm_or_si128(letter, digit)) << (16 * chunk);
      digits |= bits(digit) << (16 * chunk);
      special |= bits(odd) << (16 * chunk);
      newline |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))) << (16 * chunk);
    }
    const size_t limit = special != 0 ? static_cast<size_t>(std::countr_zero(special)) : 64;
    uint64_t* const hashes = hashes_;
    uint64_t* const masked = masked_;
    size_t count = count_;
    const auto line_break = [&] {  // end_line() with the local count
      count_ = count;
      end_line();
    };
    const auto below = [](size_t n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; };
    size_t done = 0;  // bytes before `done` are read
    for (uint64_t starts = word & ~(word << 1); starts != 0; starts &= starts - 1) {
      const auto s = static_cast<size_t>(std::countr_zero(starts));
      const size_t end = s + static_cast<size_t>(std::countr_zero(~(word >> s)));
      if (end >= limit) {  // runs into the block's end or a special byte
        const size_t stop = std::min(s, limit);
        if ((newline & below(stop) & ~below(done)) != 0) line_break();
        count_ = count;
        return base + stop;
      }
      if ((newline & below(s) & ~below(done)) != 0) line_break();
      const size_t len = end - s;
      uint64_t h;
      if (len <= 16) {
        uint64_t lo, hi;
        std::memcpy(&lo, lowered_ + s, 8);
        std::memcpy(&hi, lowered_ + s + 8, 8);
        lo &= below(8 * len);
        hi &= len <= 8 ? 0 : below(8 * (len - 8));
        h = short_token_hash(lo, hi, len);
      } else {
        h = XXH3_64bits(lowered_ + s, len);
      }
      put(hashes, masked, count++, h, ((digits >> s) & below(len)) != 0);
      done = end;
    }
    if ((newline & below(limit) & ~below(done)) != 0) line_break();
    count_ = count;
    return base + limit;
  }
  // The block lower-cased, and 16 bytes more so a word's 16-byte read stays inside.
  unsigned char lowered_[64 + 16] = {};
#endif

  std::string_view body_;
  const unsigned char* bytes_;
  token_sequence& out_;
  uint64_t* hashes_;
  uint64_t* masked_;
  uint32_t* line_ends_;
  size_t count_ = 0;  // tokens
  size_t lines_ = 0;  // line ends
  token_builder token_;
  bool digit_ = false;
};

}  // namespace

void hash_tokens(std::string_view body, token_sequence& out) { token_scanner(body, out).run(); }

void hash_tokens(std::string_view body, std::vector<uint64_t>& token_hashes,
                 std::vector<uint64_t>* masked, std::vector<uint32_t>* line_ends) {
  token_sequence seq;
  hash_tokens(body, seq);
  token_hashes.assign(seq.hashes.data(), seq.hashes.data() + seq.hashes.size());
  if (masked) masked->assign(seq.masked.data(), seq.masked.data() + seq.masked.size());
  if (line_ends) line_ends->assign(seq.line_ends.data(), seq.line_ends.data() + seq.line_ends.size());
}

}  // namespace newsflow
