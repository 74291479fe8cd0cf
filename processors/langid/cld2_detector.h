#pragma once

#include <string_view>
#include <vector>

#include "processors/langid/fasttext_model.h"

namespace newsflow {

// CLD2's summary of a text: up to three languages with the share of the text (0-1) each
// covers, CLD2's own reliability flag, and how many bytes of letters it scored.
struct cld2_result {
  std::vector<language_score> languages;  // score = share of the scored text, best first
  bool reliable = false;
  int text_bytes = 0;
};

// CLD2 (compact language detector 2) over valid UTF-8 plain text. Stateless and
// thread-safe. `best_effort` answers even for short text that CLD2 would otherwise call
// unknown. (CLD2's own hints are not used: langid applies the crawler's hint itself.)
void cld2_detect(std::string_view text, bool best_effort, cld2_result& out);

}  // namespace newsflow
