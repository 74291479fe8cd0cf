#include "processors/normalize/unicode_nfc.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "pipeline/utf8.h"

namespace newsflow {
namespace {

// How NFC is made cheap: text is cut into segments, each starting at a code point that
// nothing before it can interact with (its decomposition starts with a starter that never
// composes with a preceding character). NFC of the text is then NFC of each segment, and a
// segment of one code point whose NFC is itself needs no work. Only the other segments
// (decomposed accents, singletons such as U+212B ANGSTROM SIGN, Hangul jamo) go through
// decompose / reorder / compose, one code point at a time so positions stay known.
constexpr uint8_t k_starts_segment = 1;  // nothing before can combine with or reorder it
constexpr uint8_t k_nfc_self = 2;        // NFC of this code point alone is itself
constexpr uint8_t k_second = 4;          // may compose with a preceding character
constexpr uint8_t k_inert = k_starts_segment | k_nfc_self;

constexpr int32_t k_max_code_point = 0x10FFFF;

constexpr int32_t hangul_s_base = 0xAC00, hangul_l_base = 0x1100, hangul_v_base = 0x1161,
                  hangul_t_base = 0x11A7;
constexpr int32_t hangul_l_count = 19, hangul_v_count = 21, hangul_t_count = 28,
                  hangul_n_count = hangul_v_count * hangul_t_count,
                  hangul_s_count = hangul_l_count * hangul_n_count;

bool has_canonical_decomposition(int32_t cp) {
  if (cp >= hangul_s_base && cp < hangul_s_base + hangul_s_count) return true;
  const utf8proc_property_t* p = utf8proc_get_property(cp);
  return p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0;
}

// Full canonical decomposition of one code point into `out` (at most 4 code points in
// Unicode 15; 8 leaves room). Returns the count, or 1 with the code point itself if
// utf8proc cannot decompose it.
int decompose(int32_t cp, int32_t* out, int cap) {
  int boundclass = 0;
  utf8proc_ssize_t n = utf8proc_decompose_char(cp, out, cap, UTF8PROC_DECOMPOSE, &boundclass);
  if (n <= 0 || n > cap) {
    out[0] = cp;
    return 1;
  }
  return static_cast<int>(n);
}

// Per code point flags in a two-level table; blocks of 256 that are all inert (most of
// Unicode, all of ASCII) share block 0. Built once, on first use.
class nfc_table {
 public:
  static const nfc_table& get() {
    static const nfc_table table;
    return table;
  }

  uint8_t flags(int32_t cp) const {
    return blocks_[index_[static_cast<uint32_t>(cp) >> 8]][cp & 0xFF];
  }

 private:
  nfc_table() {
    // Code points that can be the second part of a composition appear after the first
    // position of some full canonical decomposition (a superset: exclusions included).
    std::vector<bool> second(k_max_code_point + 1, false);
    int32_t buf[8];
    for (int32_t cp = 0; cp <= k_max_code_point; ++cp) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;
      if (!has_canonical_decomposition(cp)) continue;
      int n = decompose(cp, buf, 8);
      for (int k = 1; k < n; ++k) second[buf[k]] = true;
    }

    std::array<uint8_t, 256> inert;
    inert.fill(k_inert);
    blocks_.push_back(inert);
    index_.assign((k_max_code_point + 1) >> 8, 0);
    for (int32_t block = 0; block < static_cast<int32_t>(index_.size()); ++block) {
      std::array<uint8_t, 256> flags;
      bool all_inert = true;
      for (int32_t low = 0; low < 256; ++low) {
        const int32_t cp = (block << 8) | low;
        uint8_t f = compute(cp, second, buf);
        flags[low] = f;
        all_inert &= f == k_inert;
      }
      if (!all_inert) {
        index_[block] = static_cast<uint16_t>(blocks_.size());
        blocks_.push_back(flags);
      }
    }
  }

