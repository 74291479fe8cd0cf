#pragma once

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

namespace newsflow::testing {

// A redis-server of the test's own (Debian's redis-server, installed by scripts/setup.sh):
// a Unix socket in a fresh directory, nothing saved to disk, so a restart starts empty.
class redis_test_server {
 public:
  redis_test_server() {
    // A fresh directory under $TMPDIR (or /tmp): mkdtemp fills in the X's.
    std::string dir = (std::filesystem::temp_directory_path() / "newsflow-redis-XXXXXX").string();
    if (!mkdtemp(dir.data())) throw std::runtime_error("cannot create a directory for redis-server");
    dir_ = dir;
    socket_ = dir_ + "/redis.sock";
    start();
  }
  ~redis_test_server() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  redis_test_server(const redis_test_server&) = delete;
  redis_test_server& operator=(const redis_test_server&) = delete;

  std::string address() const { return "unix:" + socket_; }

  void start() {
    if (pid_ > 0) return;
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      const std::string log = dir_ + "/redis.log";
      execlp("redis-server", "redis-server", "--port", "0", "--unixsocket", socket_.c_str(),
             "--save", "", "--appendonly", "no", "--logfile", log.c_str(), "--dir", dir_.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!accepting()) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("redis-server did not start (is it installed? scripts/setup.sh)");
      }
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("redis-server did not open " + socket_ + " within 10 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  bool accepting() const {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_.c_str(), sizeof(addr.sun_path) - 1);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
  }

  std::string dir_;
  std::string socket_;
  pid_t pid_ = -1;
};

}  // namespace newsflow::testing
