#include "app/http_options.h"

#include <gtest/gtest.h>

namespace newsflow {
namespace {

http_options parse(const std::string& yaml, config_errors& e) { return parse_http_options(YAML::Load(yaml), e); }

TEST(http_options, loopback_port_9740_by_default) {
  config_errors e;
  const http_options o = parse_http_options(YAML::Node(), e);
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(o.address, "127.0.0.1");
  EXPECT_EQ(o.port, 9740u);
}

TEST(http_options, reads_address_and_port) {
  config_errors e;
  const http_options o = parse("{address: '::', port: 0}", e);
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(o.address, "::");
  EXPECT_EQ(o.port, 0u);
}

TEST(http_options, errors_name_the_key) {
  config_errors e;
  parse("{address: localhost, port: 70000, prot: 1}", e);
  std::string all;
  for (const auto& line : e.all()) all += line + "\n";
  EXPECT_NE(all.find("http.address"), std::string::npos) << all;
  EXPECT_NE(all.find("http.port"), std::string::npos) << all;
  EXPECT_NE(all.find("http.prot"), std::string::npos) << all;
}

}  // namespace
}  // namespace newsflow
