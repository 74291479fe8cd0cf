#include "pipeline/env_substitution.h"

#include <fmt/format.h>

#include <cstdlib>

namespace newsflow {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

void substitute_node(YAML::Node node, const std::string& path, const env_lookup& env,
                     config_errors& errors) {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (text.find('$') == std::string::npos) return;
    if (auto value = substitute_env(text, env, path, errors)) node = *value;
    return;
  }
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i)
      substitute_node(node[i], fmt::format("{}[{}]", path, i), env, errors);
    return;
  }
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.as<std::string>();
      substitute_node(it->second, path.empty() ? key : path + "." + key, env, errors);
    }
  }
}

}  // namespace

env_lookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

std::optional<std::string> substitute_env(std::string_view text, const env_lookup& env,
                                          const std::string& path, config_errors& errors) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      out += c;  // a lone $ is literal
      ++i;
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      errors.add(path, fmt::format("unclosed '${{' in '{}'", text));
      return std::nullopt;
    }
    std::string_view ref = text.substr(i + 2, close - i - 2);
    std::string_view name = ref;
    std::optional<std::string_view> fallback;
    if (auto sep = ref.find(":-"); sep != std::string_view::npos) {
      name = ref.substr(0, sep);
      fallback = ref.substr(sep + 2);
    }
    if (!valid_name(name)) {
      errors.add(path, fmt::format("'${{{}}}' is not a valid environment variable reference", ref));
      return std::nullopt;
    }
    auto value = env(name);
    if (value && !(value->empty() && fallback)) {
      out += *value;
    } else if (fallback) {
      out += *fallback;
    } else {
      errors.add(path, fmt::format("environment variable {} is not set (use ${{{}:-default}} for a default)",
                                   name, name));
      return std::nullopt;
    }
    i = close + 1;
  }
  return out;
}

void substitute_env(YAML::Node& root, const env_lookup& env, config_errors& errors) {
  substitute_node(root, "", env, errors);
}

}  // namespace newsflow
