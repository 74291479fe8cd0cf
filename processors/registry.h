#pragma once

#include "pipeline/processor_registry.h"

namespace newsflow {

// Adds every built-in processor to `registry`: one line per processor in registry.cc.
void register_builtin_processors(processor_registry& registry);

// The chain used when the configuration names none, in order.
const std::vector<std::string>& default_chain();

}  // namespace newsflow
