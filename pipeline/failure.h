#pragma once

#include <string>
#include <string_view>

namespace newsflow {

// Why one input could not be turned into an output record. `code` is a stable, dotted
// reason ("json.syntax", "article.missing_body", ...) that users filter and alert on;
// `message` is for humans; `processor` names the step that failed ("decode" before the chain).
struct failure {
  std::string code;
  std::string message;
  std::string processor;
};

}  // namespace newsflow
