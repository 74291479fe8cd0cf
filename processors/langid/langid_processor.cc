#include "processors/langid/langid_processor.h"

#include "pipeline/model_path.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>

#include "pipeline/utf8.h"
#include "processors/langid/cld2_detector.h"
#include "processors/langid/label_map.h"

namespace newsflow {
namespace {

inline bool is_ascii_letter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

inline bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

// URLs, e-mail addresses and @handles say nothing about the language (and "www", "com",
// "https" pull towards English): such tokens are left out of the examined text.
bool is_non_linguistic_token(std::string_view t) {
  return t.find("://") != std::string_view::npos || t.starts_with("www.") ||
         t.find('@') != std::string_view::npos;
}

// Appends `text`'s tokens to `out` (single spaces between them, non-linguistic tokens left
// out) until `out` holds `max_bytes`; returns false once it is full.
bool append_tokens(std::string_view text, size_t max_bytes, std::string& out) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    while (i < n && is_space(text[i])) ++i;
    const size_t start = i;
    while (i < n && !is_space(text[i])) ++i;
    if (i == start) break;
    const std::string_view token = text.substr(start, i - start);
    if (is_non_linguistic_token(token)) continue;
    const size_t need = token.size() + (out.empty() ? 0 : 1);
    if (out.size() + need > max_bytes) {
      // A long single token (CJK text without spaces) is cut at a code point boundary;
      // otherwise the sample ends at the last whole word.
      if (out.size() + (out.empty() ? 0 : 1) + 16 < max_bytes) {
        if (!out.empty()) out.push_back(' ');
        out.append(utf8_truncate(token, max_bytes - out.size()));
      }
      return false;
    }
    if (!out.empty()) out.push_back(' ');
    out.append(token);
  }
  return true;
}

bool has_letter(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 0; i < s.size();) {
    if (p[i] < 0x80) {
      if (is_ascii_letter(p[i])) return true;
      ++i;
      continue;
    }
    size_t len = 1;
    const int32_t cp = utf8_decode_valid(p, i, len);
    const auto cat = utf8proc_category(cp);
    if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) return true;
    i += len;
  }
  return false;
}

// Lower-case copy of valid UTF-8 `in` for fastText: headlines in Title Case or capitals
// otherwise look like rare words to it (eval set, short texts: +0.5 points for fastText alone).
void to_lower(std::string_view in, std::string& out) {
  out.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  for (size_t i = 0; i < in.size();) {
    if (p[i] < 0x80) {
      out.push_back(static_cast<char>(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]));
      ++i;
      continue;
    }
    size_t len = 1;
    const int32_t cp = utf8_decode_valid(p, i, len);
    const int32_t lower = utf8proc_tolower(cp);
    if (lower == cp) {
      out.append(in.data() + i, len);
    } else {
      char buf[4];
      out.append(buf, utf8_encode(lower, buf));
    }
    i += len;
  }
}

bool is_cyrillic_text(std::string_view s) {
  // Lead bytes 0xD0-0xD3 encode U+0400-U+04FF.
  size_t cyr = 0, latin = 0;
  for (unsigned char c : s) {
    if (c >= 0xD0 && c <= 0xD3) ++cyr;
    else if (is_ascii_letter(c)) ++latin;
  }
  return cyr > latin;
}

struct fused {
  std::string_view code;
  double score;
};

void add(std::vector<fused>& v, std::string_view code, double s) {
  for (auto& f : v)
    if (f.code == code) {
      f.score += s;
      return;
    }
  v.push_back({code, s});
}

double score_of(const std::vector<fused>& v, std::string_view code) {
  for (const auto& f : v)
    if (f.code == code) return f.score;
  return 0;
}

constexpr std::array<std::string_view, 3> serbo_croatian = {"hr", "bs", "sr"};

// "pt-BR", "EN", "eng" -> the output code, or "" for no usable hint.
std::string_view hint_code(std::string_view hint, std::string& buf) {
  buf.clear();
  for (char c : hint) {
    if (c == '-' || c == '_') break;
    buf.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  }
  if (buf.empty() || buf.size() > 3) return {};
  const std::string_view code = map_language_label(buf);
  return code == "und" ? std::string_view{} : code;
}

}  // namespace

double langid_calibrate(double raw) {
  // (raw fused share, observed accuracy) at the middle of each 0.1 bin on the eval set.
  static constexpr std::array<std::pair<double, double>, 8> knots = {{
      {0.0, 0.0}, {0.45, 0.61}, {0.55, 0.85}, {0.65, 0.93},
      {0.75, 0.945}, {0.85, 0.977}, {0.95, 0.999}, {1.0, 1.0},
  }};
  raw = std::clamp(raw, 0.0, 1.0);
  for (size_t i = 1; i < knots.size(); ++i) {
    if (raw <= knots[i].first) {
      const auto [x0, y0] = knots[i - 1];
      const auto [x1, y1] = knots[i];
      return y0 + (y1 - y0) * (raw - x0) / (x1 - x0);
    }
  }
  return 1.0;
}

