#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace newsflow {

// Plain text of an HTML document's body, for articles that come without `text`.
//
// Parsed with gumbo (HTML5 error recovery, entities decoded), then the tree is walked with
// an explicit stack, so any nesting depth is fine. Content that is not article prose is
// dropped (scripts, styles, navigation, forms, embedded media, page footers; a <header>
// only survives if it holds an <h1>). Block elements end a paragraph ("\n\n"), <br> ends a
// line, table cells are separated by a tab. <head>, and so <title>, is never read. The
// output is not whitespace-folded yet.
class html_text_extractor {
 public:
  // Gumbo has no limits of its own: deeply nested or misnested markup makes it quadratic
  // (100,000 nested <div> take half a minute) and misnested formatting elements can make it
  // build far more nodes than the input has bytes. Parsing is abandoned past these limits.
  struct limits {
    size_t memory_base = size_t{64} << 20;  // bytes gumbo may allocate: base + per input byte
    size_t memory_per_byte = 64;            // (typical pages need about 11 per byte)
    std::chrono::milliseconds time_base{1000};  // wall time: base + per input MiB
    std::chrono::milliseconds time_per_mib{250};
  };

  enum class status { ok, too_complex };

  html_text_extractor() = default;
  explicit html_text_extractor(const limits& l) : limits_(l) {}

  // Replaces `out` with the body text. Thread-safe; parser memory comes from a thread_local
  // arena that is reused from one document to the next.
  status extract(std::string_view html, std::string& out) const;

 private:
  limits limits_;
};

}  // namespace newsflow
