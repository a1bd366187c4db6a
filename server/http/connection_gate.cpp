#include "server/http/connection_gate.h"
#include "server/http/security_headers.h"

#include <Poco/Logger.h>
#include <Poco/Net/SocketAddress.h>
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

using SteadyClock = std::chrono::steady_clock;

// A body gets this long before its average rate is judged.
constexpr auto kBodyGrace = std::chrono::milliseconds(2000);

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

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// What the gate needs from a request head: where it goes and how much body follows. A head
// the gate cannot make sense of is left to Poco's parser (which answers 400), except for
// the body framing, which the gate must get right or refuse.
struct HeadInfo {
  RequestHead head;
  std::optional<std::uint64_t> contentLength;
  bool chunked = false;
  bool expectContinue = false;
  std::optional<std::string> error;  // a framing problem: answer 400
};

HeadInfo parseHead(std::string_view text) {
  HeadInfo info;
  std::size_t lineEnd = text.find('\n');
  std::string_view requestLine = trim(text.substr(0, lineEnd));
  std::size_t space = requestLine.find(' ');
  if (space != std::string_view::npos) {
    info.head.method = std::string(requestLine.substr(0, space));
    std::string_view rest = requestLine.substr(space + 1);
    std::string_view target = rest.substr(0, rest.find(' '));
    info.head.path = std::string(target.substr(0, target.find('?')));
  }
  info.head.health = (info.head.method == "GET" || info.head.method == "HEAD") &&
                     info.head.path == "/api/health";
  std::size_t at = lineEnd == std::string_view::npos ? text.size() : lineEnd + 1;
  while (at < text.size()) {
    std::size_t next = text.find('\n', at);
    std::string_view line = text.substr(at, next == std::string_view::npos ? text.size() - at
                                                                          : next - at);
    at = next == std::string_view::npos ? text.size() : next + 1;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (equalsIgnoreCase(name, "Content-Length")) {
      bool digits = !value.empty() && value.size() <= 18 &&
                    std::all_of(value.begin(), value.end(),
                                [](char c) { return c >= '0' && c <= '9'; });
      if (!digits) {
        info.error = "Content-Length must be a number of bytes";
        continue;
      }
      std::uint64_t length = std::stoull(std::string(value));
      if (info.contentLength && *info.contentLength != length) {
        info.error = "two different Content-Length headers";
      }
      info.contentLength = length;
    } else if (equalsIgnoreCase(name, "Transfer-Encoding")) {
      info.chunked = true;  // whatever the coding, the thread's parser reads it
    } else if (equalsIgnoreCase(name, "Expect")) {
      info.expectContinue = equalsIgnoreCase(value, "100-continue");
    }
  }
  if (info.chunked && info.contentLength) {
    info.error = "a request may not have both Content-Length and Transfer-Encoding";
  }
  return info;
}

}  // namespace

// ---- GateSocketImpl ----------------------------------------------------------------------

GateSocketImpl::GateSocketImpl(int fd, int idleTimeoutMs, int minRate)
    : Poco::Net::StreamSocketImpl(fd), idleTimeoutMs_(idleTimeoutMs), minRate_(minRate) {}

void GateSocketImpl::setPrefix(std::string bytes, bool rest) {
  prefix_ = std::move(bytes);
  prefixAt_ = 0;
  continueSent_ = false;
  rest_ = rest;
  streaming_ = false;
  slowBody_.clear();
}

int GateSocketImpl::receiveBytes(void* buffer, int length, int flags) {
  if (length <= 0) return 0;
  if (prefixAt_ < prefix_.size()) {
    std::size_t n = std::min(prefix_.size() - prefixAt_, static_cast<std::size_t>(length));
    std::memcpy(buffer, prefix_.data() + prefixAt_, n);
    if ((flags & MSG_PEEK) == 0) prefixAt_ += n;
    if (prefixAt_ == prefix_.size()) {
      std::string().swap(prefix_);
      prefixAt_ = 0;
    }
    return static_cast<int>(n);
  }
  if (!rest_) return 0;  // the request ends here
  // Bytes the gate did not read: the rest of a large or chunked body. They must keep coming.
  auto now = SteadyClock::now();
  if (!streaming_) {
    streaming_ = true;
    streamStart_ = now;
    streamed_ = 0;
  }
  auto lastByte = streamStart_;
  for (;;) {
    now = SteadyClock::now();
    auto idleEnd = lastByte + std::chrono::milliseconds(idleTimeoutMs_);
    auto rateEnd = streamStart_ + kBodyGrace +
                   std::chrono::milliseconds(minRate_ > 0 ? (streamed_ + 1) * 1000 /
                                                                static_cast<std::uint64_t>(minRate_)
                                                          : 1000000000ULL);
    auto deadline = std::min(idleEnd, rateEnd);
    if (now >= deadline) {
      slowBody_ = now >= idleEnd ? "no byte of the request body arrived for " +
                                       std::to_string(idleTimeoutMs_) + " ms"
                                 : "the request body arrives too slowly (" +
                                       std::to_string(streamed_) + " bytes so far; at least " +
                                       std::to_string(minRate_) + " bytes/s are needed)";
      throw SlowBodyException(slowBody_);
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    pollfd p{sockfd(), POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(wait, 60000)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      error(errno);
    }
    if (ready == 0) continue;
    ssize_t n = ::recv(sockfd(), buffer, static_cast<std::size_t>(length), flags);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      error(errno);
    }
    if (n > 0) {
      streamed_ += static_cast<std::uint64_t>(n);
      lastByte = SteadyClock::now();
    }
    return static_cast<int>(n);
  }
}