langid_processor::langid_processor(const langid_options& options,
                                   std::shared_ptr<const fasttext_model> model,
                                   metrics_registry& metrics)
    : options_(options),
      model_(std::move(model)),
      undetermined_(metrics.get_counter("newsflow_langid_undetermined_total",
                                        "Articles whose language could not be determined")) {}

language_guess langid_processor::identify(std::string_view headline, std::string_view body,
                                          std::string_view hint) const {
  thread_local std::string sample;
  thread_local std::string lowered;
  thread_local std::vector<language_score> ft;
  thread_local cld2_result cld;
  thread_local std::vector<fused> scores;
  thread_local std::string hint_buf;

  const auto max_bytes = static_cast<size_t>(options_.max_text_bytes);
  sample.clear();
  if (append_tokens(headline, max_bytes, sample)) append_tokens(body, max_bytes, sample);
  language_guess guess;
  if (!has_letter(sample)) return guess;

  scores.clear();
  to_lower(sample, lowered);
  model_->predict(lowered, 5, ft);
  for (const auto& s : ft) add(scores, s.code, s.score);
  double total = 1.0;
  if (options_.cld2) {
    cld2_detect(sample, true, cld);
    // CLD2's Bosnian votes go to fastText's preferred member of hr/bs/sr.
    std::string_view ft_member = "hr";
    double best = -1;
    for (const auto& s : ft)
      if (std::ranges::find(serbo_croatian, s.code) != serbo_croatian.end() && s.score > best) {
        best = s.score;
        ft_member = s.code;
      }
    for (const auto& s : cld.languages)
      add(scores, s.code == "bs" ? ft_member : s.code, langid_cld2_weight * s.score);
    total += langid_cld2_weight;
  }
  // fastText's "sh" (Serbo-Croatian) goes to the best-scored of hr/bs/sr, or by script.
  for (auto it = scores.begin(); it != scores.end(); ++it) {
    if (it->code != "sh") continue;
    const double sh = it->score;
    scores.erase(it);
    std::string_view to = is_cyrillic_text(sample) ? "sr" : "hr";
    double best = 0;
    for (auto m : serbo_croatian)
      if (const double s = score_of(scores, m); s > best) {
        best = s;
        to = m;
      }
    add(scores, to, sh);
    break;
  }
  if (scores.empty()) return guess;
  // The hint is one more (small) voter: it adds to the total too, so a hint that agrees
  // raises the confidence a little and one that disagrees lowers it.
  if (const std::string_view h = hint_code(hint, hint_buf); !h.empty() && options_.hint_weight > 0)
    for (auto& f : scores)
      if (f.code == h) {
        f.score += options_.hint_weight;
        total += options_.hint_weight;
        break;
      }

  const auto top = std::ranges::max_element(scores, {}, &fused::score);
  guess.code = top->code;
  guess.confidence = langid_calibrate(top->score / total);
  guess.reliable = guess.confidence >= options_.reliable_threshold;
  return guess;
}

process_result langid_processor::process(article& a) {
  const language_guess g =
      identify(a.headline, a.body, a.language_hint.present ? a.language_hint.value : "");
  if (g.code == "und") undetermined_.inc();
  a.language.assign(g.code);
  a.enrichment_member("language")
      .begin_object()
      .key("code").string(g.code)
      .key("confidence").number(g.confidence, 3)
      .key("reliable").boolean(g.reliable)
      .end_object();
  return verdict::next;
}

std::unique_ptr<processor> make_langid_processor(const YAML::Node& options,
                                                 const std::string& path,
                                                 config_errors& errors,
                                                 processor_context& context) {
  const size_t errors_before = errors.all().size();
  langid_options parsed = parse_langid_options(options, path, errors, &context.effective_options);
  if (errors.all().size() != errors_before) return nullptr;

  std::string tried;
  const std::string file = resolve_model_path(parsed.model, context.base_dir, tried);
  if (file.empty()) {
    errors.add(path + ".model", "fastText model file '" + parsed.model + "' not found (looked at " +
                                    tried + "); run scripts/fetch_models.sh or set model");
    return nullptr;
  }
  // One model per file per process, shared by every langid processor built from it.
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<const fasttext_model>> loaded;
  std::shared_ptr<const fasttext_model> model;
  {
    std::lock_guard lock(mutex);
    model = loaded[file].lock();
    if (!model) {
      try {
        model = std::make_shared<const fasttext_model>(file);
      } catch (const std::exception& e) {
        errors.add(path + ".model", e.what());
        return nullptr;
      }
      loaded[file] = model;
    }
  }
  return std::make_unique<langid_processor>(parsed, std::move(model), context.metrics);
}

}  // namespace newsflow
