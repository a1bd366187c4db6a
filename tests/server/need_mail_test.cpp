// Notifications by e-mail, against a local SMTP sink written here (a few lines of the SMTP
// dialogue on a Poco server socket): mails go out only when SMTP is configured, from the
// outbox written with the notification, never inside a request; a broken SMTP server costs a
// retry, not an error.
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <set>
#include <chrono>
#include <mutex>
#include <thread>

#include "need_test_support.h"
#include "server/http/smtp_mailer.h"

using namespace argan;
using test::NeedLab;

namespace {

struct ReceivedMail {
  std::string from;
  std::vector<std::string> to;
  std::string data;
};

// Accepts SMTP sessions on 127.0.0.1 and keeps what it is sent.
class SmtpSink {
 public:
  SmtpSink() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    thread_ = std::thread([this] { run(); });
  }
  ~SmtpSink() { stop(); }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    socket_.close();
  }
  int port() const { return socket_.address().port(); }
  std::vector<ReceivedMail> mails() {
    std::lock_guard<std::mutex> lock(mutex_);
    return mails_;
  }

 private:
  void run() {
    while (!stopping_) {
      if (!socket_.poll(Poco::Timespan(0, 50000), Poco::Net::Socket::SELECT_READ)) continue;
      try {
        Poco::Net::StreamSocket s = socket_.acceptConnection();
        s.setReceiveTimeout(Poco::Timespan(5, 0));
        serve(s);
      } catch (const Poco::Exception&) {
        // A client that goes away mid-dialogue: wait for the next one.
      }
    }
  }

  // "RCPT TO: <a@b.c>" -> "<a@b.c>"
  static std::string argument(const std::string& line) {
    std::string value = line.substr(line.find(':') + 1);
    value.erase(0, value.find_first_not_of(' '));
    return value;
  }

  static void say(Poco::Net::StreamSocket& s, const std::string& line) {
    std::string out = line + "\r\n";
    s.sendBytes(out.data(), static_cast<int>(out.size()));
  }

  void serve(Poco::Net::StreamSocket& s) {
    say(s, "220 sink.test ESMTP");
    std::string buffer;
    ReceivedMail mail;
    bool inData = false;
    char chunk[4096];
    while (true) {
      std::size_t end;
      while ((end = buffer.find(inData ? "\r\n.\r\n" : "\r\n")) == std::string::npos) {
        int n = s.receiveBytes(chunk, sizeof chunk);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
      if (inData) {
        mail.data = buffer.substr(0, end);
        buffer.erase(0, end + 5);
        inData = false;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          mails_.push_back(mail);
        }
        mail = ReceivedMail{};
        say(s, "250 2.0.0 queued");
        continue;
      }
      std::string line = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      std::string verb = line.substr(0, 4);
      for (auto& ch : verb) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (verb == "EHLO" || verb == "HELO") {
        say(s, "250 sink.test");
      } else if (verb == "MAIL") {
        mail.from = argument(line);
        say(s, "250 2.1.0 ok");
      } else if (verb == "RCPT") {
        mail.to.push_back(argument(line));
        say(s, "250 2.1.5 ok");
      } else if (verb == "DATA") {
        inData = true;
        say(s, "354 end with <CRLF>.<CRLF>");
      } else if (verb == "QUIT") {
        say(s, "221 2.0.0 bye");
        return;
      } else if (verb == "RSET" || verb == "NOOP") {
        say(s, "250 ok");
      } else {
        say(s, "502 5.5.2 not implemented");
      }
    }
  }

  Poco::Net::ServerSocket socket_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<ReceivedMail> mails_;
};

