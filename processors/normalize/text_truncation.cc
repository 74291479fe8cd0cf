#include "processors/normalize/text_truncation.h"

#include <string_view>

#include "pipeline/utf8.h"

namespace newsflow {

bool truncate_text(std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return false;
  size_t cut = utf8_truncate(text, max_bytes).size();
  const size_t window_start = max_bytes - max_bytes / 10;
  // A break starting exactly at the cut counts: the kept text then ends before it.
  const size_t paragraph = text.rfind("\n\n", cut);
  if (paragraph != std::string::npos && paragraph >= window_start) {
    cut = paragraph;
  } else {
    const size_t space = text.find_last_of(" \t\n", cut);
    if (space != std::string::npos && space >= window_start) cut = space;
  }
  while (cut > 0 && (text[cut - 1] == ' ' || text[cut - 1] == '\t' || text[cut - 1] == '\n'))
    --cut;
  text.resize(cut);
  return true;
}

}  // namespace newsflow
