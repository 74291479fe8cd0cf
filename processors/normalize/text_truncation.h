#pragma once

#include <cstddef>
#include <string>

namespace newsflow {

// Cuts valid UTF-8 `text` to at most `max_bytes` bytes, never inside a code point. When a
// paragraph break, or else any ASCII whitespace, lies in the last 10% before the limit, the
// cut goes there so no word or sentence is cut in half; whitespace left at the end of the
// cut text is removed. Returns whether the text was cut. Positions of the kept text do not
// change, so its offset map stays valid.
bool truncate_text(std::string& text, size_t max_bytes);

}  // namespace newsflow
