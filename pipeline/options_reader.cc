#include "pipeline/options_reader.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace newsflow {
namespace {

bool parse_int(const std::string& s, int64_t& out) {
  const char* b = s.data();
  const char* e = b + s.size();
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc{} && p == e;
}

}  // namespace

options_reader::options_reader(const YAML::Node& node, std::string path, config_errors& errors,
                               YAML::Node* effective)
    // A missing key reads as an empty mapping (yaml-cpp's undefined nodes throw on use).
    : node_(node.IsDefined() ? node : YAML::Node()),
      path_(std::move(path)),
      errors_(errors),
      effective_(effective) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap())
    errors_.add(path_, "must be a mapping of options");
}

std::string options_reader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

const YAML::Node* options_reader::scalar(std::string_view key) {
  seen_.insert(std::string(key));
  if (!node_.IsMap()) return nullptr;
  // reset() rebinds; operator= would overwrite the node current_ points to (yaml-cpp).
  current_.reset(node_[std::string(key)]);
  if (!current_.IsDefined() || current_.IsNull()) return nullptr;
  if (!current_.IsScalar()) {
    errors_.add(path_of(key), "must be a single value, not a list or mapping");
    return nullptr;
  }
  return &current_;
}

void options_reader::read(std::string_view key, std::string& out) {
  if (const auto* n = scalar(key)) out = n->Scalar();
  record(key, out);
}

void options_reader::read(std::string_view key, bool& out) {
  const auto* n = scalar(key);
  if (!n) return record(key, out);
  const std::string& s = n->Scalar();
  if (s == "true" || s == "yes" || s == "on") out = true;
  else if (s == "false" || s == "no" || s == "off") out = false;
  else errors_.add(path_of(key), fmt::format("must be true or false, not '{}'", s));
  record(key, out);
}

void options_reader::read(std::string_view key, int64_t& out, int64_t min, int64_t max) {
  const auto* n = scalar(key);
  if (!n) return record(key, out);
  int64_t v = 0;
  if (!parse_int(n->Scalar(), v)) {
    errors_.add(path_of(key), fmt::format("must be an integer, not '{}'", n->Scalar()));
  } else if (v < min || v > max) {
    errors_.add(path_of(key), fmt::format("must be between {} and {}, not {}", min, max, v));
  } else {
    out = v;
  }
  record(key, out);
}

void options_reader::read(std::string_view key, uint32_t& out, uint32_t min, uint32_t max) {
  int64_t v = out;
  read(key, v, min, max);
  out = static_cast<uint32_t>(v);
}

void options_reader::read(std::string_view key, double& out, double min, double max) {
  const auto* n = scalar(key);
  if (!n) return record(key, out);
  const std::string& s = n->Scalar();
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v)) {
    errors_.add(path_of(key), fmt::format("must be a number, not '{}'", s));
  } else if (v < min || v > max) {
    errors_.add(path_of(key), fmt::format("must be between {} and {}, not {}", min, max, v));
  } else {
    out = v;
  }
  record(key, out);
}

void options_reader::read_choice(std::string_view key, std::string& out,
                                 std::initializer_list<std::string_view> allowed) {
  const auto* n = scalar(key);
  if (!n) return record(key, out);
  const std::string& s = n->Scalar();
  for (auto a : allowed) {
    if (a == s) {
      out = s;
      return record(key, out);
    }
  }
  std::string list;
  for (auto a : allowed) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  errors_.add(path_of(key), fmt::format("must be one of {}, not '{}'", list, s));
}

void options_reader::read_list(std::string_view key, std::vector<std::string>& out) {
  YAML::Node n = child(key);
  if (n.IsDefined() && !n.IsNull()) {
    if (n.IsScalar()) {
      out = {n.Scalar()};
    } else if (n.IsSequence()) {
      std::vector<std::string> values;
      for (size_t i = 0; i < n.size(); ++i) {
        if (!n[i].IsScalar()) {
          errors_.add(fmt::format("{}[{}]", path_of(key), i), "must be a string");
          return;
        }
        values.push_back(n[i].Scalar());
      }
      out = std::move(values);
    } else {
      errors_.add(path_of(key), "must be a string or a list of strings");
      return;
    }
  }
  if (effective_) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const auto& v : out) list.push_back(v);
    (*effective_)[std::string(key)] = list;
  }
}

void options_reader::read_map(std::string_view key, std::map<std::string, std::string>& out) {
  YAML::Node n = child(key);
  if (n.IsDefined() && !n.IsNull()) {
    if (!n.IsMap()) {
      errors_.add(path_of(key), "must be a mapping of names to values");
      return;
    }
    for (const auto& kv : n) {
      const std::string name = kv.first.as<std::string>();
      if (!kv.second.IsScalar()) {
        errors_.add(fmt::format("{}.{}", path_of(key), name), "must be a single value");
        continue;
      }
      out[name] = kv.second.Scalar();
    }
  }
  if (effective_) {
    YAML::Node map(YAML::NodeType::Map);
    for (const auto& [k, v] : out) map[k] = v;
    (*effective_)[std::string(key)] = map;
  }
}

YAML::Node options_reader::child(std::string_view key) {
  seen_.insert(std::string(key));
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  return node_[std::string(key)];
}

void options_reader::finish() {
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string key = kv.first.as<std::string>();
    if (!seen_.contains(key)) errors_.add(path_of(key), "unknown option");
  }
}

}  // namespace newsflow
