#include "processors/langid/cld2_detector.h"

// compact_lang_det.h uses FILE without including <cstdio>.
#include <cstdio>
// (keep the order)
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <climits>

#include "processors/langid/label_map.h"

namespace newsflow {

void cld2_detect(std::string_view text, bool best_effort, cld2_result& out) {
  out.languages.clear();
  out.reliable = false;
  out.text_bytes = 0;
  if (text.empty()) return;
  const int length = text.size() > static_cast<size_t>(INT_MAX / 2)
                         ? INT_MAX / 2
                         : static_cast<int>(text.size());
  CLD2::CLDHints hints{nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  CLD2::Language language3[3];
  int percent3[3];
  double normalized_score3[3];
  int text_bytes = 0;
  bool reliable = false;
  CLD2::ExtDetectLanguageSummary(text.data(), length, true, &hints,
                                 best_effort ? CLD2::kCLDFlagBestEffort : 0, language3,
                                 percent3, normalized_score3, nullptr, &text_bytes, &reliable);
  out.reliable = reliable;
  out.text_bytes = text_bytes;
  for (int i = 0; i < 3; ++i) {
    if (language3[i] == CLD2::UNKNOWN_LANGUAGE || percent3[i] <= 0) continue;
    const std::string_view code = map_language_label(CLD2::LanguageCode(language3[i]));
    if (code == "und") continue;
    out.languages.push_back({code, percent3[i] / 100.0});
  }
}

}  // namespace newsflow
