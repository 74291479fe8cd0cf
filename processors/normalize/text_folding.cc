#include "processors/normalize/text_folding.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "pipeline/utf8.h"
#include "pipeline/offset_map.h"
#include "processors/normalize/unicode_nfc.h"

namespace newsflow {
namespace {

enum byte_class : uint8_t { b_plain, b_space, b_lf, b_cr, b_break, b_control, b_high };

constexpr std::array<uint8_t, 256> byte_classes = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c >= 0x80) t[c] = b_high;
    else if (c > 0x20 && c < 0x7F) t[c] = b_plain;
    else if (c == ' ' || c == '\t') t[c] = b_space;
    else if (c == '\n') t[c] = b_lf;
    else if (c == '\r') t[c] = b_cr;
    else if (c == '\v' || c == '\f') t[c] = b_break;  // removing them would glue words
    else t[c] = b_control;                            // other C0, DEL
  }
  return t;
}();

inline bool is_plain(unsigned char c) { return static_cast<unsigned char>(c - 0x21) < 0x5E; }

enum class cp_kind : uint8_t { visible, space, line_break, paragraph, removed };

// What a non-ASCII code point is to the fold.
inline cp_kind classify(int32_t cp) {
  if (cp < 0xA0) return cp == 0x85 ? cp_kind::line_break : cp_kind::removed;  // C1
  if (cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
      cp == 0x205F || cp == 0x3000)
    return cp_kind::space;
  if (cp == 0x2028) return cp_kind::line_break;
  if (cp == 0x2029) return cp_kind::paragraph;
  if (cp == 0xFEFF) return cp_kind::removed;
  return cp_kind::visible;
}

constexpr size_t no_position = static_cast<size_t>(-1);

// Byte scanner shared by both modes. Output never outgrows valid UTF-8 input: every output
// character replaces at least as many input bytes, so `out` is sized once.
class scanner {
 public:
  scanner(std::string_view in, std::string& out, offset_map& map)
      : in_(reinterpret_cast<const unsigned char*>(in.data())), n_(in.size()), map_(map) {
    out.resize(n_);
    base_ = o_ = out.data();
  }

  size_t written() const { return static_cast<size_t>(o_ - base_); }
  // Output byte offset of the first non-ASCII byte written, no_position if none.
  size_t first_high() const { return first_high_; }

 protected:
  // Code point positions: bytes minus the continuation bytes passed so far.
  uint32_t in_cp() const { return static_cast<uint32_t>(i_ - in_extra_); }
  uint32_t out_cp() const { return static_cast<uint32_t>(o_ - base_) - out_extra_; }

  void put_ascii(char c, uint32_t from) {
    map_.add(out_cp(), from);
    *o_++ = c;
  }
  // Copies the (non-ASCII) code point at in_[i_], `len` bytes long.
  void put_high(size_t len) {
    map_.add(out_cp(), in_cp());
    if (first_high_ == no_position) first_high_ = written();
    std::memcpy(o_, in_ + i_, len);
    o_ += len;
    out_extra_ += static_cast<uint32_t>(len - 1);
  }
  void skip(size_t len) {
    i_ += len;
    in_extra_ += static_cast<uint32_t>(len - 1);
  }

  const unsigned char* in_;
  size_t n_;
  size_t i_ = 0;
  char* base_;
  char* o_;
  uint32_t in_extra_ = 0;
  uint32_t out_extra_ = 0;
  size_t first_high_ = no_position;
  offset_map& map_;
};

template <bool SingleLine>
class folding_scanner : public scanner {
 public:
  using scanner::scanner;

  void run() {
    while (i_ < n_) {
      unsigned char c = in_[i_];
      if (is_plain(c)) {
        copy_plain_run();
        continue;
      }
      switch (byte_classes[c]) {
        case b_space:
          on_space(in_cp());
          ++i_;
          break;
        case b_lf:
        case b_break:
          on_line_break(in_cp());
          ++i_;
          break;
        case b_cr:
          on_line_break(in_cp());
          i_ += (i_ + 1 < n_ && in_[i_ + 1] == '\n') ? 2 : 1;
          break;
        case b_high: {
          size_t len;
          const int32_t cp = utf8_decode_valid(in_, i_, len);
          switch (classify(cp)) {
            case cp_kind::visible:
              flush();
              put_high(len);
              started_ = true;
              break;
            case cp_kind::space: on_space(in_cp()); break;
            case cp_kind::line_break: on_line_break(in_cp()); break;
            case cp_kind::paragraph: on_paragraph(in_cp()); break;
            case cp_kind::removed: break;
          }
          skip(len);
          break;
        }
        default:  // control characters vanish without touching the pending whitespace
          ++i_;
          break;
      }
    }
    // Trailing whitespace is never written.
  }