  static uint8_t compute(int32_t cp, const std::vector<bool>& second, int32_t* buf) {
    if (cp >= 0xD800 && cp <= 0xDFFF) return k_inert;  // never in valid UTF-8
    uint8_t f = second[cp] ? k_second : 0;
    int n = 1;
    buf[0] = cp;
    if (has_canonical_decomposition(cp)) n = decompose(cp, buf, 8);
    const int32_t first = buf[0];
    if (utf8proc_get_property(first)->combining_class == 0 && !second[first])
      f |= k_starts_segment;
    if (n == 1 && buf[0] == cp) {
      f |= k_nfc_self;
    } else {
      utf8proc_ssize_t m = utf8proc_normalize_utf32(
          buf, n, static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
      if (m == 1 && buf[0] == cp) f |= k_nfc_self;
    }
    return f;
  }

  std::vector<uint16_t> index_;
  std::vector<std::array<uint8_t, 256>> blocks_;
};

// Primary composite of starter `a` followed by `b`, or -1.
int32_t compose_pair(const nfc_table& table, int32_t a, int32_t b) {
  // Hangul is algorithmic: L + V -> LV, LV + T -> LVT.
  if (a >= hangul_l_base && a < hangul_l_base + hangul_l_count && b >= hangul_v_base &&
      b < hangul_v_base + hangul_v_count) {
    return hangul_s_base + ((a - hangul_l_base) * hangul_v_count + (b - hangul_v_base)) *
                               hangul_t_count;
  }
  if (a >= hangul_s_base && a < hangul_s_base + hangul_s_count &&
      (a - hangul_s_base) % hangul_t_count == 0 && b > hangul_t_base &&
      b < hangul_t_base + hangul_t_count) {
    return a + (b - hangul_t_base);
  }
  if (!(table.flags(b) & k_second)) return -1;
  // utf8proc has no public pair lookup; composing a two-element buffer is one.
  int32_t pair[2] = {a, b};
  utf8proc_ssize_t n = utf8proc_normalize_utf32(
      pair, 2, static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
  return n == 1 ? pair[0] : -1;
}

struct tagged_cp {
  int32_t cp;
  uint32_t source;  // position in the input text
  uint8_t ccc;
};

struct nfc_scratch {
  std::string input;                    // the text from the first segment on
  std::vector<offset_map::anchor> in_map;  // the input's anchors
  std::vector<tagged_cp> segment;
};

// Writes the NFC text and its anchors; reads the input through scratch copies.
class nfc_writer {
 public:
  nfc_writer(std::string& out, offset_map& map, const std::vector<offset_map::anchor>& in_map)
      : out_(out), map_(map), in_map_(in_map) {}

  void start(size_t byte, uint32_t cp) {
    pos_ = byte;
    out_cp_ = cp;
  }

  // Input code points [t0, t1), bytes `bytes`, are copied unchanged.
  void copy(const char* bytes, size_t n, uint32_t t0, uint32_t t1) {
    if (t1 == t0) return;
    ensure(n);
    std::memcpy(out_.data() + pos_, bytes, n);
    pos_ += n;
    // Same shift over the whole run: chain the input anchors inside it.
    while (next_ < in_map_.size() && in_map_[next_].to <= t0) ++next_;
    map_.add(out_cp_, original(t0, next_));
    const uint32_t delta = out_cp_ - t0;
    for (; next_ < in_map_.size() && in_map_[next_].to < t1; ++next_)
      map_.add(in_map_[next_].to + delta, in_map_[next_].from);
    out_cp_ += t1 - t0;
  }

  void emit(int32_t cp, uint32_t source) {
    ensure(4);
    pos_ += utf8_encode(cp, out_.data() + pos_);
    map_.add(out_cp_++, lookup(source));
  }

  void finish() { out_.resize(pos_); }

 private:
  void ensure(size_t n) {
    if (pos_ + n > out_.size()) out_.resize(std::max(out_.size() * 2, pos_ + n + 64));
  }
  // Original position of input position t, given `k` = number of input anchors <= t.
  uint32_t original(uint32_t t, size_t k) const {
    if (k == 0) return t;
    return in_map_[k - 1].from + (t - in_map_[k - 1].to);
  }
  uint32_t lookup(uint32_t t) const {
    auto it = std::upper_bound(in_map_.begin(), in_map_.end(), t,
                               [](uint32_t n, const offset_map::anchor& a) { return n < a.to; });
    return original(t, static_cast<size_t>(it - in_map_.begin()));
  }

  std::string& out_;
  offset_map& map_;
  const std::vector<offset_map::anchor>& in_map_;
  size_t pos_ = 0;
  uint32_t out_cp_ = 0;
  size_t next_ = 0;  // first input anchor not yet passed by copy()
};

// Canonical ordering: combining marks between starters sorted by combining class, stably.
void reorder(std::vector<tagged_cp>& seg) {
  size_t i = 0;
  while (i < seg.size()) {
    if (seg[i].ccc == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < seg.size() && seg[j].ccc != 0) ++j;
    if (j - i <= 32) {
      for (size_t k = i + 1; k < j; ++k) {  // insertion sort: runs are short
        tagged_cp x = seg[k];
        size_t m = k;
        for (; m > i && seg[m - 1].ccc > x.ccc; --m) seg[m] = seg[m - 1];
        seg[m] = x;
      }
    } else {
      // Long runs (zalgo text) would make insertion sort quadratic: sort by (class, place),
      // which is stable. (std::stable_sort would do, but libstdc++ 12's uses the deprecated
      // get_temporary_buffer, which clang warns about.)
      thread_local std::vector<std::pair<uint64_t, tagged_cp>> keyed;
      keyed.clear();
      for (size_t k = i; k < j; ++k) keyed.push_back({(uint64_t{seg[k].ccc} << 32) | (k - i), seg[k]});
      std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t k = i; k < j; ++k) seg[k] = keyed[k - i].second;
    }
    i = j;
  }
}

// Canonical composition in place; a composite keeps the source of its starter.
void compose(const nfc_table& table, std::vector<tagged_cp>& seg) {
  size_t w = 0;
  ptrdiff_t starter = -1;
  int last_ccc = 0;
  for (size_t i = 0; i < seg.size(); ++i) {
    const tagged_cp c = seg[i];
    if (starter >= 0) {
      const bool adjacent = static_cast<ptrdiff_t>(w) - 1 == starter;
      // Blocked when a character between has class 0 or >= this one's.
      if (adjacent || (last_ccc != 0 && last_ccc < c.ccc)) {
        int32_t composite = compose_pair(table, seg[starter].cp, c.cp);
        if (composite >= 0) {
          seg[starter].cp = composite;
          continue;
        }
      }
    }
    seg[w] = c;
    if (c.ccc == 0) starter = static_cast<ptrdiff_t>(w);
    last_ccc = c.ccc;
    ++w;
  }
  seg.resize(w);
}

}  // namespace

void nfc_prepare() { nfc_table::get(); }

bool nfc_in_place(std::string& text, offset_map& map, size_t ascii_prefix) {
  const nfc_table& table = nfc_table::get();
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();

  // Find the first segment that needs work. t counts code points; the prefix is ASCII.
  size_t i = std::min(ascii_prefix, n);
  uint32_t t = static_cast<uint32_t>(i);
  size_t seg_b = n;
  uint32_t seg_t = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      ++i;
      ++t;
      continue;
    }
    size_t len;
    const int32_t cp = utf8_decode_valid(s, i, len);
    const uint8_t f = table.flags(cp);
    if ((f & k_inert) == k_inert) {
      i += len;
      ++t;
      continue;
    }
    seg_b = i;
    seg_t = t;
    if (!(f & k_starts_segment) && i > 0) {  // starts with the code point before
      --seg_b;
      while (seg_b > 0 && (s[seg_b] & 0xC0) == 0x80) --seg_b;
      --seg_t;
    }
    break;
  }
  if (seg_b == n) return false;

  // Rewrite from the first segment on: the prefix and its anchors stay as they are.
  thread_local nfc_scratch scratch;
  scratch.input.assign(text, seg_b, std::string::npos);
  scratch.in_map.assign(map.anchors().begin(), map.anchors().end());
  map.truncate_from(seg_t);
  text.resize(n + n / 2 + 16);  // grown on demand; NFC can expand (U+0958 -> 2 code points)

  const auto* in = reinterpret_cast<const unsigned char*>(scratch.input.data());
  const size_t in_n = scratch.input.size();
  nfc_writer w(text, map, scratch.in_map);
  w.start(seg_b, seg_t);

  size_t run_b = 0;  // start of the pending unchanged run (bytes in `in`, code points)
  uint32_t run_t = seg_t;
  i = 0;
  t = seg_t;
  bool at_segment = true;
  while (i < in_n) {
    size_t cur_b = i;
    uint32_t cur_t = t;
    if (!at_segment) {
      if (in[i] < 0x80) {
        ++i;
        ++t;
        continue;
      }
      size_t len;
      const int32_t cp = utf8_decode_valid(in, i, len);
      const uint8_t f = table.flags(cp);
      if ((f & k_inert) == k_inert) {
        i += len;
        ++t;
        continue;
      }
      if (!(f & k_starts_segment) && i > run_b) {
        --cur_b;
        while (cur_b > run_b && (in[cur_b] & 0xC0) == 0x80) --cur_b;
        --cur_t;
      }
    }
    at_segment = false;
    w.copy(reinterpret_cast<const char*>(in) + run_b, cur_b - run_b, run_t, cur_t);

    // Collect the segment: its first code point and every one after that is not a starter.
    std::vector<tagged_cp>& seg = scratch.segment;
    seg.clear();
    size_t j = cur_b;
    uint32_t tj = cur_t;
    bool first = true;
    while (j < in_n) {
      size_t len;
      const int32_t cp = utf8_decode_valid(in, j, len);
      if (!first && (table.flags(cp) & k_starts_segment)) break;
      first = false;
      int32_t parts[8] = {cp};
      const int k = has_canonical_decomposition(cp) ? decompose(cp, parts, 8) : 1;
      for (int m = 0; m < k; ++m)
        seg.push_back({parts[m], tj,
                       static_cast<uint8_t>(utf8proc_get_property(parts[m])->combining_class)});
      j += len;
      ++tj;
    }
    reorder(seg);
    compose(table, seg);
    for (const tagged_cp& c : seg) w.emit(c.cp, c.source);
    i = run_b = j;
    t = run_t = tj;
  }
  w.copy(reinterpret_cast<const char*>(in) + run_b, in_n - run_b, run_t, t);
  w.finish();
  return true;
}

}  // namespace newsflow
