#include "server/http/connection_gate.h"
#include "server/http/security_headers.h"

#include <Poco/Logger.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "server/http/api_error.h"

namespace argan::server {
namespace {

const char* reasonPhrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

// Where the request head ends (after the blank line), or npos. Poco accepts bare LF lines too.
std::size_t headEnd(const char* data, std::size_t n) {
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (data[i] != '\n') continue;
    if (data[i + 1] == '\n') return i + 2;
    if (data[i + 1] == '\r' && i + 2 < n && data[i + 2] == '\n') return i + 3;
  }
  return std::string::npos;
}

void setLowWater(int fd, int bytes) {
  ::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &bytes, sizeof bytes);
}

}  // namespace

ConnectionGate::ConnectionGate(Poco::Net::ServerSocket socket, GateOptions options,
                               std::function<void(const Poco::Net::StreamSocket&)> dispatch)
    : listener_(std::move(socket)), options_(options), dispatch_(std::move(dispatch)) {
  if (options_.maxConnections < 1) options_.maxConnections = 1;
  wakeFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakeFd_ < 0) throw internalError("cannot create the connection gate's event descriptor");
  peekBuffer_.resize(options_.maxHeadBytes + 1);
  listener_.setBlocking(false);
}

ConnectionGate::~ConnectionGate() {
  stop();
  if (wakeFd_ >= 0) ::close(wakeFd_);
}

void ConnectionGate::start() { thread_ = std::thread([this] { run(); }); }

void ConnectionGate::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.phase == Phase::kServing) {
      ++it;  // its thread finishes and closes it
    } else {
      it = entries_.erase(it);  // the last reference closes the descriptor
    }
  }
  try {
    listener_.close();
  } catch (...) {
  }
}

void ConnectionGate::wake() {
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wakeFd_, &one, sizeof one);
}

std::string ConnectionGate::rawAnswer(int status, const Error& error, int retryAfterSeconds) {
  std::ostringstream body;
  errorBody(error)->stringify(body);
  std::string text = body.str();
  std::ostringstream out;
  out << "HTTP/1.1 " << status << " " << reasonPhrase(status) << "\r\n"
      << "Content-Type: application/json; charset=utf-8\r\n"
      << "Content-Length: " << text.size() << "\r\n"
      << "Cache-Control: no-store\r\n"
      << "Connection: close\r\n";
  for (const auto& [name, value] : securityHeaders()) out << name << ": " << value << "\r\n";
  if (status == 503 || status == 429) out << "Retry-After: " << retryAfterSeconds << "\r\n";
  out << "\r\n" << text;
  return out.str();
}

void ConnectionGate::admittedChanged(const Entry& entry, int delta) {
  admitted_ += delta;
  int& n = perClient_[entry.client];
  n += delta;
  if (n <= 0) perClient_.erase(entry.client);
}

void ConnectionGate::run() {
  const int listenFd = listener_.impl()->sockfd();
  std::vector<pollfd> fds;
  std::vector<std::pair<int, std::uint64_t>> keys;  // descriptor and entry id per pollfd
  for (;;) {
    int timeoutMs = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      Clock::time_point now = Clock::now();
      expire(now);
      fds.clear();
      keys.clear();
      fds.push_back({wakeFd_, POLLIN, 0});
      keys.emplace_back(-1, 0);
      Clock::time_point next = now + std::chrono::seconds(1);
      if (now >= acceptPausedUntil_) {
        fds.push_back({listenFd, POLLIN, 0});
        keys.emplace_back(-2, 0);
      } else {
        next = std::min(next, acceptPausedUntil_);
      }
      for (auto& [fd, e] : entries_) {
        if (e.phase == Phase::kQueued) continue;
        next = std::min(next, e.deadline);
        if (e.phase == Phase::kServing) continue;
        if (e.phase == Phase::kWaitingHead && e.nextPeek > now) {
          next = std::min(next, e.nextPeek);
          continue;
        }
        fds.push_back({fd, POLLIN, 0});
        keys.emplace_back(fd, e.id);
      }
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
      timeoutMs = static_cast<int>(std::max<long long>(0, wait));
    }
    int ready = ::poll(fds.data(), fds.size(), timeoutMs);
    if (ready < 0 && errno != EINTR) {
      Poco::Logger::get("argan.http").error("connection gate: poll failed: %s",
                                            std::string(std::strerror(errno)));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    Clock::time_point now = Clock::now();
    for (std::size_t i = 0; ready > 0 && i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      auto [fd, id] = keys[i];
      if (fd == -1) {
        std::uint64_t count;
        while (::read(wakeFd_, &count, sizeof count) > 0) {
        }
      } else if (fd == -2) {
        for (int n = 0; n < 64 && now >= acceptPausedUntil_; ++n) {
          pollfd more{listenFd, POLLIN, 0};
          if (n > 0 && ::poll(&more, 1, 0) <= 0) break;
          acceptOne(now);
        }
      } else {
        auto it = entries_.find(fd);
        if (it == entries_.end() || it->second.id != id) continue;
        if (it->second.phase == Phase::kWaitingHead) {
          examineHead(it->second, now);
        } else if (it->second.phase == Phase::kLingering) {
          drain(it->second);
        }
      }
    }
  }
}