 private:
  enum pending_kind : uint8_t { none, space, line, paragraph };

  // The hot loop: printable ASCII and single spaces between printable characters go
  // straight through; anything else ends the run.
  void copy_plain_run() {
    flush();
    map_.add(out_cp(), in_cp());
    started_ = true;
    const unsigned char* in = in_;
    char* o = o_;
    size_t i = i_;
    const size_t n = n_;
    *o++ = static_cast<char>(in[i++]);
    while (i < n) {
      const unsigned char c = in[i];
      if (is_plain(c)) {
        *o++ = static_cast<char>(c);
        ++i;
      } else if (c == ' ' && i + 1 < n && is_plain(in[i + 1])) {
        o[0] = ' ';
        o[1] = static_cast<char>(in[i + 1]);
        o += 2;
        i += 2;
      } else {
        break;
      }
    }
    o_ = o;
    i_ = i;
  }

  // Writes the whitespace seen since the last visible character, unless at the start.
  void flush() {
    if (pending_ == none) return;
    if (started_) {
      if (pending_ == space) {
        put_ascii(' ', p0_);
      } else {
        put_ascii('\n', p0_);
        if (pending_ == paragraph) put_ascii('\n', p1_);
      }
    }
    pending_ = none;
  }

  // Spaces after a line break are at a line start; a line break after spaces ends a line:
  // either way the spaces disappear.
  void on_space(uint32_t at) {
    if (pending_ == none) {
      pending_ = space;
      p0_ = at;
    }
  }
  void on_line_break(uint32_t at) {
    if constexpr (SingleLine) {
      on_space(at);
    } else if (pending_ <= space) {
      pending_ = line;
      p0_ = at;
    } else if (pending_ == line) {
      pending_ = paragraph;
      p1_ = at;
    }
  }
  void on_paragraph(uint32_t at) {
    if constexpr (SingleLine) {
      on_space(at);
    } else if (pending_ <= space) {
      pending_ = paragraph;
      p0_ = p1_ = at;
    } else if (pending_ == line) {
      pending_ = paragraph;
      p1_ = at;
    }
  }

  pending_kind pending_ = none;
  uint32_t p0_ = 0, p1_ = 0;  // where the pending whitespace came from
  bool started_ = false;      // something visible was written
};

// fold_whitespace: false. Keeps whitespace, still removes controls and unifies line breaks.
template <bool SingleLine>
class raw_scanner : public scanner {
 public:
  using scanner::scanner;

  void run() {
    constexpr char line_break = SingleLine ? ' ' : '\n';
    while (i_ < n_) {
      const unsigned char c = in_[i_];
      switch (byte_classes[c]) {
        case b_plain:
        case b_space:
          put_ascii(static_cast<char>(c), in_cp());
          ++i_;
          break;
        case b_lf:
        case b_break:
          put_ascii(line_break, in_cp());
          ++i_;
          break;
        case b_cr:
          put_ascii(line_break, in_cp());
          i_ += (i_ + 1 < n_ && in_[i_ + 1] == '\n') ? 2 : 1;
          break;
        case b_high: {
          size_t len;
          const int32_t cp = utf8_decode_valid(in_, i_, len);
          const cp_kind kind = classify(cp);
          if (kind == cp_kind::removed) {
            // dropped
          } else if (kind == cp_kind::line_break && cp == 0x85) {
            put_ascii(line_break, in_cp());
          } else if (SingleLine && (kind == cp_kind::line_break || kind == cp_kind::paragraph)) {
            put_ascii(' ', in_cp());
          } else {
            put_high(len);
          }
          skip(len);
          break;
        }
        default:
          ++i_;
          break;
      }
    }
  }
};

template <class Scanner>
size_t scan(std::string_view in, std::string& out, offset_map& map) {
  Scanner s(in, out, map);
  s.run();
  out.resize(s.written());
  return s.first_high();
}

}  // namespace

void normalize_text(std::string_view in, const text_normalization& how, std::string& out,
                    offset_map* map) {
  thread_local std::string repaired;
  thread_local offset_map anchors;
  if (!utf8_valid(in)) {
    utf8_repair(in, repaired);
    in = repaired;
  }
  anchors.clear();
  size_t first_high;
  if (how.fold_whitespace) {
    first_high = how.single_line ? scan<folding_scanner<true>>(in, out, anchors)
                                 : scan<folding_scanner<false>>(in, out, anchors);
  } else {
    first_high = how.single_line ? scan<raw_scanner<true>>(in, out, anchors)
                                 : scan<raw_scanner<false>>(in, out, anchors);
  }
  // ASCII text is already NFC.
  if (how.nfc && first_high != no_position) nfc_in_place(out, anchors, first_high);
  if (map) *map = anchors;  // copy-assignment reuses the map's capacity
}

}  // namespace newsflow
