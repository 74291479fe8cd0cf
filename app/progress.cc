#include "app/progress.h"

#include <cstdio>

namespace newsflow {

progress_line::progress_line(std::function<progress_sample()> sample, uint64_t total_bytes)
    : sample_(std::move(sample)),
      total_bytes_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      thread_([this] { loop(); }) {}

progress_line::~progress_line() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

void progress_line::loop() {
  std::unique_lock lock(mutex_);
  while (!stop_cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return stop_; })) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    draw(sample_(), seconds);
  }
}

void progress_line::draw(const progress_sample& s, double seconds) {
  const double mb = static_cast<double>(s.bytes) / 1e6;
  const double rate = seconds > 0 ? static_cast<double>(s.articles) / seconds : 0;
  char eta[32] = "";
  if (total_bytes_ > 0 && s.bytes > 0 && s.bytes < total_bytes_) {
    const double left = seconds * static_cast<double>(total_bytes_ - s.bytes) / static_cast<double>(s.bytes);
    const auto l = static_cast<long>(left);
    std::snprintf(eta, sizeof eta, "  ETA %ld:%02ld", l / 60, l % 60);
  }
  std::fprintf(stderr, "\r\033[K%llu articles  %.1f MB  %.0f articles/s  %.1f MB/s%s",
               static_cast<unsigned long long>(s.articles), mb, rate, seconds > 0 ? mb / seconds : 0.0,
               eta);
  std::fflush(stderr);
}

}  // namespace newsflow
