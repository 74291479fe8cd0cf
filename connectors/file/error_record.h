#pragma once

#include <string>

#include "pipeline/failure.h"
#include "pipeline/input_record.h"

namespace newsflow {

// One JSON Lines error record for an input that was rejected in batch mode:
// {"reason","message","processor","source","line","input_bytes","input"[,"input_truncated"]
//  [,"input_base64"]}. `input` is the original line as a string (invalid UTF-8 shown as
// U+FFFD); when the line is not valid UTF-8, `input_base64` holds its exact bytes.
void append_error_record(std::string& out, const input_record& record, const failure& why);

}  // namespace newsflow
