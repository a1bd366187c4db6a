#include "server/http/smtp_mailer.h"

#include <Poco/Exception.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Timespan.h>

#include <chrono>
#include <iostream>

#include "db/notification_store.h"

namespace argan::server {
namespace {

constexpr std::size_t kBatch = 50;
// Minutes before the next attempt after the n-th failure; given up after the last.
constexpr int kRetryMinutes[] = {1, 5, 30, 120};

void sendOne(const AppConfig& cfg, const db::OutgoingMail& mail) {
  Poco::Net::SMTPClientSession session(cfg.smtpHost, static_cast<Poco::UInt16>(cfg.smtpPort));
  session.setTimeout(Poco::Timespan(static_cast<long>(cfg.smtpTimeoutMs) * 1000));
  if (cfg.smtpUser.empty()) {
    session.login();
  } else {
    session.login(Poco::Net::SMTPClientSession::AUTH_LOGIN, cfg.smtpUser, cfg.smtpPassword);
  }
  Poco::Net::MailMessage message;
  message.setSender(cfg.smtpFrom);
  message.addRecipient(
      Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, mail.to));
  message.setSubject(Poco::Net::MailMessage::encodeWord(mail.subject, "UTF-8"));
  message.setContentType("text/plain; charset=UTF-8");
  message.setContent(mail.body, Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
  session.sendMessage(message);
  try {
    session.close();
  } catch (const Poco::Exception&) {
    // The message was accepted; a failed QUIT does not undo it.
  }
}

}  // namespace

SmtpMailer::SmtpMailer(Runtime& runtime) : runtime_(runtime) {}

SmtpMailer::~SmtpMailer() { stop(); }

void SmtpMailer::start() {
  std::lock_guard<std::mutex> lock(stateMutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void SmtpMailer::stop() {
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SmtpMailer::wake() {
  {
    std::lock_guard<std::mutex> lock(stateMutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void SmtpMailer::loop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(stateMutex_);
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
    try {
      sendDue();
    } catch (const std::exception& e) {
      std::cerr << "mailer: " << e.what() << std::endl;
    }
  }
}

std::size_t SmtpMailer::sendDue() {
  std::lock_guard<std::mutex> lock(passMutex_);
  const AppConfig& cfg = runtime_.config;
  if (cfg.smtpHost.empty()) return 0;
  auto due = runtime_.db.read([&](db::Connection& c) {
    return db::dueMails(c, runtime_.clock.nowMicros(), kBatch);
  });
  std::size_t sent = 0;
  for (const auto& mail : due) {
    std::string error;
    try {
      sendOne(cfg, mail);
    } catch (const Poco::Exception& e) {
      error = e.displayText();
    } catch (const std::exception& e) {
      error = e.what();
    }
    runtime_.db.write([&](db::Connection& c) {
      if (error.empty()) {
        db::markMailSent(c, runtime_.clock, mail.id);
        return;
      }
      const auto attempt = static_cast<std::size_t>(mail.attempts);
      const bool giveUp = attempt >= std::size(kRetryMinutes);
      const std::int64_t retryAt =
          runtime_.clock.nowMicros() +
          (giveUp ? 0 : static_cast<std::int64_t>(kRetryMinutes[attempt]) * 60 * 1000000);
      db::markMailFailed(c, runtime_.clock, mail.id, error, retryAt, giveUp);
    });
    if (error.empty()) {
      ++sent;
    } else {
      std::cerr << "mailer: could not send to " << mail.to << ": " << error << std::endl;
    }
  }
  return sent;
}

}  // namespace argan::server
