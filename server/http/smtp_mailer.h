// The mailer: sends the outbox (db/notification_store.h) through the SMTP server named by
// argan.smtp_host / smtp_port / smtp_from (AUTH LOGIN with argan.smtp_user and smtp_password
// when a user is set). Never required: without smtp_host nothing is queued and the mailer
// is not started. Lives in http/ because it is the room that speaks network protocols
// (Poco::Net).
//
// Delivery: a background thread looks for due mails every second (and when woken), sends
// each in its own SMTP session, and records the result in the outbox row: sent, or a failed
// attempt retried after 1, 5, 30 and 120 minutes, then given up (failed_at, last_error). A
// slow or absent SMTP server therefore never delays a request: requests only write rows.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "server/core/runtime.h"

namespace argan::server {

class SmtpMailer {
 public:
  explicit SmtpMailer(Runtime& runtime);
  ~SmtpMailer();
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;

  void start();
  void stop();  // idempotent
  void wake();  // look for due mails now

  // One pass over the due mails; returns how many were sent. Used by the thread and tests.
  std::size_t sendDue();

 private:
  void loop();
  Runtime& runtime_;
  std::mutex passMutex_;
  std::mutex stateMutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace argan::server
