#include "pipeline/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fake_processors.h"
#include "pipeline/options_reader.h"

namespace newsflow {
namespace {

processor_registry fake_registry() {
  processor_registry r;
  r.add("upper", "test", [](const YAML::Node& options, const std::string& path, config_errors& errors,
                            processor_context& context) -> std::unique_ptr<processor> {
    options_reader reader(options, path, errors, &context.effective_options);
    reader.skip("type");
    int64_t level = 1;
    reader.read("level", level, 1, 9);
    reader.finish();
    if (!errors.empty()) return nullptr;
    return std::make_unique<testing::upper_processor>();
  });
  r.add("count", "test", [](const YAML::Node&, const std::string&, config_errors&, processor_context&) {
    return std::unique_ptr<processor>(std::make_unique<testing::counter_processor>());
  });
  return r;
}

config_document doc(const std::string& yaml) { return config_document{YAML::Load(yaml), {}}; }

TEST(config, defaults_apply_when_the_document_is_empty) {
  const auto registry = fake_registry();
  config_errors e;
  auto c = parse_pipeline_config(default_config_document(), {}, {"upper", "count"}, registry, e);
  EXPECT_TRUE(e.empty()) << e.joined();
  EXPECT_GE(c.runner.workers, 1u);
  EXPECT_EQ(c.input.max_message_bytes, 8u * 1024 * 1024);
  EXPECT_FALSE(c.input.repair_invalid_utf8);
  EXPECT_EQ(c.output.info, pipeline_info::full);
  ASSERT_EQ(c.chain.size(), 2u);
  EXPECT_EQ(c.chain[1].type, "count");
}

TEST(config, reads_every_core_section) {
  const auto registry = fake_registry();
  config_errors e;
  auto c = parse_pipeline_config(
      doc("pipeline: {workers: 3, max_in_flight: 100, max_in_flight_bytes: 2097152}\n"
          "input: {max_message_bytes: 2048, max_depth: 10, invalid_utf8: repair}\n"
          "output: {pipeline_info: version}\n"
          "logging: {level: debug, format: json}\n"
          "chain:\n  - count\n  - type: upper\n    level: 3\n"),
      {}, {}, registry, e);
  ASSERT_TRUE(e.empty()) << e.joined();
  EXPECT_EQ(c.runner.workers, 3u);
  EXPECT_EQ(c.runner.max_in_flight, 100u);
  EXPECT_EQ(c.runner.max_in_flight_bytes, 2097152u);
  EXPECT_EQ(c.input.max_message_bytes, 2048u);
  EXPECT_EQ(c.input.max_depth, 10u);
  EXPECT_TRUE(c.input.repair_invalid_utf8);
  EXPECT_EQ(c.output.info, pipeline_info::version);
  EXPECT_EQ(c.logging.format, "json");
  ASSERT_EQ(c.chain.size(), 2u);
  EXPECT_EQ(c.chain[0].type, "count");
  EXPECT_EQ(c.chain[1].path, "chain[1]");

  metrics_registry metrics;
  auto built = build_chain(c, registry, metrics, e);
  ASSERT_NE(built, nullptr) << e.joined();
  EXPECT_EQ(built->size(), 2u);
}

TEST(config, reports_every_problem_with_its_key) {
  const auto registry = fake_registry();
  config_errors e;
  auto c = parse_pipeline_config(
      doc("pipeline: {workers: 0, max_in_flight_bytes: 1000}\ninput: {invalid_utf8: fix}\nkafak: {}\n"
          "chain: [{type: nope}, {level: 2}, {type: upper, level: 12, colour: red}]\n"),
      {"kafka"}, {}, registry, e);
  metrics_registry metrics;
  EXPECT_EQ(build_chain(c, registry, metrics, e), nullptr);
  const std::string all = e.joined();
  EXPECT_NE(all.find("pipeline.workers: must be between 1 and 1024, not 0"), std::string::npos) << all;
  EXPECT_NE(all.find("pipeline.max_in_flight_bytes: must be between 1048576 and"), std::string::npos) << all;
  EXPECT_NE(all.find("input.invalid_utf8: must be one of reject, repair, not 'fix'"), std::string::npos);
  EXPECT_NE(all.find("kafak: unknown section (known: pipeline, input, output, logging, chain, kafka)"),
            std::string::npos);
  EXPECT_NE(all.find("chain[0].type: unknown processor 'nope' (known: count, upper)"), std::string::npos);
  EXPECT_NE(all.find("chain[1]: must name a processor"), std::string::npos);
  EXPECT_NE(all.find("chain[2].level: must be between 1 and 9, not 12"), std::string::npos);
  EXPECT_NE(all.find("chain[2].colour: unknown option"), std::string::npos);
}

TEST(config, loads_a_file_with_environment_substitution_and_reports_yaml_errors_with_lines) {
  const auto dir = std::filesystem::temp_directory_path() / "newsflow_config_test";
  std::filesystem::create_directories(dir);
  const auto good = dir / "good.yaml";
  std::ofstream(good) << "pipeline:\n  workers: ${WORKERS:-5}\n";
  config_errors e;
  auto d = load_config_file(good, [](std::string_view) { return std::nullopt; }, e);
  ASSERT_TRUE(d) << e.joined();
  EXPECT_EQ((*d).root["pipeline"]["workers"].as<int>(), 5);

  const auto bad = dir / "bad.yaml";
  std::ofstream(bad) << "pipeline:\n  workers: [1, 2\n";
  EXPECT_FALSE(load_config_file(bad, process_environment(), e));
  EXPECT_NE(e.joined().find("YAML syntax error at line"), std::string::npos) << e.joined();

  EXPECT_FALSE(load_config_file(dir / "missing.yaml", process_environment(), e));
  EXPECT_NE(e.joined().find("cannot read config file"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(config, effective_config_round_trips_through_the_parser) {
  const auto registry = fake_registry();
  config_errors e;
  auto c = parse_pipeline_config(doc("pipeline: {workers: 7}\nchain: [{type: upper, level: 2}]\n"), {}, {},
                                 registry, e);
  metrics_registry metrics;
  std::vector<YAML::Node> effective;
  ASSERT_NE(build_chain(c, registry, metrics, e, &effective), nullptr) << e.joined();
  YAML::Emitter out;
  out << to_yaml(c, effective);
  auto again = parse_pipeline_config(doc(out.c_str()), {}, {}, registry, e);
  ASSERT_TRUE(e.empty()) << e.joined() << out.c_str();
  EXPECT_EQ(again.runner.workers, 7u);
  ASSERT_EQ(again.chain.size(), 1u);
  EXPECT_EQ(again.chain[0].options["level"].as<int>(), 2);
}

}  // namespace
}  // namespace newsflow
