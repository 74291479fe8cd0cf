#pragma once

#include <cstddef>
#include <string>

#include "pipeline/offset_map.h"

namespace newsflow {

// Rewrites valid UTF-8 `text` to Unicode NFC in place, and rewrites `map` (positions in
// `text` -> original positions) so it maps the NFC text to the same originals.
//
// A code point made by composition maps to the original position of its first part (the
// base letter of "e" + U+0301, the leading jamo of a Hangul syllable); reordered combining
// marks keep their own original positions.
//
// `ascii_prefix`: bytes at the start of `text` known to be ASCII (skipped quickly).
// Returns false, touching nothing, when `text` already is NFC (the common case).
// Thread-safe; scratch buffers are thread_local, so warm calls do not allocate.
bool nfc_in_place(std::string& text, offset_map& map, size_t ascii_prefix = 0);

// Builds the lookup tables now (about 8 ms, once per process) rather than on first use.
void nfc_prepare();

}  // namespace newsflow
