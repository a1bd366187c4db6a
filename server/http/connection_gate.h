// Admission control in front of Poco's HTTP worker threads.
//
// Poco 1.11's TCPServer accepts every connection and hands it to a worker thread, which then
// blocks reading the request head (HTTPServerConnection); when its queue is full, the
// TCPServerDispatcher closes excess connections without an answer. A handful of clients
// sending their heads slowly can therefore occupy every thread, and overload looks like
// silence. The gate replaces TCPServer's accept loop (one thread, poll()):
//
//   * accepts connections itself and admits at most maxConnections (waiting for a head,
//     queued, or being served), at most maxConnectionsPerClient per peer address; a refused
//     connection gets a complete JSON answer, 503 (or 429 for the per-client cap) with
//     Retry-After, then a lingering close (so the answer is not lost to a TCP reset);
//   * holds each admitted connection, without a thread, until its request head has arrived
//     (MSG_PEEK up to a blank line; SO_RCVLOWAT avoids wake-ups for no new bytes): a head
//     that is not complete within headerTimeoutMs answers 408, one larger than maxHeadBytes
//     431; keep-alive connections go back to the gate between requests, idle at most
//     keepAliveTimeoutMs;
//   * only then `dispatch`es the connection to the thread pool. A connection that waited
//     there longer than maxQueueWaitMs is answered 503 instead of served (load shedding);
//   * watches requests being served: past requestDeadlineMs (body upload, handler and
//     answer) the socket is shut down, which ends any blocking read or write of the thread.
//
// Threads: start/stop from the owner; beginRequest/endRequest from connection threads;
// everything is guarded by one mutex.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"

namespace argan::server {

struct GateOptions {
  int maxConnections = 72;           // admitted at once (waiting for a head, queued, served)
  int maxConnectionsPerClient = 32;  // per peer IP address; 0: no per-client cap
  int headerTimeoutMs = 5000;        // the whole request head, from connect (or first byte)
  int keepAliveTimeoutMs = 5000;     // idle between requests on a kept-alive connection
  int requestDeadlineMs = 60000;     // from dispatch to answer sent; then the socket is shut
  int maxQueueWaitMs = 2000;         // waiting for a worker thread; then 503
  std::size_t maxHeadBytes = 64 * 1024;  // request line + header fields
  int retryAfterSeconds = 1;         // in 503/429 answers
  int lingerMs = 2000;               // draining a refused connection before closing it
  int maxLingering = 1024;           // beyond this, refused connections are closed at once
};

struct GateStats {
  std::uint64_t accepted = 0;
  std::uint64_t dispatched = 0;         // request heads handed to the thread pool
  std::uint64_t refusedBusy = 0;        // 503: maxConnections reached
  std::uint64_t refusedClient = 0;      // 429: maxConnectionsPerClient reached
  std::uint64_t shedQueueWait = 0;      // 503: waited too long for a thread
  std::uint64_t headTimeouts = 0;       // 408
  std::uint64_t headTooLarge = 0;       // 431
  std::uint64_t requestDeadlines = 0;   // sockets shut down mid-request
  int open = 0;                         // admitted connections now
};

class ConnectionGate {
 public:
  enum class Ending {
    kKeepAlive,   // answered; wait for the next request head
    kClose,       // answered (or nothing to answer); close gracefully
    kOverloaded,  // not served: answer 503 + Retry-After, close
    kAnswer,      // not served: answer `answer` (e.g. a malformed head), close
  };

  // `socket` is bound and listening. `dispatch` hands a connection whose head has arrived to
  // the worker threads (it must not block); it is called from the gate thread.
  ConnectionGate(Poco::Net::ServerSocket socket, GateOptions options,
                 std::function<void(const Poco::Net::StreamSocket&)> dispatch);
  ~ConnectionGate();
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  void start();
  // Stops accepting and closes every connection not being served; requests being served
  // finish (their endRequest closes them). Idempotent.
  void stop();

  // A worker thread starts serving `socket`: arms the request deadline and returns false when
  // the connection waited longer than maxQueueWaitMs (answer it with Ending::kOverloaded).
  bool beginRequest(const Poco::Net::StreamSocket& socket);
  // The worker thread is done with `socket` (detached from its HTTP session).
  void endRequest(const Poco::Net::StreamSocket& socket, Ending ending,
                  const std::optional<Error>& answer = std::nullopt);

  GateStats stats() const;
  const GateOptions& options() const { return options_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class Phase { kWaitingHead, kQueued, kServing, kLingering };
  struct Entry {
    Poco::Net::StreamSocket socket;  // keeps the descriptor open while the entry lives
    std::uint64_t id = 0;
    std::string client;
    Phase phase = Phase::kWaitingHead;
    Clock::time_point deadline;
    Clock::time_point queuedAt;
    Clock::time_point nextPeek;
    std::size_t seen = 0;  // head bytes seen at the last peek
    bool idle = false;     // kept alive, no byte of the next request yet
  };

  void run();
  void acceptOne(Clock::time_point now);
  void examineHead(Entry& entry, Clock::time_point now);
  void drain(Entry& entry);
  void expire(Clock::time_point now);
  void answerAndLinger(Entry& entry, int status, const Error& error);
  void linger(Entry& entry);
  void close(int fd);
  void admittedChanged(const Entry& entry, int delta);
  void wake();
  static std::string rawAnswer(int status, const Error& error, int retryAfterSeconds);

  Poco::Net::ServerSocket listener_;
  GateOptions options_;
  std::function<void(const Poco::Net::StreamSocket&)> dispatch_;
  int wakeFd_ = -1;
  std::thread thread_;

  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::map<int, Entry> entries_;  // by descriptor
  std::map<std::string, int> perClient_;
  int admitted_ = 0;
  int queued_ = 0;
  int lingering_ = 0;
  std::uint64_t nextId_ = 1;
  Clock::time_point acceptPausedUntil_;
  std::vector<char> peekBuffer_;
  GateStats stats_;
};

}  // namespace argan::server
