#include "pipeline/config.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "pipeline/options_reader.h"

namespace newsflow {
namespace {

constexpr std::string_view core_sections[] = {"pipeline", "input", "output", "logging", "chain"};

unsigned default_workers() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 2 : n;
}

void parse_runner(const YAML::Node& node, runner_options& out, config_errors& errors) {
  options_reader r(node, "pipeline", errors);
  r.read("workers", out.workers, 1, 1024);
  int64_t in_flight = static_cast<int64_t>(out.max_in_flight);
  r.read("max_in_flight", in_flight, 0, 1 << 20);
  out.max_in_flight = static_cast<size_t>(in_flight);
  int64_t in_flight_bytes = static_cast<int64_t>(out.max_in_flight_bytes);
  r.read("max_in_flight_bytes", in_flight_bytes, int64_t{1} << 20, int64_t{1} << 40);
  out.max_in_flight_bytes = static_cast<size_t>(in_flight_bytes);
  r.finish();
}

void parse_input(const YAML::Node& node, decoder_options& out, config_errors& errors) {
  options_reader r(node, "input", errors);
  int64_t max_bytes = static_cast<int64_t>(out.max_message_bytes);
  r.read("max_message_bytes", max_bytes, 1024, int64_t{1} << 30);
  out.max_message_bytes = static_cast<uint64_t>(max_bytes);
  r.read("max_depth", out.max_depth, 1, 1000);
  std::string utf8 = out.repair_invalid_utf8 ? "repair" : "reject";
  r.read_choice("invalid_utf8", utf8, {"reject", "repair"});
  out.repair_invalid_utf8 = utf8 == "repair";
  r.finish();
}

void parse_output(const YAML::Node& node, encoder_options& out, config_errors& errors) {
  options_reader r(node, "output", errors);
  std::string info = "full";
  r.read_choice("pipeline_info", info, {"full", "version", "none"});
  out.info = info == "full" ? pipeline_info::full : info == "version" ? pipeline_info::version
                                                                      : pipeline_info::none;
  r.finish();
}

void parse_logging(const YAML::Node& node, logging_options& out, config_errors& errors) {
  options_reader r(node, "logging", errors);
  r.read_choice("level", out.level, {"trace", "debug", "info", "warn", "error", "critical", "off"});
  r.read_choice("format", out.format, {"text", "json"});
  r.finish();
}

void parse_chain(const YAML::Node& node, const std::vector<std::string>& default_chain,
                 const processor_registry& registry, std::vector<processor_spec>& out,
                 config_errors& errors) {
  if (!node.IsDefined() || node.IsNull()) {
    for (size_t i = 0; i < default_chain.size(); ++i) {
      YAML::Node options(YAML::NodeType::Map);
      options["type"] = default_chain[i];
      out.push_back(processor_spec{default_chain[i], options, fmt::format("chain[{}]", i)});
    }
    return;
  }
  if (!node.IsSequence()) {
    errors.add("chain", "must be a list of processors, e.g. [{type: normalize}]");
    return;
  }
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string path = fmt::format("chain[{}]", i);
    YAML::Node item = node[i];
    if (item.IsScalar()) {  // shorthand: "- normalize"
      YAML::Node options(YAML::NodeType::Map);
      options["type"] = item.Scalar();
      item.reset(options);
    }
    if (!item.IsMap() || !item["type"] || !item["type"].IsScalar()) {
      errors.add(path, "must name a processor: '- type: normalize' (or just '- normalize')");
      continue;
    }
    const std::string type = item["type"].Scalar();
    if (!registry.find(type)) {
      std::string known;
      for (const auto& n : registry.names()) known += (known.empty() ? "" : ", ") + n;
      errors.add(path + ".type", fmt::format("unknown processor '{}' (known: {})", type, known));
      continue;
    }
    out.push_back(processor_spec{type, item, path});
  }
}

}  // namespace