void ConnectionGate::acceptOne(Clock::time_point now) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  int fd = ::accept4(listener_.impl()->sockfd(), reinterpret_cast<sockaddr*>(&address), &length,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
      // Out of descriptors: leave the backlog to the kernel for a moment.
      Poco::Logger::get("argan.http").warning("connection gate: accept failed: %s",
                                              std::string(std::strerror(errno)));
      acceptPausedUntil_ = now + std::chrono::milliseconds(100);
    }
    return;
  }
  Entry entry;
  try {
    entry.socket = Poco::Net::StreamSocket(new Poco::Net::StreamSocketImpl(fd));
    entry.socket.setBlocking(false);
    if (address.ss_family == AF_INET || address.ss_family == AF_INET6) {
      entry.socket.setNoDelay(true);
      entry.client = Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&address),
                                              static_cast<poco_socklen_t>(length))
                         .host()
                         .toString();
    } else {
      entry.client = "local";
    }
  } catch (const Poco::Exception&) {
    return;  // the socket object closes the descriptor
  }
  ++stats_.accepted;
  entry.id = nextId_++;
  entry.deadline = now + std::chrono::milliseconds(options_.headerTimeoutMs);
  auto& slot = entries_[fd];
  slot = std::move(entry);
  Entry& e = slot;
  if (admitted_ >= options_.maxConnections) {
    ++stats_.refusedBusy;
    answerAndLinger(e, 503,
                    unavailable("the server is busy; try again shortly",
                                {{"retry_after_s", std::int64_t{options_.retryAfterSeconds}}}));
    return;
  }
  auto client = perClient_.find(e.client);
  if (options_.maxConnectionsPerClient > 0 && client != perClient_.end() &&
      client->second >= options_.maxConnectionsPerClient) {
    ++stats_.refusedClient;
    answerAndLinger(
        e, 429,
        Error(ErrorCode::ResourceExhausted,
              "too many connections from your address (at most " +
                  std::to_string(options_.maxConnectionsPerClient) + " at a time)",
              {{"limit", "max_connections_per_client"},
               {"retry_after_s", std::int64_t{options_.retryAfterSeconds}}}));
    return;
  }
  admittedChanged(e, +1);
}

void ConnectionGate::examineHead(Entry& e, Clock::time_point now) {
  int fd = e.socket.impl()->sockfd();
  ssize_t n = ::recv(fd, peekBuffer_.data(), peekBuffer_.size(), MSG_PEEK | MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    admittedChanged(e, -1);
    close(fd);  // the client went away
    return;
  }
  if (n < 0) return;
  auto size = static_cast<std::size_t>(n);
  if (e.idle) {
    // The first byte of the next request on a kept-alive connection: the head clock starts.
    e.idle = false;
    e.deadline = now + std::chrono::milliseconds(options_.headerTimeoutMs);
  }
  if (headEnd(peekBuffer_.data(), size) != std::string::npos) {
    if (e.seen > 0) setLowWater(fd, 1);
    e.seen = 0;
    try {
      e.socket.setBlocking(true);
    } catch (const Poco::Exception&) {
      admittedChanged(e, -1);
      close(fd);
      return;
    }
    e.phase = Phase::kQueued;
    e.queuedAt = now;
    ++queued_;
    ++stats_.dispatched;
    dispatch_(e.socket);
    return;
  }
  if (size > options_.maxHeadBytes) {
    ++stats_.headTooLarge;
    admittedChanged(e, -1);
    answerAndLinger(e, 431,
                    invalidArgument("the request head is larger than " +
                                        std::to_string(options_.maxHeadBytes) + " bytes",
                                    {{"limit", "max_head_bytes"}}));
    return;
  }
  // Wait for more bytes: the socket reports readable only past what is already here. The
  // kernel caps SO_RCVLOWAT, so also never look again sooner than 20 ms.
  e.seen = size;
  setLowWater(fd, static_cast<int>(size) + 1);
  e.nextPeek = now + std::chrono::milliseconds(20);
}

