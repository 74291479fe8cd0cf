#include "processors/entities/entities_options.h"

#include "pipeline/options_reader.h"

namespace newsflow {

entities_options parse_entities_options(const YAML::Node& node, const std::string& path,
                                        config_errors& errors, YAML::Node* effective) {
  entities_options opts;
  options_reader r(node, path, errors, effective);
  r.skip("type");
  // A models mapping replaces the default one (it does not add to it).
  if (node.IsMap() && node["models"]) opts.models.clear();
  r.read_map("models", opts.models);
  for (const auto& [language, file] : opts.models)
    if (language.empty() || file.empty())
      errors.add(r.path_of("models"), "language codes and model files must not be empty");
  r.read("gazetteers", opts.gazetteers);
  r.read("word_clusters", opts.word_clusters);
  r.read("word_vectors", opts.word_vectors);
  r.read("aliases", opts.aliases);
  r.read("default_language", opts.default_language);
  r.read("max_entities", opts.max_entities, 0, 1'000'000);
  r.read("max_text_bytes", opts.max_text_bytes, 64, int64_t{1} << 30);
  r.read("word_cache", opts.word_cache, 2, int64_t{1} << 24);
  r.finish();
  return opts;
}

}  // namespace newsflow