std::optional<config_document> load_config_file(const std::filesystem::path& path,
                                                const env_lookup& env, config_errors& errors) {
  std::ifstream in(path);
  if (!in) {
    errors.add("", fmt::format("cannot read config file {}", path.string()));
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  config_document doc;
  doc.path = path;
  try {
    doc.root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    errors.add("", fmt::format("{}: YAML syntax error at line {}, column {}: {}", path.string(),
                               e.mark.line + 1, e.mark.column + 1, e.msg));
    return std::nullopt;
  }
  if (doc.root.IsNull()) doc.root = YAML::Node(YAML::NodeType::Map);
  if (!doc.root.IsMap()) {
    errors.add("", fmt::format("{}: the configuration must be a mapping of sections", path.string()));
    return std::nullopt;
  }
  substitute_env(doc.root, env, errors);
  return doc;
}

config_document default_config_document() {
  return config_document{YAML::Node(YAML::NodeType::Map), {}};
}

pipeline_config parse_pipeline_config(const config_document& doc,
                                      std::initializer_list<std::string_view> other_sections,
                                      const std::vector<std::string>& default_chain,
                                      const processor_registry& registry, config_errors& errors) {
  pipeline_config config;
  config.runner.workers = default_workers();
  const YAML::Node& root = doc.root;
  parse_runner(root["pipeline"], config.runner, errors);
  parse_input(root["input"], config.input, errors);
  parse_output(root["output"], config.output, errors);
  parse_logging(root["logging"], config.logging, errors);
  parse_chain(root["chain"], default_chain, registry, config.chain, errors);
  config.base_dir = doc.path.empty() ? std::filesystem::current_path()
                                     : std::filesystem::absolute(doc.path).parent_path();
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    bool known = false;
    for (auto s : core_sections) known = known || s == key;
    for (auto s : other_sections) known = known || s == key;
    if (!known) {
      std::string all;
      for (auto s : core_sections) all += (all.empty() ? "" : ", ") + std::string(s);
      for (auto s : other_sections) all += ", " + std::string(s);
      errors.add(key, fmt::format("unknown section (known: {})", all));
    }
  }
  return config;
}

std::unique_ptr<chain> build_chain(const pipeline_config& config, const processor_registry& registry,
                                   metrics_registry& metrics, config_errors& errors,
                                   std::vector<YAML::Node>* effective_options, bool validate_only) {
  std::vector<std::unique_ptr<processor>> processors;
  for (const auto& spec : config.chain) {
    const auto* entry = registry.find(spec.type);
    if (!entry) {
      errors.add(spec.path + ".type", fmt::format("unknown processor '{}'", spec.type));
      continue;
    }
    processor_context context{metrics, config.base_dir, YAML::Node(YAML::NodeType::Map)};
    context.effective_options["type"] = spec.type;
    context.validate_only = validate_only;
    auto p = entry->factory(spec.options, spec.path, errors, context);
    if (p) processors.push_back(std::move(p));
    if (effective_options) effective_options->push_back(context.effective_options);
  }
  if (!errors.empty()) return nullptr;
  return std::make_unique<chain>(std::move(processors), metrics);
}

YAML::Node to_yaml(const pipeline_config& config, const std::vector<YAML::Node>& effective_chain) {
  YAML::Node root(YAML::NodeType::Map);
  root["pipeline"]["workers"] = config.runner.workers;
  root["pipeline"]["max_in_flight"] = config.runner.max_in_flight;
  root["pipeline"]["max_in_flight_bytes"] = config.runner.max_in_flight_bytes;
  root["input"]["max_message_bytes"] = config.input.max_message_bytes;
  root["input"]["max_depth"] = config.input.max_depth;
  root["input"]["invalid_utf8"] = config.input.repair_invalid_utf8 ? "repair" : "reject";
  root["output"]["pipeline_info"] = config.output.info == pipeline_info::full      ? "full"
                                    : config.output.info == pipeline_info::version ? "version"
                                                                                   : "none";
  root["logging"]["level"] = config.logging.level;
  root["logging"]["format"] = config.logging.format;
  YAML::Node chain(YAML::NodeType::Sequence);
  for (const auto& options : effective_chain) chain.push_back(options);
  root["chain"] = chain;
  return root;
}

}  // namespace newsflow