void ConnectionGate::drain(Entry& e) {
  int fd = e.socket.impl()->sockfd();
  char buffer[16384];
  for (int i = 0; i < 8; ++i) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    --lingering_;
    close(fd);  // the client closed its side (or failed): done
    return;
  }
}

void ConnectionGate::expire(Clock::time_point now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& e = it->second;
    auto next = std::next(it);
    if (e.phase != Phase::kQueued && now >= e.deadline) {
      switch (e.phase) {
        case Phase::kWaitingHead:
          admittedChanged(e, -1);
          if (e.idle) {
            close(it->first);  // an idle kept-alive connection: close quietly
          } else {
            ++stats_.headTimeouts;
            answerAndLinger(e, 408,
                            invalidArgument("the request head did not arrive within " +
                                                std::to_string(options_.headerTimeoutMs) + " ms",
                                            {{"limit", "header_timeout_ms"}}));
          }
          break;
        case Phase::kServing:
          // Unblocks the worker thread's read or write; it ends the request and calls
          // endRequest, which removes the entry.
          ++stats_.requestDeadlines;
          ::shutdown(it->first, SHUT_RDWR);
          e.deadline = Clock::time_point::max();
          break;
        case Phase::kLingering:
          --lingering_;
          close(it->first);
          break;
        case Phase::kQueued:
          break;
      }
    }
    it = next;
  }
}

void ConnectionGate::answerAndLinger(Entry& e, int status, const Error& error) {
  int fd = e.socket.impl()->sockfd();
  std::string answer = rawAnswer(status, error, options_.retryAfterSeconds);
  // A fresh socket's send buffer takes a small answer at once; partial sends are dropped.
  [[maybe_unused]] ssize_t sent =
      ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  linger(e);
}

void ConnectionGate::linger(Entry& e) {
  int fd = e.socket.impl()->sockfd();
  if (e.seen > 0) setLowWater(fd, 1);
  e.seen = 0;
  ::shutdown(fd, SHUT_WR);
  if (lingering_ >= options_.maxLingering) {
    close(fd);
    return;
  }
  try {
    e.socket.setBlocking(false);
  } catch (const Poco::Exception&) {
  }
  ++lingering_;
  e.phase = Phase::kLingering;
  e.nextPeek = {};
  e.deadline = Clock::now() + std::chrono::milliseconds(options_.lingerMs);
}

void ConnectionGate::close(int fd) { entries_.erase(fd); }

bool ConnectionGate::beginRequest(const Poco::Net::StreamSocket& socket) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(socket.impl()->sockfd());
  if (it == entries_.end() || it->second.phase != Phase::kQueued) return false;
  Entry& e = it->second;
  --queued_;
  Clock::time_point now = Clock::now();
  e.phase = Phase::kServing;
  e.deadline = now + std::chrono::milliseconds(options_.requestDeadlineMs);
  if (now - e.queuedAt > std::chrono::milliseconds(options_.maxQueueWaitMs)) {
    ++stats_.shedQueueWait;
    return false;
  }
  return true;
}

void ConnectionGate::endRequest(const Poco::Net::StreamSocket& socket, Ending ending,
                                const std::optional<Error>& answer) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(socket.impl()->sockfd());
  if (it == entries_.end()) return;  // stopped meanwhile
  Entry& e = it->second;
  if (e.phase == Phase::kQueued) --queued_;  // never began (server stopping)
  if (stopping_) {
    entries_.erase(it);
    return;
  }
  bool deadlinePassed = e.deadline == Clock::time_point::max();
  if (ending == Ending::kKeepAlive && !deadlinePassed) {
    try {
      e.socket.setBlocking(false);
    } catch (const Poco::Exception&) {
      admittedChanged(e, -1);
      entries_.erase(it);
      return;
    }
    e.phase = Phase::kWaitingHead;
    e.idle = true;
    e.seen = 0;
    e.nextPeek = {};
    e.deadline = Clock::now() + std::chrono::milliseconds(options_.keepAliveTimeoutMs);
    wake();
    return;
  }
  admittedChanged(e, -1);
  if (deadlinePassed) {
    entries_.erase(it);  // already shut down
    return;
  }
  if (ending == Ending::kOverloaded) {
    answerAndLinger(e, 503,
                    unavailable("the server is busy; try again shortly",
                                {{"retry_after_s", std::int64_t{options_.retryAfterSeconds}}}));
  } else if (ending == Ending::kAnswer && answer) {
    answerAndLinger(e, 400, *answer);
  } else {
    linger(e);
  }
  wake();
}

GateStats ConnectionGate::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  GateStats s = stats_;
  s.open = admitted_;
  return s;
}

}  // namespace argan::server
