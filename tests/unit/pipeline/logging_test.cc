#include "pipeline/logging.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <string>

namespace newsflow {
namespace {

TEST(logging, json_format_writes_one_escaped_object_per_line) {
  ASSERT_TRUE(setup_logging("info", "json"));
  ::testing::internal::CaptureStderr();
  spdlog::info("partition {} said \"hi\"\nand left", 3);
  spdlog::debug("below the level");
  spdlog::default_logger()->flush();
  const std::string out = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;  // one line: the newline was escaped
  EXPECT_EQ(out.rfind("{\"time\":\"", 0), 0u) << out;
  EXPECT_NE(out.find(R"("level":"info","logger":"newsflowd","msg":"partition 3 said \"hi\"\nand left"})"),
            std::string::npos)
      << out;
}

TEST(logging, text_format_and_levels) {
  ASSERT_TRUE(setup_logging("warn", "text"));
  ::testing::internal::CaptureStderr();
  spdlog::info("hidden");
  spdlog::warn("shown {}", 1);
  spdlog::default_logger()->flush();
  const std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(out.find("hidden"), std::string::npos);
  EXPECT_NE(out.find("warning shown 1\n"), std::string::npos) << out;
}

TEST(logging, rejects_unknown_level_or_format) {
  EXPECT_FALSE(setup_logging("loud", "text"));
  EXPECT_FALSE(setup_logging("info", "xml"));
}

}  // namespace
}  // namespace newsflow
