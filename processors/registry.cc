#include "processors/registry.h"

#include "processors/dedup/dedup_processor.h"
#include "processors/entities/entities_processor.h"
#include "processors/langid/langid_processor.h"
#include "processors/normalize/normalize_processor.h"

namespace newsflow {

void register_builtin_processors(processor_registry& registry) {
  registry.add("normalize", "plain text from text or html: NFC, whitespace folding, size limit",
               make_normalize_processor);
  registry.add("langid", "language of headline + body: fastText lid.176 fused with CLD2",
               make_langid_processor);
  registry.add("dedup", "exact and near-duplicate detection (canonical URL, body hash, MinHash-LSH)",
               make_dedup_processor);
  registry.add("entities", "people, organizations, places, other names: averaged-perceptron tagger",
               make_entities_processor);
}

const std::vector<std::string>& default_chain() {
  static const std::vector<std::string> chain = {"normalize", "langid", "dedup", "entities"};
  return chain;
}

}  // namespace newsflow
