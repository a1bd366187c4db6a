// Admission control in front of the HTTP worker threads.
//
// Poco 1.11's TCPServer hands every accepted connection to a worker thread, which then blocks
// reading the request head and body; when its queue is full, the dispatcher closes excess
// connections without an answer. A handful of clients sending slowly can therefore occupy
// every thread, and overload looks like silence. The gate replaces TCPServer and its
// dispatcher (one thread, poll(), plus the worker threads it owns):
//
//   * accepts connections itself. Connections still sending their request (head or body)
//     cost a descriptor, not a thread, and do not count against the workers: at most
//     maxPending of them, and at most maxConnectionsPerClient connections per peer address
//     in all; beyond that the gate answers 503 (429 for the per-client cap) with Retry-After
//     and the JSON error body, then closes gracefully (drains input for a while, so the
//     answer is not lost to a TCP reset);
//   * holds each connection, without a thread, until its request head has arrived (MSG_PEEK
//     up to a blank line; SO_RCVLOWAT avoids wake-ups for no new bytes): a head not complete
//     within headerTimeoutMs answers 408, one larger than maxHeadBytes 431; keep-alive
//     connections come back between requests, idle at most keepAliveTimeoutMs;
//   * then reads the body too, when it is at most bufferBodyBytes (every JSON call): it must
//     keep coming (no gap longer than bodyIdleTimeoutMs) at minBodyRate bytes/s or better
//     (after a grace of 2 s), else 408. Only a complete request is queued for a thread.
//     Larger bodies (file uploads, chunked bodies) are read by the thread through the same
//     rules (GateSocketImpl), and at most maxStreamingThreads threads serve them at once;
//   * queues complete requests for the worker threads: at most maxQueued waiting (beyond:
//     503 at once); one that waited longer than maxQueueWaitMs is answered 503 by the gate
//     itself, without waiting for a thread (shedding by queueing delay);
//   * `GET /api/health` has a lane of its own: healthThreads threads that serve nothing else
//     and a queue of healthQueue, so readiness answers while every other thread is busy;
//   * watches requests being served: past requestDeadlineMs (body upload, handler and answer)
//     the socket is shut down, which ends any blocking read or write of the thread.
//
// Threads: start/stop from the owner; `serve` runs on the worker threads; stats from any
// thread. Everything is guarded by one mutex.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StreamSocketImpl.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
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
  int threads = 8;                   // worker threads for every request but health
  int maxQueued = 64;                // complete requests waiting for a thread; more: 503
  int maxPending = 1024;             // connections sending a request or idle between two
  int maxConnectionsPerClient = 32;  // per peer IP address; 0: no per-client cap
  int headerTimeoutMs = 5000;        // the whole request head, from connect (or first byte)
  int keepAliveTimeoutMs = 5000;     // idle between requests on a kept-alive connection
  int bodyIdleTimeoutMs = 5000;      // longest gap between two bytes of a body
  int minBodyRate = 1024;            // bytes/s a body must average (after 2 s of grace)
  std::size_t bufferBodyBytes = 2 * 1024 * 1024;  // bodies the gate reads before queueing
  std::size_t maxBufferedBytes = 64 * 1024 * 1024;  // all buffered bodies together
  int maxStreamingThreads = 4;       // threads reading a large or chunked body at once
  int healthThreads = 1;             // the lane of GET /api/health
  int healthQueue = 16;
  int requestDeadlineMs = 60000;     // from dispatch to answer sent; then the socket is shut
  int maxQueueWaitMs = 2000;         // waiting for a worker thread; then 503
  std::size_t maxHeadBytes = 64 * 1024;  // request line + header fields
  int retryAfterSeconds = 1;         // in 503/429 answers
  int lingerMs = 2000;               // draining a refused connection before closing it
  int maxLingering = 1024;           // beyond this, refused connections are closed at once
};

struct GateStats {
  std::uint64_t accepted = 0;
  std::uint64_t dispatched = 0;         // complete requests queued for a thread
  std::uint64_t refusedBusy = 0;        // 503: maxPending reached at accept
  std::uint64_t refusedClient = 0;      // 429: maxConnectionsPerClient reached
  std::uint64_t refusedQueueFull = 0;   // 503: maxQueued (or the health queue) full
  std::uint64_t shedQueueWait = 0;      // 503: waited too long for a thread
  std::uint64_t headTimeouts = 0;       // 408
  std::uint64_t headTooLarge = 0;       // 431
  std::uint64_t bodyTimeouts = 0;       // 408: a body too slow (read by the gate)
  std::uint64_t bodiesBuffered = 0;     // bodies the gate read before queueing
  std::uint64_t healthServed = 0;       // requests served by the health lane
  std::uint64_t requestDeadlines = 0;   // sockets shut down mid-request
  int open = 0;                         // connections now (any phase but lingering)
  int pending = 0;                      // of which sending or idle (not queued, not served)
  int queued = 0;
  int serving = 0;
};

// The socket the worker threads read a request from: first the bytes the gate already read
// (the head, and the body when it buffered it), then the connection itself, under the
// body rules (no gap over bodyIdleTimeoutMs, minBodyRate bytes/s after 2 s); breaking them
// throws SlowBodyException. Created by the gate for every connection.
class GateSocketImpl : public Poco::Net::StreamSocketImpl {
 public:
  GateSocketImpl(int fd, int idleTimeoutMs, int minRate);
  int receiveBytes(void* buffer, int length, int flags = 0) override;