std::string invitation(std::int64_t startUp) {
  return test::catecholNeed("named", R"("company": "Argania Cosmetics", "start_ups": [)" +
                                         std::to_string(startUp) + "]");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(need_mail)

BOOST_AUTO_TEST_CASE(notifications_are_mailed_through_the_configured_smtp_server) {
  SmtpSink sink;
  server::AppConfig config;
  config.smtpHost = "127.0.0.1";
  config.smtpPort = sink.port();
  config.smtpFrom = "argan@cise.ma";
  config.publicUrl = "https://argan.cise.ma";
  NeedLab lab(config);
  std::string need = lab.need(invitation(lab.zaatar), lab.partner);
  // Written with the notification, sent later: the request did not wait for SMTP.
  BOOST_TEST(lab.server.count("mail_outbox") == 2);
  BOOST_TEST(sink.mails().empty());

  server::SmtpMailer mailer(lab.server.services());
  BOOST_TEST(mailer.sendDue() == 2u);
  auto mails = sink.mails();
  BOOST_TEST_REQUIRE(mails.size() == 2u);
  std::set<std::string> to;
  for (const auto& m : mails) {
    BOOST_TEST(m.from.find("argan@cise.ma") != std::string::npos);
    BOOST_TEST_REQUIRE(m.to.size() == 1u);
    to.insert(m.to[0]);
    BOOST_TEST(m.data.find("https://argan.cise.ma/needs/" + need) != std::string::npos);
    BOOST_TEST(m.data.find("Subject: ") != std::string::npos);
    // The partner has not disclosed its company: the start-ups' mail does not name it.
    BOOST_TEST(m.data.find("Argania") == std::string::npos);
  }
  BOOST_TEST((to == std::set<std::string>{"<chemist@zaatar.ma>", "<lead@zaatar.ma>"}));
  BOOST_TEST(mailer.sendDue() == 0u);
  BOOST_TEST(lab.server.database().read([](db::Connection& c) {
    return c.queryInt("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NOT NULL").value_or(-1);
  }) == 2);

  // The background thread delivers the next ones by itself.
  mailer.start();
  auto r = lab.server.call("POST", "/api/needs/" + need + "/responses",
                           R"({"summary": "We distil thyme."})", lab.memberT);
  BOOST_TEST_REQUIRE(r.status == 201, r.body);
  mailer.wake();
  for (int i = 0; i < 100 && sink.mails().size() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  mailer.stop();
  mails = sink.mails();
  BOOST_TEST_REQUIRE(mails.size() == 3u);
  BOOST_TEST(mails[2].to[0] == "<buyer@argania-cosmetics.ma>");
  BOOST_TEST(mails[2].data.find("Zaatar Essentials") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_unreachable_smtp_server_costs_a_retry_not_an_error) {
  SmtpSink sink;
  server::AppConfig config;
  config.smtpHost = "127.0.0.1";
  config.smtpPort = sink.port();
  config.smtpTimeoutMs = 500;
  NeedLab lab(config);
  sink.stop();  // nothing listens on that port any more
  auto r = lab.server.call("POST", "/api/needs", invitation(lab.zaatar), lab.partner);
  BOOST_TEST_REQUIRE(r.status == 201, r.body);
  server::SmtpMailer mailer(lab.server.services());
  BOOST_TEST(mailer.sendDue() == 0u);
  auto row = lab.server.database().read([](db::Connection& c) {
    return c.queryText("SELECT attempts || '|' || (next_attempt_us > 0) || '|' ||"
                       " (failed_at IS NULL) || '|' || (length(last_error) > 0)"
                       " FROM mail_outbox ORDER BY id LIMIT 1");
  });
  BOOST_TEST(row.value_or("") == "1|1|1|1");
  // Not due again before its retry time: a second pass sends nothing and tries nothing.
  BOOST_TEST(mailer.sendDue() == 0u);
  BOOST_TEST(lab.server.database().read([](db::Connection& c) {
    return c.queryInt("SELECT MAX(attempts) FROM mail_outbox").value_or(-1);
  }) == 1);
}

BOOST_AUTO_TEST_CASE(without_smtp_nothing_is_queued) {
  NeedLab lab;
  lab.need(invitation(lab.zaatar), lab.partner);
  BOOST_TEST(lab.server.call("GET", "/api/notifications/unread", "", lab.memberT).json()->getValue<int>(
                 "unread") == 1);
  BOOST_TEST(lab.server.count("mail_outbox") == 0);
  server::SmtpMailer mailer(lab.server.services());
  BOOST_TEST(mailer.sendDue() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
