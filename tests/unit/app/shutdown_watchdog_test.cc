#include "app/shutdown_watchdog.h"

#include "pipeline/logging.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace newsflow {
namespace {

using namespace std::chrono_literals;

TEST(shutdown_watchdog, a_stop_that_outlasts_the_limit_exits_the_process_with_status_1) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setup_logging("info", "text");  // the daemon's logger: stderr
        std::atomic<bool> stop{false};
        shutdown_watchdog watchdog(stop, 100ms);
        stop = true;
        std::this_thread::sleep_for(10s);  // a shutdown step that never returns
      },
      ::testing::ExitedWithCode(1), "stopping took longer than 100 ms");
}

TEST(shutdown_watchdog, a_stop_that_finishes_in_time_is_left_alone) {
  std::atomic<bool> stop{false};
  const auto start = std::chrono::steady_clock::now();
  {
    shutdown_watchdog watchdog(stop, 200ms);
    stop = true;
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(300ms);  // past the limit: the process is still here
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(shutdown_watchdog, without_a_stop_it_never_fires) {
  std::atomic<bool> stop{false};
  { shutdown_watchdog watchdog(stop, 1ms); std::this_thread::sleep_for(100ms); }
  SUCCEED();
}

}  // namespace
}  // namespace newsflow
