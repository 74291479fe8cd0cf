#include "pipeline/options_reader.h"

#include <gtest/gtest.h>

namespace newsflow {
namespace {

TEST(options_reader, reads_typed_values_and_leaves_defaults_for_absent_keys) {
  YAML::Node n = YAML::Load("{name: abc, flag: yes, count: 12, ratio: 0.25, mode: b}");
  config_errors e;
  options_reader r(n, "chain[0]", e);
  std::string name, mode = "a", absent = "default";
  bool flag = false;
  int64_t count = 0;
  double ratio = 0;
  r.read("name", name);
  r.read("flag", flag);
  r.read("count", count, 0, 100);
  r.read("ratio", ratio, 0, 1);
  r.read_choice("mode", mode, {"a", "b"});
  r.read("absent", absent);
  r.finish();
  EXPECT_TRUE(e.empty()) << e.joined();
  EXPECT_EQ(name, "abc");
  EXPECT_TRUE(flag);
  EXPECT_EQ(count, 12);
  EXPECT_DOUBLE_EQ(ratio, 0.25);
  EXPECT_EQ(mode, "b");
  EXPECT_EQ(absent, "default");
}

TEST(options_reader, every_error_names_its_key) {
  YAML::Node n = YAML::Load("{count: 500, flag: maybe, mode: c, ratio: abc, list: [1], typo: 1}");
  config_errors e;
  options_reader r(n, "chain[2]", e);
  int64_t count = 0;
  bool flag = false;
  std::string mode, list;
  double ratio = 0;
  r.read("count", count, 0, 100);
  r.read("flag", flag);
  r.read_choice("mode", mode, {"a", "b"});
  r.read("ratio", ratio, 0, 1);
  r.read("list", list);
  r.finish();
  const auto& all = e.all();
  ASSERT_EQ(all.size(), 6u) << e.joined();
  EXPECT_EQ(all[0], "chain[2].count: must be between 0 and 100, not 500");
  EXPECT_EQ(all[1], "chain[2].flag: must be true or false, not 'maybe'");
  EXPECT_EQ(all[2], "chain[2].mode: must be one of a, b, not 'c'");
  EXPECT_EQ(all[3], "chain[2].ratio: must be a number, not 'abc'");
  EXPECT_EQ(all[4], "chain[2].list: must be a single value, not a list or mapping");
  EXPECT_EQ(all[5], "chain[2].typo: unknown option");
  EXPECT_EQ(count, 0);  // left at its default
}

TEST(options_reader, reads_lists_and_maps_and_records_effective_values) {
  YAML::Node n = YAML::Load("{one: a, many: [b, c], props: {linger.ms: 5, acks: all}, bad: {x: [1]}}");
  config_errors e;
  YAML::Node effective(YAML::NodeType::Map);
  options_reader r(n, "kafka", e, &effective);
  std::vector<std::string> one, many, absent = {"default"};
  std::map<std::string, std::string> props, bad;
  int64_t count = 7;
  r.read_list("one", one);
  r.read_list("many", many);
  r.read_list("absent", absent);
  r.read_map("props", props);
  r.read_map("bad", bad);
  r.read("count", count, 0, 10);
  r.finish();
  EXPECT_EQ(one, std::vector<std::string>{"a"});
  EXPECT_EQ(many, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(absent, std::vector<std::string>{"default"});
  EXPECT_EQ(props.at("linger.ms"), "5");
  ASSERT_EQ(e.all().size(), 1u);
  EXPECT_EQ(e.all()[0], "kafka.bad.x: must be a single value");
  EXPECT_EQ(effective["count"].as<int>(), 7);
  EXPECT_EQ(effective["many"][1].as<std::string>(), "c");
  EXPECT_EQ(effective["props"]["acks"].as<std::string>(), "all");
}

}  // namespace
}  // namespace newsflow
