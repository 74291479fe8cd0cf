#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace newsflow {

// One token of text for the entity tagger: bytes [begin, end) of the text it came from.
struct ner_token {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool line_start = false;      // first token of a line (text between '\n')
  bool sentence_start = false;  // first of a line, or after . ! ? (and closing quotes)
};

// Splits news text into tokens the way newswire NER data is tokenized (CoNLL-2003, Penn
// Treebank style), keeping exact byte offsets:
//  - whitespace separates; opening punctuation ( [ { " ' “ ‘ « ¿ ¡ is split off the front
//    and closing punctuation ) ] } " ' ” ’ » , ; : ! ? … off the back of a word;
//  - a final period is split off unless the word is an abbreviation: one capital letter
//    ("J."), a word with another period in it ("U.S.", "a.m."), or a listed title, company
//    suffix or month ("Mr.", "Inc.", "Corp.", "Jan.");
//  - clitics are tokens of their own: "England's" -> "England" "'s" (also ’s), "don't" ->
//    "do" "n't", and 're 've 'll 'd 'm;
//  - dashes – and — inside a word separate (hyphens do not: "all-rounder", "1996-08-30").
// Text must be valid UTF-8. `tokens` is cleared first.
void tokenize_for_ner(std::string_view text, std::vector<ner_token>& tokens);

}  // namespace newsflow
