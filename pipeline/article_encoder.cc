#include "pipeline/article_encoder.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "pipeline/json_writer.h"
#include "pipeline/version.h"

namespace newsflow {
namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Member i of the raw object: from its key's opening quote to the end of its value.
std::string_view member_text(const article& a, size_t i) {
  const std::string_view raw = a.raw;
  const size_t begin = a.member_starts[i];
  size_t end;
  if (i + 1 < a.member_starts.size()) {
    end = a.member_starts[i + 1];
    while (end > begin && is_json_space(raw[end - 1])) --end;
    --end;  // the comma between the two members
  } else {
    end = raw.size() - 1;  // the object's closing brace
  }
  while (end > begin && is_json_space(raw[end - 1])) --end;
  return raw.substr(begin, end - begin);
}

bool omitted(const article& a, size_t i) {
  return a.member_omitted[i] ||
         (a.body_is_output_text && static_cast<int32_t>(i) == a.text_member);
}

}  // namespace

std::string_view format_rfc3339_now(std::array<char, 32>& buf) {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  int n = std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                        static_cast<int>(ms % 1000));
  return {buf.data(), static_cast<size_t>(n)};
}

void article_encoder::encode(const article& a, std::string& out) const {
  out.clear();
  out.reserve(a.raw.size() + a.enrichment.size() + 256);

  bool any_omitted = false;
  for (size_t i = 0; i < a.member_starts.size() && !any_omitted; ++i) any_omitted = omitted(a, i);

  bool need_comma;
  if (!any_omitted) {
    // Fast path: the input object up to (not including) its closing brace.
    std::string_view head = a.raw.substr(0, a.raw.size() - 1);
    while (!head.empty() && is_json_space(head.back())) head.remove_suffix(1);
    out += head;
    need_comma = !a.member_starts.empty();
  } else {
    out += '{';
    need_comma = false;
    for (size_t i = 0; i < a.member_starts.size(); ++i) {
      if (omitted(a, i)) continue;
      if (need_comma) out += ',';
      out += member_text(a, i);
      need_comma = true;
    }
  }

  json_writer w(out);
  if (need_comma) w.continue_container();
  if (a.body_is_output_text) w.key("text").string(a.body);
  w.key("enrichment");
  out += '{';
  out += a.enrichment;
  if (options_.info != pipeline_info::none) {
    json_writer e(out);
    if (!a.enrichment.empty()) e.continue_container();
    e.key("pipeline").begin_object();
    e.key("version").string(newsflow::version);
    if (options_.info == pipeline_info::full) {
      std::array<char, 32> time_buf;
      e.key("processed_at").string(format_rfc3339_now(time_buf));
      e.key("timings_us").begin_object();
      for (const auto& t : a.timings) e.key(t.processor).number(static_cast<uint64_t>(t.micros));
      e.end_object();
    }
    e.end_object();
  }
  out += "}}";
}

}  // namespace newsflow
