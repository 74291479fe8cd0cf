#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace newsflow {

// What the progress line shows, sampled twice a second.
struct progress_sample {
  uint64_t articles;
  uint64_t bytes;
};

// A live progress line on stderr (articles, MB, articles/s, ETA when the input size is
// known), redrawn in place. Only for terminals: the caller decides whether to start it.
class progress_line {
 public:
  progress_line(std::function<progress_sample()> sample, uint64_t total_bytes);
  ~progress_line();  // stops and clears the line

 private:
  void loop();
  void draw(const progress_sample& s, double seconds);

  std::function<progress_sample()> sample_;
  uint64_t total_bytes_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace newsflow
