// Needs, responses, grants, projects and notifications at the store level: who sees what,
// what is refused without writing anything, what is kept forever.
#include "db/need_match_store.h"
#include "db/need_overview.h"
#include "db/need_project_store.h"
#include "db/need_response_store.h"
#include "db/need_store.h"
#include "db/notification_store.h"
#include "db/user_store.h"
#include "db_fixture.h"

using namespace argan;

namespace {

struct NeedFixture : test::DbFixture {
  std::int64_t zitoun = startUp("Zitoun");
  std::int64_t zaatar = startUp("Zaatar");
  db::Principal memberZ = user("m@zitoun.ma", db::Role::Member, zitoun);
  db::Principal memberT = user("m@zaatar.ma", db::Role::Member, zaatar);
  db::Principal partner = user("buyer@industry.ma", db::Role::Partner, std::nullopt);
  db::Principal otherPartner = user("rival@industry.ma", db::Role::Partner, std::nullopt);

  db::Principal user(const std::string& email, db::Role role, std::optional<std::int64_t> su) {
    return database->write([&](db::Connection& c) {
      db::NewUser u;
      u.email = email;
      u.role = role;
      u.startUpId = su;
      return db::createUser(c, clock, admin, u).principal();
    });
  }

  db::Need need(const std::string& visibility, std::vector<std::int64_t> audience = {}) {
    return database->write([&](db::Connection& c) {
      db::NeedInput in;
      in.title = "Coalescent";
      in.statement = "Replace Texanol";
      in.visibility = visibility;
      in.audience = audience;
      in.company = "Atlas Coatings";
      return db::createNeed(c, clock, partner, in);
    });
  }