// ---- ConnectionGate ----------------------------------------------------------------------

ConnectionGate::ConnectionGate(Poco::Net::ServerSocket socket, GateOptions options, Serve serve,
                               std::function<void()> idle)
    : listener_(std::move(socket)), options_(options), serve_(std::move(serve)),
      idle_(std::move(idle)) {
  options_.threads = std::max(1, options_.threads);
  options_.healthThreads = std::max(1, options_.healthThreads);
  options_.maxPending = std::max(1, options_.maxPending);
  options_.maxStreamingThreads = std::clamp(options_.maxStreamingThreads, 1, options_.threads);
  wakeFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakeFd_ < 0) throw internalError("cannot create the connection gate's event descriptor");
  peekBuffer_.resize(options_.maxHeadBytes + 1);
  listener_.setBlocking(false);
}

ConnectionGate::~ConnectionGate() {
  stop(0);
  if (wakeFd_ >= 0) ::close(wakeFd_);
}

void ConnectionGate::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { run(); });
  for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { work(false); });
  for (int i = 0; i < options_.healthThreads; ++i) workers_.emplace_back([this] { work(true); });
}

void ConnectionGate::stop(int graceMs) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !thread_.joinable() && workers_.empty()) return;
    stopping_ = true;
  }
  wake();
  if (thread_.joinable()) thread_.join();
  {
    std::unique_lock<std::mutex> lock(mutex_);
    generalQueue_.clear();
    healthQueue_.clear();
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.phase == Phase::kServing) {
        ++it;  // its thread finishes and closes it
      } else {
        uncount(it->second);
        it = entries_.erase(it);  // the last reference closes the descriptor
      }
    }
    work_.notify_all();
    // Requests being served get the grace period, then their sockets are shut down.
    work_.wait_for(lock, std::chrono::milliseconds(std::max(0, graceMs)),
                   [&] { return serving_ == 0; });
    for (auto& [fd, e] : entries_) {
      if (e.phase == Phase::kServing) ::shutdown(fd, SHUT_RDWR);
    }
  }
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  workers_.clear();
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

