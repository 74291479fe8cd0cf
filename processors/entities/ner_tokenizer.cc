#include "processors/entities/ner_tokenizer.h"

#include <algorithm>
#include <array>

#include "pipeline/utf8.h"

namespace newsflow {
namespace {

bool space(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000 || cp == 0xFEFF;
}

bool opening(int32_t cp) {
  return cp == '(' || cp == '[' || cp == '{' || cp == '"' || cp == '\'' || cp == '`' ||
         cp == 0x201C || cp == 0x2018 || cp == 0xAB || cp == 0xBF || cp == 0xA1 || cp == 0x201E;
}

bool closing(int32_t cp) {
  return cp == ')' || cp == ']' || cp == '}' || cp == '"' || cp == '\'' || cp == ',' ||
         cp == ';' || cp == ':' || cp == '!' || cp == '?' || cp == 0x201D || cp == 0x2019 ||
         cp == 0xBB || cp == 0x2026;
}

bool dash(int32_t cp) { return cp == 0x2013 || cp == 0x2014; }

bool apostrophe(int32_t cp) { return cp == '\'' || cp == 0x2019; }

// Words that keep their final period (lower-cased, without it): English, Spanish and Dutch
// titles and abbreviations, and the club prefixes of sports tables ("FC. Barcelona").
constexpr std::array<std::string_view, 64> abbreviations = {
    "mr",   "mrs",  "ms",   "dr",   "prof", "sr",  "jr",   "st",   "mt",   "ft",   "inc",
    "corp", "co",   "ltd",  "plc",  "bros", "gen", "gov",  "sen",  "rep",  "rev",  "lt",
    "col",  "capt", "sgt",  "maj",  "adm",  "jan", "feb",  "mar",  "apr",  "jun",  "jul",
    "aug",  "sep",  "sept", "oct",  "nov",  "dec", "vs",   "etc",  "dept", "no",   "approx",
    "sra",  "srta", "dña",  "avda", "cía",  "pág", "núm",  "dhr",  "mevr", "drs",  "ir",
    "nr",   "blz",  "bijv", "fc",   "bm",   "cb",  "cd",   "ud",   "sd"};

// The code point ending at byte `end` (exclusive): its first byte's position.
size_t last_cp_start(std::string_view s, size_t begin, size_t end) {
  size_t i = end - 1;
  while (i > begin && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

int32_t cp_at(std::string_view s, size_t i, size_t& len) {
  return utf8_decode_valid(reinterpret_cast<const unsigned char*>(s.data()), i, len);
}

bool abbreviation(std::string_view word) {  // the word without its final period
  if (word.empty()) return false;
  if (word.size() == 1 && word[0] >= 'A' && word[0] <= 'Z') return true;
  if (word.find('.') != std::string_view::npos) return true;
  if (word.size() > 6) return false;
  char lower[8];
  for (size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view w(lower, word.size());
  return std::find(abbreviations.begin(), abbreviations.end(), w) != abbreviations.end();
}

class tokenizer {
 public:
  tokenizer(std::string_view text, std::vector<ner_token>& out) : text_(text), out_(out) {}

  void run() {
    size_t i = 0;
    while (i < text_.size()) {
      size_t len = 0;
      const int32_t cp = cp_at(text_, i, len);
      if (space(cp)) {
        if (cp == '\n') line_start_ = true;
        i += len;
        continue;
      }
      size_t j = i;
      while (j < text_.size()) {
        size_t l = 0;
        if (space(cp_at(text_, j, l))) break;
        j += l;
      }
      chunk(i, j);
      i = j;
    }
  }

 private:
  void emit(size_t begin, size_t end) {
    if (begin >= end) return;
    ner_token t;
    t.begin = static_cast<uint32_t>(begin);
    t.end = static_cast<uint32_t>(end);
    t.line_start = line_start_ || out_.empty();
    // A quote or bracket right after a sentence's end is not its start; the word after is.
    size_t len = 0;
    const int32_t cp = cp_at(text_, begin, len);
    const bool mark = len == end - begin && (opening(cp) || closing(cp));
    t.sentence_start = t.line_start || (!mark && ends_sentence());
    line_start_ = false;
    out_.push_back(t);
  }

  // Whether the tokens so far end a sentence: . ! ? or an ellipsis, maybe inside quotes.
  bool ends_sentence() const {
    for (size_t k = out_.size(); k-- > 0 && out_.size() - k <= 2;) {
      const std::string_view t = text_.substr(out_[k].begin, out_[k].end - out_[k].begin);
      if (t == "." || t == "!" || t == "?" || t == "..." || t == "\u2026") return true;
      size_t len = 0;
      const int32_t cp = cp_at(text_, out_[k].begin, len);
      if (len != t.size() || !(cp == '"' || cp == '\'' || cp == 0x201D || cp == 0x2019 || cp == ')'))
        return false;
    }
    return false;
  }

  // A whitespace-free run: split at dashes, then each piece as a word.
  void chunk(size_t begin, size_t end) {
    size_t piece = begin;
    for (size_t i = begin; i < end;) {
      size_t len = 0;
      const int32_t cp = cp_at(text_, i, len);
      if (dash(cp)) {
        word(piece, i);
        emit(i, i + len);
        piece = i + len;
      }
      i += len;
    }
    word(piece, end);
  }

  void word(size_t s, size_t e) {
    // Opening punctuation off the front.
    while (s < e) {
      size_t len = 0;
      const int32_t cp = cp_at(text_, s, len);
      if (!opening(cp) || (apostrophe(cp) && clitic_length(s, e) == e - s)) break;
      emit(s, s + len);
      s += len;
    }
    // Closing punctuation and a sentence period off the back, right to left.
    trailing_.clear();
    while (e > s) {
      const size_t last = last_cp_start(text_, s, e);
      size_t len = 0;
      const int32_t cp = cp_at(text_, last, len);
      if (closing(cp)) {
        trailing_.push_back({last, e});
        e = last;
        continue;
      }
      if (cp == '.') {
        size_t run = last;
        while (run > s && text_[run - 1] == '.') --run;
        if (run == last && e - s > 1 && abbreviation(text_.substr(s, last - s))) break;
        trailing_.push_back({run, e});
        e = run;
        continue;
      }
      break;
    }
    // A clitic off the end of what is left.
    const size_t clitic = e > s ? clitic_length(s, e) : 0;
    if (clitic > 0 && clitic < e - s) {
      emit(s, e - clitic);
      emit(e - clitic, e);
    } else {
      emit(s, e);
    }
    for (size_t k = trailing_.size(); k-- > 0;) emit(trailing_[k].first, trailing_[k].second);
  }

  // Bytes of a clitic ending the word [s, e) ('s n't 're 've 'll 'd 'm, with ' or ’), or 0.
  size_t clitic_length(size_t s, size_t e) const {
    const std::string_view w = text_.substr(s, e - s);
    const auto lower = [&](size_t from_end) {  // the byte from_end before the end, lower-cased
      const char c = w[w.size() - from_end];
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    // The apostrophe that ends w[0, w.size() - tail), if any: its length.
    const auto apostrophe_before = [&](size_t tail) -> size_t {
      if (w.size() >= tail + 1 && w[w.size() - tail - 1] == '\'') return 1;
      if (w.size() >= tail + 3 && w.substr(w.size() - tail - 3, 3) == "\u2019") return 3;
      return 0;
    };
    if (w.empty()) return 0;
    const char last = lower(1);
    if (last == 's' || last == 'd' || last == 'm') {
      if (const size_t a = apostrophe_before(1)) return a + 1;
    }
    if (w.size() >= 2) {
      const char prev = lower(2);
      if ((prev == 'r' && last == 'e') || (prev == 'v' && last == 'e') || (prev == 'l' && last == 'l')) {
        if (const size_t a = apostrophe_before(2)) return a + 2;
      }
      if (last == 't') {
        if (const size_t a = apostrophe_before(1); a > 0 && w.size() >= a + 2 &&
                                                    (w[w.size() - a - 2] | 0x20) == 'n')
          return a + 2;
      }
    }
    return 0;
  }

  std::string_view text_;
  std::vector<ner_token>& out_;
  bool line_start_ = true;
  std::vector<std::pair<size_t, size_t>> trailing_;
};

}  // namespace

void tokenize_for_ner(std::string_view text, std::vector<ner_token>& tokens) {
  tokens.clear();
  tokenizer(text, tokens).run();
}

}  // namespace newsflow
