#include "pipeline/config_errors.h"

namespace newsflow {

void config_errors::add(std::string_view path, std::string_view message) {
  std::string line;
  line.reserve(path.size() + message.size() + 2);
  line += path.empty() ? std::string_view("(top level)") : path;
  line += ": ";
  line += message;
  errors_.push_back(std::move(line));
}

std::string config_errors::joined() const {
  std::string out;
  for (const auto& e : errors_) {
    out += e;
    out += '\n';
  }
  return out;
}

}  // namespace newsflow
