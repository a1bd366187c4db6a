// Matchmaking leaks nothing. Two clusters are built the same way, request for request, on the
// same clock; they differ in one thing only: in the first, start-up Zitoun holds a PRIVATE
// compound that matches the partner's need (caffeic acid, a catechol); in the second, the same
// slot holds a compound that does not (p-coumaric acid). Then:
//   * everything the partner can ask — the need, its matches, the lists, the inbox and its
//     counts, the responses, the projects, and the errors it provokes — answers the same
//     bytes in both clusters, and within noise the same time;
//   * the e-mails written for the partner (SMTP is configured in both clusters) are the same,
//     to the byte and the timestamp;
//   * everything the other start-up (Zaatar) can ask, and every e-mail it is sent, is the
//     same in both: it never sees Zitoun's match;
//   * and the difference is real: Zitoun itself sees (and is told of, in the inbox and by
//     e-mail) its match in the first cluster only, so the test would fail if the partner's
//     answers depended on it.
#include <algorithm>
#include <chrono>
#include <vector>

#include "need_test_support.h"

using namespace argan;
using test::NeedLab;

namespace {

constexpr std::int64_t kStart = 1924992000000000;  // 2031-01-01T00:00:00Z

struct Request {
  std::string method;
  std::string path;
  std::string body;
};

// SMTP configured: every notification also writes an e-mail to the outbox (nothing sends
// them here; what would be sent is what is compared).
server::AppConfig withSmtp() {
  server::AppConfig config;
  config.smtpHost = "127.0.0.1";
  config.smtpFrom = "argan@cise.ma";
  config.publicUrl = "https://argan.cise.ma";
  return config;
}

struct Cluster {
  explicit Cluster(bool privateMatch) : clock(kStart), lab(withSmtp(), &clock) {
    publicCatechol = lab.compound("Oc1ccccc1O", lab.memberZ, lab.zitoun);
    lab.publish(publicCatechol, lab.leadZ);
    privateSlot = lab.compound(privateMatch ? "OC(=O)/C=C/c1ccc(O)c(O)c1"  // caffeic acid
                                            : "OC(=O)/C=C/c1ccc(O)cc1",    // p-coumaric acid
                               lab.memberZ, lab.zitoun);
    zaatarOwn = lab.compound("OCCc1ccc(O)c(O)c1", lab.memberT, lab.zaatar);
    need = lab.need(test::catecholNeed(), lab.partner);
    auto answered = lab.server.call(
        "POST", "/api/needs/" + need + "/responses",
        R"({"summary": "Hydroxytyrosol from thyme distillation water.",
            "shares": [{"type": "compound", "id": ")" + zaatarOwn + R"("}]})",
        lab.memberT);
    BOOST_TEST_REQUIRE(answered.status == 201, answered.body);
    response = answered.json()->getValue<std::string>("id");
    lab.server.call("POST", "/api/needs/" + need + "/projects",
                    R"({"title": "Purification", "disclosure": "stage"})", lab.memberT);
    lab.watch.sweep();
    // The partner changes its need after the sweep (the private compound is still there) and
    // the thread goes on: more notices, more e-mails on both sides.
    auto changed = lab.server.call("PATCH", "/api/needs/" + need,
                                   R"({"deadline": "2031-06-30", "company_disclosed": true})",
                                   lab.partner);
    BOOST_TEST_REQUIRE(changed.status == 200, changed.body);
    auto asked = lab.server.call("POST", "/api/responses/" + response + "/messages",
                                 R"({"message": "Which purity at 50 kg?"})", lab.partner);
    BOOST_TEST_REQUIRE(asked.status == 201, asked.body);
    lab.watch.sweep();
  }

  // The e-mails written for `address`, oldest first: recipient, subject, body, date.
  std::string mails(const std::string& address) {
    return lab.server.database().read([&](db::Connection& c) {
      db::Statement st(c,
                       "SELECT to_address, subject, body, created_at FROM mail_outbox"
                       " WHERE to_address = ? ORDER BY id");
      st.bind(1, address);
      std::string out;
      while (st.step()) {
        for (int i = 0; i < 4; ++i) out += st.getText(i) + "\n";
        out += "--\n";
      }
      return out;
    });
  }

  std::string view(const std::vector<Request>& requests, const std::string& token) {
    std::string out;
    for (const auto& r : requests) {
      auto result = lab.server.call(r.method, r.path, r.body, token);
      out += r.method + " " + r.path + " -> " + std::to_string(result.status) + "\n" +
             result.body + "\n";
    }
    return out;
  }

  ManualClock clock;
  NeedLab lab;
  std::string publicCatechol, privateSlot, zaatarOwn, need, response;
};