  // Gate thread (while no worker has the socket): the request as the gate read it. Only when
  // `rest` (a body the gate did not buffer) are further bytes read from the connection; else
  // the request ends with the prefix (a request without Content-Length or Transfer-Encoding
  // has no body, RFC 9112 6.3), and nothing of a pipelined next request is read ahead.
  void setPrefix(std::string bytes, bool rest = false);
  void setContinueSent(bool sent) { continueSent_ = sent; }
  // Worker thread:
  bool continueSent() const { return continueSent_; }
  // The body broke the rules (the read threw SlowBodyException, which the stream reading it
  // may have swallowed), and why.
  bool slowBody() const { return !slowBody_.empty(); }
  const std::string& slowBodyMessage() const { return slowBody_; }

 private:
  std::string prefix_;
  std::size_t prefixAt_ = 0;
  int idleTimeoutMs_;
  int minRate_;
  bool continueSent_ = false;
  bool rest_ = false;
  bool streaming_ = false;
  std::string slowBody_;
  std::chrono::steady_clock::time_point streamStart_;
  std::uint64_t streamed_ = 0;
};

// Thrown by GateSocketImpl when a body arrives too slowly; answered 408.
class SlowBodyException : public Poco::TimeoutException {
 public:
  using Poco::TimeoutException::TimeoutException;
};

// What the gate learnt from a request head (for the worker and the lanes).
struct RequestHead {
  std::string method;
  std::string path;  // without the query string
  bool health = false;
};

class ConnectionGate {
 public:
  enum class Ending {
    kKeepAlive,   // answered; wait for the next request head
    kClose,       // answered (or nothing to answer); close gracefully
    kAnswer,      // not served: answer `answer` (e.g. a malformed head), close
  };
  // Serves one request on `socket` (a GateSocketImpl) on a worker thread; sets `answer` with
  // Ending::kAnswer.
  using Serve = std::function<Ending(Poco::Net::StreamSocket& socket, const RequestHead& head,
                                     std::optional<Error>& answer)>;

  // `socket` is bound and listening. `idle` (optional) is called on the gate thread once the
  // server has been without requests for 2 s after serving some (the owner hands memory
  // back to the system then).
  ConnectionGate(Poco::Net::ServerSocket socket, GateOptions options, Serve serve,
                 std::function<void()> idle = nullptr);
  ~ConnectionGate();
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  void start();
  // Stops accepting and closes every connection not being served; requests being served get
  // `graceMs` to finish, then their sockets are shut down (which ends their reads and
  // writes); returns once the worker threads have ended. Idempotent.
  void stop(int graceMs = 5000);

  GateStats stats() const;
  const GateOptions& options() const { return options_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class Phase { kWaitingHead, kReadingBody, kQueued, kServing, kLingering };
  enum class Lane { kGeneral, kStreaming, kHealth };
  struct Entry {
    Poco::Net::StreamSocket socket;  // keeps the descriptor open while the entry lives
    GateSocketImpl* impl = nullptr;  // owned by socket
    std::uint64_t id = 0;
    std::string client;
    Phase phase = Phase::kWaitingHead;
    Lane lane = Lane::kGeneral;
    RequestHead head;
    Clock::time_point deadline;
    Clock::time_point queuedAt;
    Clock::time_point nextPeek;
    std::size_t seen = 0;     // head bytes seen at the last peek
    bool idle = false;        // kept alive, no byte of the next request yet
    bool counted = false;     // admitted: counted in pending_/perClient_ (see close())
    std::string buffer;       // head and body read by the gate (kReadingBody)
    std::size_t headLength = 0;
    std::size_t wanted = 0;   // total bytes head + body
    std::size_t held = 0;     // bytes counted in buffered_ for this entry
    Clock::time_point bodyStart;
    Clock::time_point lastByte;
  };

  void run();
  void work(bool healthLane);
  void acceptOne(Clock::time_point now);
  void examineHead(Entry& entry, Clock::time_point now);
  void readBody(Entry& entry, Clock::time_point now);
  void enqueue(Entry& entry, Clock::time_point now);
  void drain(Entry& entry);
  void expire(Clock::time_point now);
  void answerAndLinger(Entry& entry, int status, const Error& error);
  void linger(Entry& entry);
  void close(int fd);
  // Takes an entry out of the admitted connections' counts (pending_, perClient_, buffered_).
  void uncount(Entry& entry);
  void removeFromQueue(int fd);
  void finish(int fd, Ending ending, const std::optional<Error>& answer);
  void wake();
  Clock::time_point bodyDeadline(const Entry& entry) const;
  static std::string rawAnswer(int status, const Error& error, int retryAfterSeconds);

  Poco::Net::ServerSocket listener_;
  GateOptions options_;
  Serve serve_;
  std::function<void()> idle_;
  bool busySinceIdle_ = false;       // requests were served since idle_ last ran
  Clock::time_point lastRequest_;    // when the last request was dispatched or finished
  int wakeFd_ = -1;
  std::thread thread_;
  std::vector<std::thread> workers_;

  mutable std::mutex mutex_;
  std::condition_variable work_;
  bool stopping_ = false;
  bool started_ = false;
  std::map<int, Entry> entries_;  // by descriptor
  std::map<std::string, int> perClient_;
  std::deque<int> generalQueue_;  // descriptors, oldest first (general and streaming lanes)
  std::deque<int> healthQueue_;
  int pending_ = 0;
  int serving_ = 0;
  int streaming_ = 0;           // serving in the streaming lane
  std::size_t buffered_ = 0;    // bytes of bodies held in entries
  int lingering_ = 0;
  std::uint64_t nextId_ = 1;
  Clock::time_point acceptPausedUntil_;
  std::vector<char> peekBuffer_;
  GateStats stats_;
};

}  // namespace argan::server
