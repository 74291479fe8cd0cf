#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/config_errors.h"

namespace newsflow {

// Reads one YAML mapping of options into a plain struct, reporting each problem with its key
// path, and, on finish(), every key that was never read (a typo must not pass silently).
//
//   options_reader r(node, "chain[0]", errors);
//   r.read("max_bytes", opts.max_bytes, 1024, 1 << 30);
//   r.read_choice("invalid_utf8", opts.invalid_utf8, {"reject", "repair"});
//   r.finish();
class options_reader {
 public:
  // With `effective`, every read records the option's final value (given or default) there.
  options_reader(const YAML::Node& node, std::string path, config_errors& errors,
                 YAML::Node* effective = nullptr);

  // Each read leaves `out` untouched when the key is absent.
  void read(std::string_view key, std::string& out);
  void read(std::string_view key, bool& out);
  void read(std::string_view key, int64_t& out, int64_t min, int64_t max);
  void read(std::string_view key, uint32_t& out, uint32_t min, uint32_t max);
  void read(std::string_view key, double& out, double min, double max);
  void read_choice(std::string_view key, std::string& out,
                   std::initializer_list<std::string_view> allowed);
  // A list of strings; a single string reads as a list of one.
  void read_list(std::string_view key, std::vector<std::string>& out);
  // A flat mapping of string keys to scalar values (e.g. librdkafka properties).
  void read_map(std::string_view key, std::map<std::string, std::string>& out);

  // Marks a key as known without reading it (e.g. `type`, read by the caller).
  void skip(std::string_view key) { seen_.insert(std::string(key)); }
  // A child mapping (may be undefined) and its path, for nested options.
  YAML::Node child(std::string_view key);
  std::string path_of(std::string_view key) const;

  // Reports keys that no read() asked for.
  void finish();

 private:
  const YAML::Node* scalar(std::string_view key);
  template <typename T>
  void record(std::string_view key, const T& value) {
    if (effective_) (*effective_)[std::string(key)] = value;
  }

  YAML::Node node_;
  std::string path_;
  config_errors& errors_;
  std::set<std::string, std::less<>> seen_;
  YAML::Node current_;
  YAML::Node* effective_;
};

}  // namespace newsflow