  bool sees(const db::Principal& who, std::int64_t id) {
    return database->read([&](db::Connection& c) { return db::findNeed(c, who, id).has_value(); });
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(need_store)

BOOST_AUTO_TEST_CASE(who_sees_a_need) {
  NeedFixture f;
  auto pub = f.need("public");
  auto cluster = f.need("cluster");
  auto named = f.need("named", {f.zaatar});
  const db::Principal anonymous = db::Principal::anonymous();
  BOOST_TEST(f.sees(anonymous, pub.id));
  BOOST_TEST(!f.sees(anonymous, cluster.id));
  BOOST_TEST(f.sees(f.otherPartner, pub.id));
  BOOST_TEST(!f.sees(f.otherPartner, cluster.id));
  BOOST_TEST(f.sees(f.memberZ, cluster.id));
  BOOST_TEST(!f.sees(f.memberZ, named.id));
  BOOST_TEST(f.sees(f.memberT, named.id));
  BOOST_TEST(f.sees(f.partner, named.id));
  BOOST_TEST(f.sees(f.admin, named.id));
  BOOST_TEST(db::startUpSeesNeed(named, f.zaatar));
  BOOST_TEST(!db::startUpSeesNeed(named, f.zitoun));
  // The company: its owner and administrators; others once disclosed.
  BOOST_TEST(pub.companyVisibleTo(f.partner));
  BOOST_TEST(!pub.companyVisibleTo(f.memberZ));
  auto shown = f.database->write([&](db::Connection& c) {
    db::NeedInput in;
    in.companyDisclosed = true;
    return db::updateNeed(c, f.clock, f.partner, pub.id, in);
  });
  BOOST_TEST(shown.companyVisibleTo(f.memberZ));
  // Lists agree with the rule.
  auto listed = f.database->read([&](db::Connection& c) {
    return db::listNeeds(c, f.memberZ, {}, 0, 50).total;
  });
  BOOST_TEST(listed == 2);
}

BOOST_AUTO_TEST_CASE(refusals_write_nothing) {
  NeedFixture f;
  auto before = f.count("audit_log");
  auto refuse = [&](const db::Principal& who, db::NeedInput in) {
    BOOST_CHECK_THROW(f.database->write([&](db::Connection& c) { db::createNeed(c, f.clock, who, in); }),
                      Error);
  };
  db::NeedInput ok;
  ok.title = "t";
  ok.statement = "s";
  refuse(f.memberZ, ok);  // start-ups do not post needs
  refuse(f.admin, ok);    // administrators name the partner
  db::NeedInput named = ok;
  named.visibility = "named";
  refuse(f.partner, named);  // without start-ups
  named.audience = std::vector<std::int64_t>{999};
  refuse(f.partner, named);  // an unknown start-up
  db::NeedInput range = ok;
  range.properties = std::vector<db::NeedProperty>{{"viscosity", "", 90.0, 10.0, "", true}};
  refuse(f.partner, range);
  db::NeedInput onBehalf = ok;
  onBehalf.partnerId = f.memberZ.userId;  // not a partner
  refuse(f.admin, onBehalf);
  BOOST_TEST(f.count("needs") == 0);
  BOOST_TEST(f.count("audit_log") == before);
}

BOOST_AUTO_TEST_CASE(grants_threads_and_projects_are_kept) {
  NeedFixture f;
  auto n = f.need("public");
  auto r = f.database->write([&](db::Connection& c) {
    return db::createResponse(c, f.clock, f.memberZ, n.id, f.zitoun, "We can");
  });
  // A record of another start-up cannot be granted; an own one can, once at a time.
  auto theirs = f.database->write([&](db::Connection& c) {
    db::BatchInput batch;
    batch.submittedStructure = "x";
    return db::registerCompound(c, f.clock, f.admin, f.zaatar, test::fakeIdentity("thymol"),
                                test::freeForm(), batch);
  });
  auto mine = f.database->write([&](db::Connection& c) {
    db::BatchInput batch;
    batch.submittedStructure = "x";
    return db::registerCompound(c, f.clock, f.admin, f.zitoun, test::fakeIdentity("tyrosol"),
                                test::freeForm(), batch);
  });
  BOOST_CHECK_THROW(f.database->write([&](db::Connection& c) {
    return db::addShare(c, f.clock, f.memberZ, r.id, "compound", theirs.compound.id, "");
  }), Error);
  auto share = f.database->write([&](db::Connection& c) {
    return db::addShare(c, f.clock, f.memberZ, r.id, "compound", mine.compound.id, "");
  });
  BOOST_CHECK_THROW(f.database->write([&](db::Connection& c) {
    return db::addShare(c, f.clock, f.memberZ, r.id, "compound", mine.compound.id, "");
  }), Error);
  auto seen = [&](const db::Principal& who) {
    return f.database->read([&](db::Connection& c) {
      return db::findActiveShare(c, who, r.id, share.id).has_value();
    });
  };
  BOOST_TEST(seen(f.partner));
  BOOST_TEST(!seen(f.otherPartner));
  BOOST_TEST(!seen(f.memberT));
  f.database->write([&](db::Connection& c) { db::revokeShare(c, f.clock, f.memberZ, r.id, share.id); });
  BOOST_TEST(!seen(f.partner));
  // Nothing of the board is ever deleted.
  for (const char* table : {"needs", "need_responses", "need_response_shares"}) {
    BOOST_CHECK_THROW(f.database->write([&](db::Connection& c) {
      c.exec(std::string("DELETE FROM ") + table);
    }), Error);
  }
  f.database->write([&](db::Connection& c) {
    db::addResponseMessage(c, f.clock, f.partner, r.id, "Price?");
  });
  BOOST_CHECK_THROW(f.database->write([&](db::Connection& c) {
    c.exec("UPDATE need_response_messages SET body = 'edited'");
  }), Error);
  // Projects: hidden from the partner until disclosed.
  auto p = f.database->write([&](db::Connection& c) {
    db::ProjectInput in;
    in.title = "Esters";
    return db::createProject(c, f.clock, f.memberZ, n.id, f.zitoun, in);
  });
  auto partnerSees = [&]() {
    return f.database->read([&](db::Connection& c) { return db::findProject(c, f.partner, p.id).has_value(); });
  };
  BOOST_TEST(!partnerSees());
  f.database->write([&](db::Connection& c) {
    db::ProjectInput in;
    in.disclosure = "exists";
    db::updateProject(c, f.clock, f.memberZ, p.id, in);
  });
  BOOST_TEST(partnerSees());
  BOOST_TEST(!f.database->read([&](db::Connection& c) {
    return db::findProject(c, f.memberT, p.id).has_value();
  }));
  // The overview counts it.
  auto ov = f.database->read([](db::Connection& c) { return db::needOverview(c); });
  BOOST_TEST(ov.needs == 1);
  BOOST_TEST(ov.answered == 1);
  BOOST_TEST(ov.withProjects == 1);
  BOOST_TEST(ov.daysToFirstResponse.size() == 1u);
}

BOOST_AUTO_TEST_CASE(notifications_count_per_user_and_matches_are_noted_once) {
  NeedFixture f;
  auto n = f.need("public");
  auto numbers = f.database->write([&](db::Connection& c) {
    db::NewNotification note;
    note.kind = "new_match";
    std::vector<std::int64_t> out;
    out.push_back(db::addNotification(c, f.clock, f.memberZ.userId, note));
    out.push_back(db::addNotification(c, f.clock, f.memberT.userId, note));
    out.push_back(db::addNotification(c, f.clock, f.memberZ.userId, note));
    return out;
  });
  BOOST_TEST((numbers == std::vector<std::int64_t>{1, 1, 2}));
  auto unread = f.database->read([&](db::Connection& c) {
    return db::unreadNotifications(c, f.memberZ.userId).total;
  });
  BOOST_TEST(unread == 2);
  BOOST_CHECK_THROW(f.database->write([&](db::Connection& c) {
    return db::markNotification(c, f.clock, f.memberT.userId, 2, true);
  }), Error);
  auto fresh = f.database->write([&](db::Connection& c) {
    bool first = db::noteMatch(c, f.clock, n.id, "start_up", f.zitoun, "compound", 7);
    bool again = db::noteMatch(c, f.clock, n.id, "start_up", f.zitoun, "compound", 7);
    bool otherAudience = db::noteMatch(c, f.clock, n.id, "start_up", f.zaatar, "compound", 7);
    return std::vector<bool>{first, again, otherAudience};
  });
  BOOST_TEST((fresh == std::vector<bool>{true, false, true}));
  BOOST_TEST(f.database->read([](db::Connection& c) { return db::newestAuditEntryId(c); }) > 0);
}

BOOST_AUTO_TEST_SUITE_END()