std::vector<Request> partnerRequests(const Cluster& c) {
  const std::string n = "/api/needs/" + c.need;
  return {
      {"GET", n, ""},
      {"GET", n + "/matches", ""},
      {"GET", n + "/responses", ""},
      {"GET", n + "/projects", ""},
      {"GET", "/api/needs", ""},
      {"GET", "/api/needs?mine=true", ""},
      {"GET", "/api/responses", ""},
      {"GET", "/api/responses/" + c.response, ""},
      {"GET", "/api/projects", ""},
      {"GET", "/api/notifications", ""},
      {"GET", "/api/notifications/unread", ""},
      {"GET", "/api/compounds?page_size=100", ""},
      // Errors the partner may provoke: about the private slot, a response and a project
      // that are not its business, a match list of another kind.
      {"GET", "/api/compounds/" + c.privateSlot, ""},
      {"GET", "/api/compounds/" + c.privateSlot + "/depiction.svg", ""},
      {"GET", "/api/responses/RSP-000002", ""},
      {"GET", "/api/projects/PRJ-000002", ""},
      {"GET", "/api/needs?matching=true", ""},
      {"GET", "/api/overview/needs", ""},
      {"POST", n + "/responses", R"({"summary": "me too"})"},
      {"PATCH", "/api/notifications/99", R"({"read": true})"},
  };
}

std::vector<Request> otherStartUpRequests(const Cluster& c) {
  const std::string n = "/api/needs/" + c.need;
  return {
      {"GET", n, ""},
      {"GET", n + "/matches", ""},
      {"GET", n + "/responses", ""},
      {"GET", n + "/projects", ""},
      {"GET", "/api/needs?matching=true", ""},
      {"GET", "/api/notifications", ""},
      {"GET", "/api/notifications/unread", ""},
      {"GET", "/api/compounds/" + c.privateSlot, ""},
      {"POST", "/api/responses/" + c.response + "/shares",
       R"({"type": "compound", "id": ")" + c.privateSlot + R"("})"},
  };
}

