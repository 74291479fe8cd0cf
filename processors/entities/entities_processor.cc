#include "processors/entities/entities_processor.h"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <type_traits>
#include <unordered_map>

#include "pipeline/model_path.h"
#include "processors/entities/ner_features.h"
#include "processors/entities/ner_tagger.h"

namespace newsflow {
namespace {

// Each set of resources gets a serial number: a worker's taggers are cached per (serial,
// language, word cache size), so a cache entry can never outlive or mix up the models it
// points to, and processors sharing the models keep the word cache they were configured with.
std::atomic<uint64_t> next_serial{1};

struct tagger_key {
  uint64_t serial;
  const ner_model* model;
  int64_t word_cache;
  bool operator==(const tagger_key&) const = default;
};
struct tagger_key_hash {
  size_t operator()(const tagger_key& k) const {
    return std::hash<uint64_t>()((k.serial * 31 + reinterpret_cast<uintptr_t>(k.model)) * 31 +
                                 static_cast<uint64_t>(k.word_cache));
  }
};

// The headline or body prefix to analyze: at most max_bytes, cut at a line end if there is
// one in the last quarter, else at a code point boundary.
std::string_view examined(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  const size_t line = text.rfind('\n', cut);
  if (line != std::string_view::npos && line >= max_bytes * 3 / 4) cut = line;
  return text.substr(0, cut);
}

struct found_entity {
  bool in_title;
  uint32_t begin, end;  // bytes in the analyzed headline / body
  uint8_t type;
};

}  // namespace

entities_processor::entities_processor(const entities_options& options,
                                       std::shared_ptr<const entities_resources> resources,
                                       metrics_registry& metrics)
    : options_(options),
      resources_(std::move(resources)),
      metrics_(metrics),
      found_(metrics.get_counter("newsflow_entities_found_total", "Entities tagged in articles")) {}

process_result entities_processor::process(article& a) {
  // The article's language: detected, else the crawler's hint (its primary subtag), else the default.
  std::string language = a.language != "und" ? a.language : "";
  if (language.empty() && a.language_hint.present) {
    language = a.language_hint.value.substr(0, a.language_hint.value.find_first_of("-_"));
    for (char& c : language) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (language.empty()) language = options_.default_language;

  json_writer w = a.enrichment_member("entities");
  w.begin_array();
  const auto model = resources_->models.find(language);
  if (model == resources_->models.end()) {
    w.end_array();
    metrics_
        .get_counter("newsflow_entities_unsupported_total",
                     "Articles in a language without an entity model (no entities tagged)",
                     {{"language", language}})
        .inc();
    return verdict::next;
  }

  static thread_local std::unordered_map<tagger_key, std::unique_ptr<ner_tagger>, tagger_key_hash> taggers;
  auto& tagger = taggers[tagger_key{resources_->serial, model->second.get(), options_.word_cache}];
  if (!tagger)
    tagger = std::make_unique<ner_tagger>(*model->second, resources_->names.get(), resources_->clusters.get(),
                                          resources_->vectors.get(), static_cast<size_t>(options_.word_cache));

  static thread_local std::vector<ner_span> spans;
  static thread_local std::vector<found_entity> found;
  static thread_local std::vector<entity_mention> mentions;
  found.clear();
  const size_t max_entities = static_cast<size_t>(options_.max_entities);
  const std::string_view headline = examined(a.headline, static_cast<size_t>(options_.max_text_bytes));
  const std::string_view body = examined(a.body, static_cast<size_t>(options_.max_text_bytes));
  for (const bool in_title : {true, false}) {
    tagger->tag(in_title ? headline : body, spans);
    for (const ner_span& s : spans) {
      if (found.size() == max_entities) break;
      found.push_back({in_title, s.begin, s.end, s.type});
    }
  }
  mentions.clear();
  for (const found_entity& f : found) {
    const std::string_view text = f.in_title ? headline : body;
    mentions.push_back({text.substr(f.begin, f.end - f.begin), f.type, {}});
  }
  resources_->aliases->resolve(mentions);

  // Code point offsets, counted forward through each field (entities come in text order),
  // then mapped back to the field as output.
  size_t byte = 0, code_points = 0;
  bool counting_title = true;
  for (size_t k = 0; k < found.size(); ++k) {
    const found_entity& f = found[k];
    const std::string_view text = f.in_title ? headline : body;
    if (f.in_title != counting_title) {
      counting_title = f.in_title;
      byte = code_points = 0;
    }
    const auto advance = [&](uint32_t to) {
      for (; byte < to; ++byte) code_points += (static_cast<unsigned char>(text[byte]) & 0xC0) != 0x80;
      return static_cast<uint32_t>(code_points);
    };
    const uint32_t start = advance(f.begin), end = advance(f.end);
    const offset_map& map = f.in_title ? a.headline_offsets : a.body_offsets;
    w.begin_object()
        .key("text").string(mentions[k].text)
        .key("type").string(entity_types[f.type])
        .key("field").string(f.in_title ? "title" : "text")
        .key("start").number(map.original(start))
        .key("end").number(map.original(end))
        .key("canonical").string(mentions[k].canonical)
        .end_object();
  }
  w.end_array();
  if (!found.empty()) found_.inc(found.size());
  return verdict::next;
}

std::unique_ptr<processor> make_entities_processor(const YAML::Node& options, const std::string& path,
                                                   config_errors& errors, processor_context& context) {
  const size_t errors_before = errors.all().size();
  entities_options parsed = parse_entities_options(options, path, errors, &context.effective_options);
  if (errors.all().size() != errors_before) return nullptr;

  // Resolved file names -> loaded resources, shared by every entities processor of the
  // process built from the same files.
  std::string key;
  const auto resolve = [&](const std::string& option, const std::string& where) -> std::string {
    std::string tried;
    std::string file = resolve_model_path(option, context.base_dir, tried);
    if (file.empty()) errors.add(where, fmt::format("file '{}' not found (looked at {})", option, tried));
    key += file + '\n';
    return file;
  };
  std::map<std::string, std::string> model_files;
  for (const auto& [language, file] : parsed.models)
    model_files[language] = resolve(file, fmt::format("{}.models.{}", path, language));
  const std::string names_file = parsed.gazetteers.empty() ? "" : resolve(parsed.gazetteers, path + ".gazetteers");
  const std::string aliases_file = parsed.aliases.empty() ? "" : resolve(parsed.aliases, path + ".aliases");
  const std::string clusters_file =
      parsed.word_clusters.empty() ? "" : resolve(parsed.word_clusters, path + ".word_clusters");
  const std::string vectors_file =
      parsed.word_vectors.empty() ? "" : resolve(parsed.word_vectors, path + ".word_vectors");
  if (errors.all().size() != errors_before) return nullptr;

  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<const entities_resources>> loaded;
  std::lock_guard lock(mutex);
  std::shared_ptr<const entities_resources> resources = loaded[key].lock();
  if (!resources) {
    auto r = std::make_shared<entities_resources>();
    r->serial = next_serial++;
    // Loads an optional data file into `into`; false (error added under its option) if bad.
    const auto load = [&](const std::string& file, const char* option, auto loader, auto& into) {
      if (file.empty()) return true;
      auto loaded = loader(file);
      if (!loaded) {
        errors.add(path + option, loaded.error());
        return false;
      }
      using value = std::remove_cvref_t<decltype(*loaded)>;
      if constexpr (std::is_same_v<value, std::remove_cvref_t<decltype(into)>>) {
        into = std::move(*loaded);
      } else {
        into = std::make_shared<const value>(std::move(*loaded));
      }
      return true;
    };
    if (!load(names_file, ".gazetteers", &gazetteer::load, r->names) ||
        !load(clusters_file, ".word_clusters", &word_clusters::load, r->clusters) ||
        !load(vectors_file, ".word_vectors", &word_vectors::load, r->vectors) ||
        !load(aliases_file, ".aliases", &entity_canonicalizer::load, r->aliases))
      return nullptr;
    for (const auto& [language, file] : model_files) {
      auto model = ner_model::load(file);
      const std::string where = fmt::format("{}.models.{}", path, language);
      if (!model) {
        errors.add(where, model.error());
        return nullptr;
      }
      const uint64_t want = resources_fingerprint(r->names.get(), r->clusters.get(), r->vectors.get());
      if (model->gazetteer_fingerprint() != want) {
        const auto or_none = [](const std::string& f) { return f.empty() ? std::string("none") : f; };
        errors.add(where, fmt::format("{} was trained with other name lists, word clusters or word vectors than "
                                      "{}, {} and {} (retrain it, or set gazetteers, word_clusters and "
                                      "word_vectors to the files it was trained with)",
                                      file, or_none(names_file), or_none(clusters_file), or_none(vectors_file)));
        return nullptr;
      }
      r->models[language] = std::make_shared<const ner_model>(std::move(*model));
    }
    resources = r;
    loaded[key] = resources;
  }
  return std::make_unique<entities_processor>(parsed, std::move(resources), context.metrics);
}

}  // namespace newsflow
