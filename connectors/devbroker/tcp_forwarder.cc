#include "connectors/devbroker/tcp_forwarder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace newsflow {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  return addr;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Small request/response messages: do not let Nagle hold them back.
void set_nodelay(int fd) {
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

// Bytes read from one side and not yet written to the other.
class byte_queue {
 public:
  explicit byte_queue(size_t capacity) : data_(new char[capacity]), capacity_(capacity) {}
  bool empty() const { return begin_ == end_; }
  bool full() const { return begin_ == 0 && end_ == capacity_; }
  void clear() { begin_ = end_ = 0; }

  // Reads what fd has and fits. Returns false on a read error; sets eof when the peer closed.
  bool fill_from(int fd, bool& eof) {
    if (begin_ == end_) begin_ = end_ = 0;
    if (end_ == capacity_ && begin_ > 0) {
      std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == capacity_) return true;  // full: the other side has to catch up first
    const ssize_t n = ::recv(fd, data_.get() + end_, capacity_ - end_, 0);
    if (n > 0) end_ += static_cast<size_t>(n);
    if (n == 0) eof = true;
    return n >= 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }

  // Writes what fd accepts. Returns false on a write error (peer gone).
  bool drain_to(int fd) {
    if (empty()) return true;
    const ssize_t n = ::send(fd, data_.get() + begin_, end_ - begin_, MSG_NOSIGNAL);
    if (n > 0) begin_ += static_cast<size_t>(n);
    return n >= 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace

// One accepted client connection and its connection to the target.
struct tcp_forwarder::relay {
  int client = -1;
  int upstream = -1;
  bool connecting = true;
  // Once one side has closed, what it sent is still delivered to the other, then both close.
  bool client_gone = false;
  bool upstream_gone = false;
  bool failed = false;
  byte_queue to_upstream;
  byte_queue to_client;

  explicit relay(size_t buffer_bytes) : to_upstream(buffer_bytes), to_client(buffer_bytes) {}
  ~relay() {
    close_fd(client);
    close_fd(upstream);
  }
  bool finished() const {
    if (failed) return true;
    if (client_gone) return upstream_gone || to_upstream.empty();
    if (upstream_gone) return to_client.empty();
    return false;
  }
};

std::expected<std::unique_ptr<tcp_forwarder>, std::string> tcp_forwarder::start(
    const tcp_forwarder_options& options) {
  std::unique_ptr<tcp_forwarder> f(new tcp_forwarder(options));
  const auto fail = [&](const char* what) {
    return std::unexpected(fmt::format("cannot {} 127.0.0.1:{}: {}", what, options.listen_port,
                                       std::strerror(errno)));
  };
  f->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (f->listen_fd_ < 0) return fail("create a socket for");
  // A devbroker restarted right away must get its port back despite TIME_WAIT connections.
  int on = 1;
  ::setsockopt(f->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in addr = loopback(options.listen_port);
  if (::bind(f->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return fail("listen on");
  if (::listen(f->listen_fd_, 128) != 0) return fail("listen on");
  socklen_t len = sizeof addr;
  if (::getsockname(f->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return fail("listen on");
  f->port_ = ntohs(addr.sin_port);

  int wake[2];
  if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) return fail("create a wake-up pipe for");
  f->wake_read_fd_ = wake[0];
  f->wake_write_fd_ = wake[1];

  // The thread must never run the application's signal handlers: block them all while it
  // is created, so it inherits the full mask (librdkafka does the same for its threads).
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  f->thread_ = std::thread([raw = f.get()] { raw->run(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return f;
}

tcp_forwarder::~tcp_forwarder() {
  if (thread_.joinable()) {
    const char stop = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_write_fd_, &stop, 1);
    thread_.join();
  }
  close_fd(listen_fd_);
  close_fd(wake_read_fd_);
  close_fd(wake_write_fd_);
}

void tcp_forwarder::run() {
  std::vector<std::unique_ptr<relay>> relays;
  std::vector<pollfd> fds;
  const sockaddr_in target = loopback(options_.target_port);

  for (;;) {
    fds.clear();
    fds.push_back({wake_read_fd_, POLLIN, 0});
    // At the limit, new clients wait in the listen backlog.
    fds.push_back({listen_fd_, static_cast<short>(relays.size() < options_.max_connections ? POLLIN : 0), 0});
    for (const auto& r : relays) {
      short client_events = 0, upstream_events = 0;
      if (!r->to_upstream.full()) client_events |= POLLIN;
      if (!r->to_client.empty()) client_events |= POLLOUT;
      if (r->connecting) {
        upstream_events = POLLOUT;  // writable = the non-blocking connect finished
      } else {
        if (!r->to_client.full()) upstream_events |= POLLIN;
        if (!r->to_upstream.empty()) upstream_events |= POLLOUT;
      }
      // A negative fd is skipped by poll(2).
      fds.push_back({r->client_gone ? -1 : r->client, client_events, 0});
      fds.push_back({r->upstream_gone ? -1 : r->upstream, upstream_events, 0});
    }

    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents) return;  // stop requested

    for (size_t i = 0; i < relays.size(); ++i) {
      relay& r = *relays[i];
      const short client_ev = fds[2 + 2 * i].revents;
      const short upstream_ev = fds[3 + 2 * i].revents;

      if (r.connecting && upstream_ev) {
        int error = 0;
        socklen_t len = sizeof error;
        ::getsockopt(r.upstream, SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0) {  // target refused: the broker is down
          r.failed = true;
          continue;
        }
        r.connecting = false;
      }

      // A side that closed or failed reads nothing more and is sent nothing more.
      const auto transfer = [](short ev, int fd, bool& gone, byte_queue& in, byte_queue& out) {
        if (gone || !ev) return;
        bool eof = false;
        if ((ev & (POLLIN | POLLHUP | POLLERR)) && !in.full() && !in.fill_from(fd, eof))
          eof = true;
        if ((ev & POLLOUT) && !out.drain_to(fd)) eof = true;
        if ((ev & (POLLERR | POLLNVAL)) || ((ev & POLLHUP) && !(ev & POLLIN))) eof = true;
        if (eof) {
          gone = true;
          out.clear();
        }
      };
      transfer(client_ev, r.client, r.client_gone, r.to_upstream, r.to_client);
      if (!r.connecting)
        transfer(upstream_ev, r.upstream, r.upstream_gone, r.to_client, r.to_upstream);
    }
    std::erase_if(relays, [](const auto& r) { return r->finished(); });

    if (fds[1].revents & POLLIN) {
      while (relays.size() < options_.max_connections) {
        const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0) break;  // EAGAIN: no more waiting; anything else: try next time
        auto r = std::make_unique<relay>(options_.buffer_bytes);
        r->client = client;
        r->upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (r->upstream < 0) continue;  // r closes the client
        set_nodelay(r->client);
        set_nodelay(r->upstream);
        const int rc = ::connect(r->upstream, reinterpret_cast<const sockaddr*>(&target), sizeof target);
        if (rc == 0) {
          r->connecting = false;
        } else if (errno != EINPROGRESS) {
          continue;  // refused at once (broker down): closing the client tells it so
        }
        relays.push_back(std::move(r));
      }
    }
  }
}

}  // namespace newsflow