double medianMs(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

BOOST_AUTO_TEST_SUITE(need_confidentiality)

BOOST_AUTO_TEST_CASE(a_private_match_changes_nothing_the_partner_or_another_start_up_sees) {
  Cluster withMatch(true);
  Cluster without(false);
  BOOST_TEST_REQUIRE(withMatch.need == without.need);
  BOOST_TEST_REQUIRE(withMatch.privateSlot == without.privateSlot);

  // The difference exists: Zitoun sees its private match, and was told of it, in one cluster.
  auto own = withMatch.lab.matches(withMatch.need, withMatch.lab.memberZ);
  BOOST_TEST((std::find(own.begin(), own.end(), withMatch.privateSlot) != own.end()));
  auto ownWithout = without.lab.matches(without.need, without.lab.memberZ);
  BOOST_TEST((std::find(ownWithout.begin(), ownWithout.end(), without.privateSlot) ==
              ownWithout.end()));
  auto toldWith = withMatch.lab.server.call("GET", "/api/notifications", "", withMatch.lab.memberZ);
  auto toldWithout = without.lab.server.call("GET", "/api/notifications", "", without.lab.memberZ);
  BOOST_TEST(toldWith.body.find(withMatch.privateSlot) != std::string::npos);
  BOOST_TEST(toldWithout.body.find(without.privateSlot) == std::string::npos);

  // The partner's view, byte for byte.
  auto partnerA = partnerRequests(withMatch);
  auto partnerB = partnerRequests(without);
  for (std::size_t i = 0; i < partnerA.size(); ++i) {
    std::string a = withMatch.view({partnerA[i]}, withMatch.lab.partner);
    std::string b = without.view({partnerB[i]}, without.lab.partner);
    BOOST_TEST(a == b, "the partner's " << partnerA[i].method << " " << partnerA[i].path
                                        << " differs:\n" << a << "\nvs\n" << b);
  }
  // It saw the public match and the response, so the comparison covered real content.
  auto seen = withMatch.lab.matches(withMatch.need, withMatch.lab.partner);
  BOOST_TEST(seen == std::vector<std::string>{withMatch.publicCatechol});

  // The e-mails: the partner's and Zaatar's are the same; Zitoun's differ by its match.
  const std::string partnerMails = withMatch.mails("buyer@argania-cosmetics.ma");
  BOOST_TEST(partnerMails == without.mails("buyer@argania-cosmetics.ma"));
  BOOST_TEST(partnerMails.find(withMatch.publicCatechol) != std::string::npos, partnerMails);
  BOOST_TEST(partnerMails.find("Zaatar Essentials") != std::string::npos, partnerMails);
  for (const char* address : {"chemist@zaatar.ma", "lead@zaatar.ma"}) {
    const std::string zaatarMails = withMatch.mails(address);
    BOOST_TEST(zaatarMails == without.mails(address), address);
    BOOST_TEST(zaatarMails.find("Which purity") == std::string::npos);  // a notice, not the text
    BOOST_TEST(!zaatarMails.empty(), address);
  }
  BOOST_TEST(withMatch.mails("chemist@zitoun.ma").find(withMatch.privateSlot) != std::string::npos);
  BOOST_TEST(without.mails("chemist@zitoun.ma").find(without.privateSlot) == std::string::npos);
  // Another start-up's view, byte for byte: it never sees Zitoun's match.
  auto otherA = otherStartUpRequests(withMatch);
  auto otherB = otherStartUpRequests(without);
  for (std::size_t i = 0; i < otherA.size(); ++i) {
    std::string a = withMatch.view({otherA[i]}, withMatch.lab.memberT);
    std::string b = without.view({otherB[i]}, without.lab.memberT);
    BOOST_TEST(a == b, "Zaatar's " << otherA[i].method << " " << otherA[i].path << " differs:\n"
                                   << a << "\nvs\n" << b);
  }
}

BOOST_AUTO_TEST_CASE(the_partner_s_answers_take_the_same_time_within_noise) {
  Cluster withMatch(true);
  Cluster without(false);
  const std::vector<std::string> paths = {"/api/needs/" + withMatch.need + "/matches",
                                          "/api/needs/" + withMatch.need};
  for (const auto& path : paths) {
    auto timed = [&](Cluster& c) {
      auto start = std::chrono::steady_clock::now();
      auto r = c.lab.server.call("GET", path, "", c.lab.partner);
      BOOST_TEST_REQUIRE(r.status == 200);
      return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
          .count();
    };
    for (int warm = 0; warm < 5; ++warm) {
      timed(withMatch);
      timed(without);
    }
    // Pairs, alternating which cluster goes first, so that load on the machine (other
    // processes share it) falls on both alike; the median of the pairs' differences ignores
    // the pairs a burst of load hit.
    std::vector<double> a, b, differences;
    for (int i = 0; i < 61; ++i) {
      double ta = 0, tb = 0;
      if (i % 2) {
        ta = timed(withMatch);
        tb = timed(without);
      } else {
        tb = timed(without);
        ta = timed(withMatch);
      }
      a.push_back(ta);
      b.push_back(tb);
      differences.push_back(ta - tb);
    }
    double ma = medianMs(a), mb = medianMs(b), md = medianMs(differences);
    BOOST_TEST_MESSAGE(path << ": median " << ma << " ms with a private match, " << mb
                            << " ms without; median difference of pairs " << md << " ms");
    BOOST_TEST(std::abs(md) <= std::max(1.0, 0.3 * std::min(ma, mb)),
               path << ": pairs differ by " << md << " ms (medians " << ma << " and " << mb
                    << " ms)");
  }
}

BOOST_AUTO_TEST_SUITE_END()
