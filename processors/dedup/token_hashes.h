#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "processors/dedup/scratch_buffer.h"

namespace newsflow {

// Word tokens of a body, for similarity: runs of letters and digits (ASCII lower-cased;
// non-ASCII letters kept as written), so punctuation, case and whitespace never matter.
// Text that normalize leaves in place but that is layout, not content, is neutralized:
//  - HTML character references left in plain text (&nbsp; &#39; and the double-escaped
//    &amp;#39;) separate words, except apostrophes;
//  - apostrophes (' U+2018 U+2019 U+02BC, &#39; &apos; &rsquo;) are dropped inside a word,
//    so "Croatia's", "Croatia’s" and "Croatia&#39;s" are one token;
//  - Unicode punctuation and spaces (U+00A0-U+00BF, U+2000-U+206F, U+3000-U+303F) separate.
//
// The tokens of a body: a 64-bit hash of each token, in order; the same sequence with every
// token that holds a digit replaced by one placeholder ("numbers masked"); and for each line
// (text between '\n') that has tokens, the number of tokens up to its end: line i is
// tokens [line_ends[i-1], line_ends[i]).
struct token_sequence {
  scratch_buffer<uint64_t> hashes;
  scratch_buffer<uint64_t> masked;
  scratch_buffer<uint32_t> line_ends;
};

// A token's hash depends on its bytes alone (see token_hash), whichever way it was read: most
// words are read from 64-byte blocks of plain ASCII, the rest byte by byte.
void hash_tokens(std::string_view body, token_sequence& out);

// The same into vectors (cleared first), for callers that want them.
void hash_tokens(std::string_view body, std::vector<uint64_t>& token_hashes,
                 std::vector<uint64_t>* masked = nullptr, std::vector<uint32_t>* line_ends = nullptr);

// The hash of one token's bytes (lower-cased, apostrophes dropped).
uint64_t token_hash(const unsigned char* bytes, size_t len);

}  // namespace newsflow
