#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newsflow {

// Collects every configuration problem with the key path it concerns
// ("chain[1].max_bytes: must be at least 1024"), so one run reports them all.
class config_errors {
 public:
  void add(std::string_view path, std::string_view message);
  bool empty() const { return errors_.empty(); }
  const std::vector<std::string>& all() const { return errors_; }
  std::string joined() const;

 private:
  std::vector<std::string> errors_;
};

}  // namespace newsflow
