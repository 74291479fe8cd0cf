#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <string>

#include "pipeline/config_errors.h"
#include "pipeline/metrics.h"
#include "pipeline/processor.h"
#include "pipeline/processor_registry.h"
#include "processors/entities/entities_options.h"
#include "processors/entities/entity_canonicalizer.h"
#include "processors/entities/gazetteer.h"
#include "processors/entities/ner_model.h"
#include "processors/entities/word_clusters.h"
#include "processors/entities/word_vectors.h"

namespace newsflow {

// What the entities processor shares across workers: the models by language, the name
// lists and word clusters they were trained with, the alias table. Loaded once per process.
struct entities_resources {
  uint64_t serial = 0;  // unique per load: workers cache their taggers under it
  std::map<std::string, std::shared_ptr<const ner_model>> models;  // by language code
  std::shared_ptr<const gazetteer> names;                          // may be null
  std::shared_ptr<const word_clusters> clusters;                   // may be null
  std::shared_ptr<const word_vectors> vectors;                     // may be null
  std::shared_ptr<const entity_canonicalizer> aliases = std::make_shared<entity_canonicalizer>();
};

// Tags people, organizations, places and other names (PER ORG LOC MISC) in the headline and
// body with the model of the article's language (detected by langid, else the crawler's
// hint, else default_language), and writes enrichment.entities = [{"text", "type",
// "field": "title"|"text", "start", "end", "canonical"}], offsets in code points into that
// field as output, end exclusive. An article in a language without a model gets [] and is
// counted in newsflow_entities_unsupported_total{language}. Thread-safe (ordering::any).
class entities_processor final : public processor {
 public:
  entities_processor(const entities_options& options, std::shared_ptr<const entities_resources> resources,
                     metrics_registry& metrics);

  std::string_view name() const override { return "entities"; }
  ordering order() const override { return ordering::any; }
  process_result process(article& a) override;

 private:
  entities_options options_;
  std::shared_ptr<const entities_resources> resources_;
  metrics_registry& metrics_;
  counter& found_;
};

// Loads (once per process and set of files) the models and lists and builds the processor;
// a missing or bad file is a configuration error naming its option.
std::unique_ptr<processor> make_entities_processor(const YAML::Node& options, const std::string& path,
                                                   config_errors& errors, processor_context& context);

}  // namespace newsflow
