#pragma once

#include <string>
#include <string_view>

#include "pipeline/offset_map.h"

namespace newsflow {

struct text_normalization {
  // Collapse whitespace: runs of horizontal space -> one ASCII space, no spaces at line
  // ends, one newline kept, two or more -> one paragraph break "\n\n", whole text trimmed.
  // When false, whitespace is kept as given (line breaks still become "\n").
  bool fold_whitespace = true;
  // Every line break becomes a space (headlines).
  bool single_line = false;
  // Unicode NFC.
  bool nfc = true;
};

// Replaces `out` with the normalized form of `in` and, when `map` is given, fills it with
// code point positions in `out` -> code point positions in `in`.
//
// Always: CRLF and CR -> LF; VT, FF and U+0085 NEL are line breaks; U+2028 is a line break
// and U+2029 a paragraph break (when folding); other C0/C1 controls, DEL and U+FEFF are
// removed; invalid UTF-8 (never from the decoder) becomes U+FFFD, one per bad byte, each
// counting as one code point of `in`.
//
// The map covers both steps: the fold records an anchor wherever it drops or replaces code
// points, and NFC rewrites those anchors for the few segments it changes (see unicode_nfc.h),
// so each output code point maps to the first input code point it came from. A space or
// newline made from a run of whitespace maps to the run's first code point, the second
// newline of a paragraph break to the second line break of the run.
//
// `in` must not alias `out`. Thread-safe; no heap allocation once the thread's buffers and
// `out` have grown.
void normalize_text(std::string_view in, const text_normalization& how, std::string& out,
                    offset_map* map);

}  // namespace newsflow
