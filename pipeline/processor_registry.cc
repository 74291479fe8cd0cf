#include "pipeline/processor_registry.h"

#include <stdexcept>

namespace newsflow {

void processor_registry::add(std::string name, std::string summary, processor_factory factory) {
  if (entries_.contains(name)) throw std::logic_error("processor registered twice: " + name);
  std::string key = name;
  entries_.emplace(std::move(key), entry{std::move(name), std::move(summary), std::move(factory)});
}

const processor_registry::entry* processor_registry::find(std::string_view name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> processor_registry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, e] : entries_) out.push_back(name);
  return out;
}

}  // namespace newsflow
