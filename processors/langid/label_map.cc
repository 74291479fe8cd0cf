#include "processors/langid/label_map.h"

#include <array>
#include <utility>

namespace newsflow {

std::string_view map_language_label(std::string_view label) {
  if (label.starts_with("__label__")) label.remove_prefix(9);
  // Primary subtag only: "zh-Hant" -> "zh", "sr-ME" -> "sr", "xx-Qaai" -> "xx".
  if (const size_t dash = label.find_first_of("-_"); dash != std::string_view::npos)
    label = label.substr(0, dash);
  if (label.empty() || label == "un" || label == "xx" || label == "xxx" || label == "und" ||
      label == "unknown")
    return "und";
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 13> aliases = {{
      {"iw", "he"}, {"in", "id"}, {"ji", "yi"}, {"jw", "jv"}, {"mo", "ro"}, {"nb", "no"},
      {"fil", "tl"}, {"arz", "ar"}, {"azb", "az"}, {"pnb", "pa"}, {"zsm", "ms"},
      {"pes", "fa"}, {"als", "gsw"},
  }};
  for (const auto& [from, to] : aliases)
    if (label == from) return to;
  return label;
}

}  // namespace newsflow
