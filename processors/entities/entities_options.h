#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>

#include "pipeline/config_errors.h"

namespace newsflow {

// Options of the entities processor, with their defaults (docs/configuration.md).
struct entities_options {
  // Language code -> model file (tools/ner_train.cc); relative paths against the config's
  // directory. Articles in other languages get no entities (counted in metrics).
  std::map<std::string, std::string> models = {
      {"en", "models/ner-en.bin"}, {"es", "models/ner-es.bin"}, {"nl", "models/ner-nl.bin"}};
  // The name lists, word clusters and word vectors the models were trained with ("" if without).
  std::string gazetteers = "models/gazetteers.tsv";
  std::string word_clusters = "models/word-clusters.tsv";
  std::string word_vectors = "models/word-vectors.bin";
  // Name variants that share one canonical form ("alias<TAB>canonical" lines; "" for none).
  std::string aliases = "models/entity-aliases.tsv";
  // The language of articles without a detected one (no langid in the chain, no hint).
  std::string default_language = "en";
  // At most this many entities per article (the first in title, then text order).
  int64_t max_entities = 1000;
  // Bytes of the body examined (cut at a line end before it when there is one).
  int64_t max_text_bytes = 200'000;
  // Word types each worker's tagger remembers per model, with their summed feature weights
  // (ner_word_cache: ~750 bytes a word, memory touched as the cache fills).
  int64_t word_cache = 16'384;
};

entities_options parse_entities_options(const YAML::Node& node, const std::string& path,
                                        config_errors& errors, YAML::Node* effective = nullptr);

}  // namespace newsflow
