// Server configuration, read once in main (flags > config file > defaults) and passed down.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/password.h"

namespace argan::server {

struct AppConfig {
  std::string host = "0.0.0.0";          // address to listen on
  int port = 8080;                        // 0 picks a free port (tests)
  std::string dbPath = "data/argan.db";   // SQLite file, created and migrated on start
  // The secret sealing the audit trail and the signed checkpoints (db/audit_seal.h);
  // "": "<dbPath>.audit-key" and "<dbPath>.audit-checkpoints", created on first start.
  std::string auditKeyFile;
  std::string auditCheckpointFile;
  int threads = 8;                        // HTTP worker threads (a fixed pool)
  // Connection limits (server/http/connection_gate.h). Connections still sending their
  // request cost no thread: at most maxPendingConnections of them; complete requests wait
  // for a thread in a queue of maxQueued (503 + Retry-After beyond).
  int maxQueued = 64;                     // complete requests waiting for a worker thread
  int maxPendingConnections = 1024;       // connections sending a request or idle
  int maxConnectionsPerClient = 32;       // per peer address (429 beyond); 0: no cap
  int headerTimeoutMs = 5000;             // the whole request head must arrive within this
  int keepAliveTimeoutMs = 5000;          // idle time between requests on one connection
  int bodyIdleTimeoutMs = 5000;           // longest gap between two bytes of a body
  int minBodyRateBytesPerSecond = 1024;   // a body must average this (after 2 s); else 408
  int maxQueueWaitMs = 2000;              // waiting for a worker thread; then 503
  int requestDeadlineSeconds = 60;        // body + handler + answer; then the socket is shut
  int shutdownGraceSeconds = 5;           // SIGTERM: requests get this long, then the server
                                          // shuts their sockets and exits within seconds
  int requestTimeoutSeconds = 20;         // socket read/write timeout within a request
  std::size_t maxBodyBytes = 2 * 1024 * 1024;  // JSON bodies; larger answers 413
  std::size_t maxUploadBytes = 16 * 1024 * 1024;  // one uploaded document; larger answers 413
  std::string webRoot;                    // directory served at "/" (empty: no front end)
  bool loadDemo = false;                  // --demo: load demo data into an empty database
  int passwordIterations = kDefaultPasswordIterations;
  int searchThreads = 2;                  // threads one structure search may use
  // The search index snapshot beside the database (<db>.index, docs/search.md): mapped at
  // start instead of rebuilding the index from the database. false: always rebuild.
  bool searchSnapshot = true;
  std::string importDir;                  // uploads of running imports ("": <db dir>/imports)
  std::uint64_t maxImportBytes = 1024ull * 1024 * 1024;  // one import file; larger answers 413
  int chemWorkers = 2;                    // concurrent structure analyses (worker processes)
  // Chemistry on untrusted input (docs/architecture.md): "process" runs it in guarded worker
  // processes (argan chem-worker); "in-process" on threads of the server (debugging only).
  std::string chemIsolation = "process";
  int chemTimeoutMs = 10000;              // wall clock per chemistry call, then the worker dies
  int chemMemoryMb = 1024;                // address-space limit of each worker
  int chemCpuSeconds = 10;                // CPU seconds per chemistry call

  // Browser sessions (cookie argan_session) and sign-in throttling.
  int sessionIdleTimeoutSeconds = 30 * 60;        // ends after this long without a request
  int sessionAbsoluteTimeoutSeconds = 12 * 3600;  // ends this long after sign-in regardless
  bool secureCookies = false;                     // add "; Secure" (serving behind TLS)
  int loginWindowSeconds = 15 * 60;               // failed sign-ins are counted over this window
  int loginMaxFailuresPerAccount = 5;             // per e-mail within the window, then 429
  int loginMaxFailuresPerAddress = 20;            // per client address within the window

  // Needs board (issue 17): notifications by e-mail when an SMTP server is set (never
  // required: without smtpHost only the in-app inbox is used), and the match watcher.
  std::string smtpHost;                 // argan.smtp_host; "" = no e-mail
  int smtpPort = 25;                    // argan.smtp_port
  std::string smtpFrom = "argan@localhost";  // argan.smtp_from
  std::string smtpUser;                 // argan.smtp_user (AUTH LOGIN when set)
  std::string smtpPassword;             // argan.smtp_password
  int smtpTimeoutMs = 10000;            // argan.smtp_timeout_ms, per SMTP exchange
  std::string publicUrl;                // argan.public_url, the start of links in e-mails
  int matchWatchMs = 2000;              // argan.match_watch_ms: how often changes are looked for
};

}  // namespace argan::server