void ConnectionGate::run() {
  const int listenFd = listener_.impl()->sockfd();
  std::vector<pollfd> fds;
  std::vector<std::pair<int, std::uint64_t>> keys;  // descriptor and entry id per pollfd
  for (;;) {
    int timeoutMs = 0;
    bool runIdle = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      Clock::time_point now = Clock::now();
      expire(now);
      const auto quiet = std::chrono::seconds(2);
      if (idle_ && busySinceIdle_ && serving_ == 0 && generalQueue_.empty() &&
          healthQueue_.empty()) {
        if (now - lastRequest_ >= quiet) {
          busySinceIdle_ = false;
          runIdle = true;
        }
      }
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
        if (e.phase == Phase::kQueued) {
          next = std::min(next, e.queuedAt + std::chrono::milliseconds(options_.maxQueueWaitMs));
          continue;
        }
        next = std::min(next, e.deadline);
        if (e.phase == Phase::kServing) continue;
        if (e.phase == Phase::kWaitingHead && e.nextPeek > now) {
          next = std::min(next, e.nextPeek);
          continue;
        }
        fds.push_back({fd, POLLIN, 0});
        keys.emplace_back(fd, e.id);
      }
      if (idle_ && busySinceIdle_) next = std::min(next, lastRequest_ + quiet);
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
      timeoutMs = static_cast<int>(std::max<long long>(0, wait));
    }
    if (runIdle) {
      try {
        idle_();
      } catch (...) {
      }
      continue;
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
        } else if (it->second.phase == Phase::kReadingBody) {
          readBody(it->second, now);
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
    entry.impl = new GateSocketImpl(fd, options_.bodyIdleTimeoutMs, options_.minBodyRate);
    entry.socket = Poco::Net::StreamSocket(entry.impl);
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
  if (pending_ >= options_.maxPending) {
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
  ++perClient_[e.client];
  ++pending_;
  e.counted = true;
}

void ConnectionGate::examineHead(Entry& e, Clock::time_point now) {
  int fd = e.socket.impl()->sockfd();
  ssize_t n = ::recv(fd, peekBuffer_.data(), peekBuffer_.size(), MSG_PEEK | MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
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
  std::size_t end = headEnd(peekBuffer_.data(), size);
  if (end == std::string::npos) {
    if (size > options_.maxHeadBytes) {
      ++stats_.headTooLarge;
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
    return;
  }
  if (e.seen > 0) setLowWater(fd, 1);
  e.seen = 0;
  HeadInfo info = parseHead(std::string_view(peekBuffer_.data(), end));
  if (info.error) {
    answerAndLinger(e, 400, invalidArgument("malformed HTTP request: " + *info.error));
    return;
  }
  e.head = info.head;
  // The head leaves the kernel: it becomes the start of what the thread reads.
  std::string head(end, '\0');
  ssize_t got = ::recv(fd, head.data(), end, MSG_DONTWAIT);
  if (got != static_cast<ssize_t>(end)) {
    close(fd);
    return;
  }
  std::uint64_t body = info.contentLength.value_or(0);
  e.lane = Lane::kGeneral;
  if (info.chunked || body > options_.bufferBodyBytes ||
      buffered_ + body > options_.maxBufferedBytes) {
    // Too large to hold in memory: the thread reads it (GateSocketImpl's rules apply).
    if (!e.head.health) e.lane = Lane::kStreaming;
    e.impl->setPrefix(std::move(head), /*rest=*/true);
    enqueue(e, now);
    return;
  }
  e.impl->setPrefix(std::string());
  e.buffer = std::move(head);
  e.headLength = end;
  e.wanted = end + static_cast<std::size_t>(body);
  if (body == 0) {
    e.impl->setPrefix(std::move(e.buffer));
    e.buffer.clear();
    e.wanted = 0;
    enqueue(e, now);
    return;
  }
  buffered_ += e.wanted;
  e.held = e.wanted;  // counted whole from the start; grown as bytes arrive
  e.phase = Phase::kReadingBody;
  e.bodyStart = now;
  e.lastByte = now;
  if (info.expectContinue) {
    static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    [[maybe_unused]] ssize_t sent =
        ::send(fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    e.impl->setContinueSent(true);
  }
  e.deadline = bodyDeadline(e);
  readBody(e, now);
}

ConnectionGate::Clock::time_point ConnectionGate::bodyDeadline(const Entry& e) const {
  auto idleEnd = e.lastByte + std::chrono::milliseconds(options_.bodyIdleTimeoutMs);
  if (options_.minBodyRate <= 0) return idleEnd;
  // After the grace, the average since the head must be at least minBodyRate.
  std::uint64_t received = e.buffer.size() - std::min(e.buffer.size(), e.headLength);
  auto rateEnd = e.bodyStart + kBodyGrace +
                 std::chrono::milliseconds((received + 1) * 1000 /
                                           static_cast<std::uint64_t>(options_.minBodyRate));
  return std::min(idleEnd, rateEnd);
}

void ConnectionGate::readBody(Entry& e, Clock::time_point now) {
  int fd = e.socket.impl()->sockfd();
  while (e.buffer.size() < e.wanted) {
    char chunk[65536];
    std::size_t want = std::min(sizeof chunk, e.wanted - e.buffer.size());
    ssize_t n = ::recv(fd, chunk, want, MSG_DONTWAIT);
    if (n > 0) {
      e.buffer.append(chunk, static_cast<std::size_t>(n));
      e.lastByte = now;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
    if (n == 0) {
      // The client closed its side before the body was complete: it may still read.
      std::size_t got = e.buffer.size() - std::min(e.buffer.size(), e.headLength);
      answerAndLinger(e, 400,
                      invalidArgument("the request body ended after " + std::to_string(got) +
                                          " of the " + std::to_string(e.wanted - e.headLength) +
                                          " bytes its Content-Length announced",
                                      {{"field", "Content-Length"}}));
      return;
    }
    close(fd);  // the connection failed before the body was complete
    return;
  }
  if (e.buffer.size() < e.wanted) {
    e.deadline = bodyDeadline(e);
    return;
  }
  ++stats_.bodiesBuffered;
  bool continueSent = e.impl->continueSent();
  e.impl->setPrefix(std::move(e.buffer));  // counted in buffered_ until a thread takes it
  e.impl->setContinueSent(continueSent);
  e.buffer.clear();
  e.wanted = 0;
  enqueue(e, now);
}

void ConnectionGate::enqueue(Entry& e, Clock::time_point now) {
  int fd = e.socket.impl()->sockfd();
  bool health = e.head.health;
  std::size_t waiting = health ? healthQueue_.size() : generalQueue_.size();
  std::size_t cap = static_cast<std::size_t>(health ? options_.healthQueue : options_.maxQueued);
  if (waiting >= cap) {
    ++stats_.refusedQueueFull;
    answerAndLinger(e, 503,
                    unavailable("the server is busy; try again shortly",
                                {{"retry_after_s", std::int64_t{options_.retryAfterSeconds}}}));
    return;
  }
  try {
    e.socket.setBlocking(true);
  } catch (const Poco::Exception&) {
    close(fd);
    return;
  }
  if (health) e.lane = Lane::kHealth;
  --pending_;
  e.phase = Phase::kQueued;
  e.queuedAt = now;
  ++stats_.dispatched;
  if (!health) {
    // Health probes (a load balancer's, every second) neither need the memory released nor
    // keep it from being released.
    busySinceIdle_ = true;
    lastRequest_ = now;
  }
  (health ? healthQueue_ : generalQueue_).push_back(fd);
  work_.notify_all();
}

void ConnectionGate::removeFromQueue(int fd) {
  for (auto* queue : {&generalQueue_, &healthQueue_}) {
    auto it = std::find(queue->begin(), queue->end(), fd);
    if (it != queue->end()) queue->erase(it);
  }
}

void ConnectionGate::drain(Entry& e) {
  int fd = e.socket.impl()->sockfd();
  char buffer[16384];
  for (int i = 0; i < 8; ++i) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    close(fd);  // the client closed its side (or failed): done
    return;
  }
}

void ConnectionGate::expire(Clock::time_point now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& e = it->second;
    int fd = it->first;
    ++it;  // e may be erased below
    switch (e.phase) {
      case Phase::kWaitingHead:
        if (now < e.deadline) break;
        if (e.idle) {
          close(fd);  // an idle kept-alive connection: close quietly
        } else {
          ++stats_.headTimeouts;
          answerAndLinger(e, 408,
                          invalidArgument("the request head did not arrive within " +
                                              std::to_string(options_.headerTimeoutMs) + " ms",
                                          {{"limit", "header_timeout_ms"}}));
        }
        break;
      case Phase::kReadingBody: {
        if (now < e.deadline) break;
        ++stats_.bodyTimeouts;
        bool idle = now >= e.lastByte + std::chrono::milliseconds(options_.bodyIdleTimeoutMs);
        std::size_t received = e.buffer.size() - std::min(e.buffer.size(), e.headLength);
        std::string why =
            idle ? "no byte of the request body arrived for " +
                       std::to_string(options_.bodyIdleTimeoutMs) + " ms"
                 : "the request body arrives too slowly (" + std::to_string(received) + " of " +
                       std::to_string(e.wanted - e.headLength) + " bytes in " +
                       std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          now - e.bodyStart)
                                          .count()) +
                       " ms; at least " + std::to_string(options_.minBodyRate) +
                       " bytes/s are needed)";
        answerAndLinger(e, 408,
                        invalidArgument(why, {{"limit", idle ? "body_idle_timeout_ms"
                                                             : "min_body_rate_bytes_s"}}));
        break;
      }
      case Phase::kQueued:
        if (now - e.queuedAt <= std::chrono::milliseconds(options_.maxQueueWaitMs)) break;
        // Shed while waiting: the answer does not wait for a thread to come free.
        ++stats_.shedQueueWait;
        removeFromQueue(fd);
        answerAndLinger(e, 503,
                        unavailable("the server is busy; try again shortly",
                                    {{"retry_after_s",
                                      std::int64_t{options_.retryAfterSeconds}}}));
        break;
      case Phase::kServing:
        if (now < e.deadline) break;
        // Unblocks the worker thread's read or write; it ends the request, and finish()
        // removes the entry.
        ++stats_.requestDeadlines;
        ::shutdown(fd, SHUT_RDWR);
        e.deadline = Clock::time_point::max();
        break;
      case Phase::kLingering:
        if (now < e.deadline) break;
        --lingering_;
        close(fd);
        break;
    }
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

void ConnectionGate::uncount(Entry& e) {
  buffered_ -= std::min(buffered_, e.held);
  e.held = 0;
  e.buffer.clear();
  e.wanted = 0;
  if (!e.counted) return;
  e.counted = false;
  if (e.phase == Phase::kWaitingHead || e.phase == Phase::kReadingBody) --pending_;
  auto client = perClient_.find(e.client);
  if (client != perClient_.end() && --client->second <= 0) perClient_.erase(client);
}

void ConnectionGate::linger(Entry& e) {
  int fd = e.socket.impl()->sockfd();
  // Leaves the admitted connections (lingering ones only cost a descriptor, for a while).
  uncount(e);
  if (e.seen > 0) setLowWater(fd, 1);
  e.seen = 0;
  ::shutdown(fd, SHUT_WR);
  if (lingering_ >= options_.maxLingering) {
    entries_.erase(fd);
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

void ConnectionGate::close(int fd) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) return;
  uncount(it->second);
  entries_.erase(it);
}

void ConnectionGate::work(bool healthLane) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    int fd = -1;
    auto pick = [&] {
      if (!healthQueue_.empty()) {
        fd = healthQueue_.front();
        healthQueue_.pop_front();
        return true;
      }
      if (healthLane) return false;
      for (auto it = generalQueue_.begin(); it != generalQueue_.end(); ++it) {
        auto entry = entries_.find(*it);
        if (entry != entries_.end() && entry->second.lane == Lane::kStreaming &&
            streaming_ >= options_.maxStreamingThreads) {
          continue;  // enough threads are reading large bodies already
        }
        fd = *it;
        generalQueue_.erase(it);
        return true;
      }
      return false;
    };
    work_.wait(lock, [&] { return stopping_ || pick(); });
    if (fd < 0) return;  // stopping
    auto it = entries_.find(fd);
    if (it == entries_.end() || it->second.phase != Phase::kQueued) continue;
    Entry& e = it->second;
    e.phase = Phase::kServing;
    buffered_ -= std::min(buffered_, e.held);  // the thread reads (and frees) it now
    e.held = 0;
    e.deadline = Clock::now() + std::chrono::milliseconds(options_.requestDeadlineMs);
    ++serving_;
    if (e.lane == Lane::kStreaming) ++streaming_;
    if (healthLane || e.lane == Lane::kHealth) ++stats_.healthServed;
    Poco::Net::StreamSocket socket = e.socket;
    RequestHead head = e.head;
    lock.unlock();
    Ending ending = Ending::kClose;
    std::optional<Error> answer;
    try {
      ending = serve_(socket, head, answer);
    } catch (const std::exception& ex) {
      Poco::Logger::get("argan.http").error("connection: %s", std::string(ex.what()));
    } catch (...) {
    }
    lock.lock();
    finish(fd, ending, answer);
  }
}

void ConnectionGate::finish(int fd, Ending ending, const std::optional<Error>& answer) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  --serving_;
  if (e.lane == Lane::kStreaming) --streaming_;
  if (e.lane != Lane::kHealth) lastRequest_ = Clock::now();
  work_.notify_all();  // a streaming slot is free; stop() waits for serving_ == 0
  if (stopping_) {
    close(fd);
    return;
  }
  bool deadlinePassed = e.deadline == Clock::time_point::max();
  if (ending == Ending::kKeepAlive && !deadlinePassed) {
    try {
      e.socket.setBlocking(false);
    } catch (const Poco::Exception&) {
      close(fd);
      return;
    }
    e.phase = Phase::kWaitingHead;
    ++pending_;
    e.idle = true;
    e.seen = 0;
    e.nextPeek = {};
    e.impl->setPrefix(std::string());
    e.deadline = Clock::now() + std::chrono::milliseconds(options_.keepAliveTimeoutMs);
    wake();
    return;
  }
  if (deadlinePassed) {
    close(fd);  // already shut down
    return;
  }
  if (ending == Ending::kAnswer && answer) {
    answerAndLinger(e, 400, *answer);
  } else {
    linger(e);
  }
  wake();
}

GateStats ConnectionGate::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  GateStats s = stats_;
  s.pending = pending_;
  s.queued = static_cast<int>(generalQueue_.size() + healthQueue_.size());
  s.serving = serving_;
  s.open = s.pending + s.queued + s.serving;
  return s;
}

}  // namespace argan::server
