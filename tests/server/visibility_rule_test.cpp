// The one visibility rule (db/access.h ReadScope), checked as a table: every role x owner x
// visibility x record kind, through each form the rule takes — the SQL predicate of the
// record's store (find* as the viewer), the C++ check for loaded records (db::canSee) and,
// for compounds, the search index's scan filter — against the rule written out by hand:
//
//   administrator          every record
//   lead/member of S       every record of S; 'cluster' and 'public' records of others
//   partner, anonymous     'public' records only
#include <boost/test/unit_test.hpp>

#include <map>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/document_store.h"
#include "db/product_store.h"
#include "db/registry_store.h"
#include "db/route_store.h"
#include "db/waste_store.h"
#include "server/search/search_engine.h"
#include "server/search/search_index.h"
#include "../db/db_fixture.h"

using namespace argan;

namespace {

struct Viewer {
  std::string name;
  db::Principal principal;
};

db::Principal withRole(db::Role role, std::optional<std::int64_t> startUp, std::int64_t user) {
  db::Principal p;
  p.role = role;
  p.startUpId = startUp;
  p.userId = user;
  return p;
}

// The rule as the README states it, written out independently of db::ReadScope.
bool expected(const std::string& viewer, const std::string& owner, const std::string& visibility) {
  if (viewer == "admin") return true;
  if (viewer == "partner" || viewer == "anonymous") return visibility == "public";
  const std::string own = viewer.substr(viewer.size() - 1);  // "lead A" -> "A"
  return owner == own || visibility != "start-up";
}

struct RuleFixture : test::DbFixture {
  std::map<std::string, std::int64_t> startUps{{"A", startUp("Alpha")}, {"B", startUp("Beta")}};
  std::vector<Viewer> viewers{
      {"admin", db::Principal::system("test")},
      {"lead A", withRole(db::Role::Lead, startUps["A"], 1)},
      {"member A", withRole(db::Role::Member, startUps["A"], 2)},
      {"lead B", withRole(db::Role::Lead, startUps["B"], 3)},
      {"member B", withRole(db::Role::Member, startUps["B"], 4)},
      {"partner", withRole(db::Role::Partner, std::nullopt, 5)},
      {"anonymous", db::Principal::anonymous()},
  };
  int serial = 0;

  void setVisibility(const std::string& table, std::int64_t id, const std::string& visibility) {
    database->write([&](db::Connection& c) {
      c.exec("UPDATE " + table + " SET visibility = '" + visibility + "' WHERE id = " +
             std::to_string(id));
    });
  }

  db::Registration compound(const std::string& owner, const std::string& visibility) {
    db::BatchInput batch;
    batch.submittedStructure = "C";
    batch.submittedFormat = "smiles";
    auto r = database->write([&](db::Connection& c) {
      return db::registerCompound(c, clock, admin, startUps[owner],
                                  test::fakeIdentity("k" + std::to_string(++serial)),
                                  test::freeForm(), batch);
    });
    setVisibility("compounds", r.compound.id, visibility);
    return r;
  }
};

const std::vector<std::string> kOwners{"A", "B"};
const std::vector<std::string> kLevels{"start-up", "cluster", "public"};

}  // namespace

BOOST_AUTO_TEST_SUITE(visibility_rule)

BOOST_AUTO_TEST_CASE(every_form_of_the_rule_agrees_with_the_table) {
  RuleFixture f;
  std::size_t cells = 0;
  // One record of each kind per owner and visibility.
  for (const auto& owner : kOwners) {
    for (const auto& level : kLevels) {
      const std::string cell = owner + "/" + level;
      // compound (its batch stays start-up: only the compound's level is under test)
      db::Registration c = f.compound(owner, level);
      // batch of a public compound, the batch at `level`
      db::Registration b = f.compound(owner, "public");
      f.setVisibility("batches", b.batch.id, level);
      // route to a public compound, the route at `level`
      db::Registration target = f.compound(owner, "public");
      std::int64_t route = f.database->write([&](db::Connection& conn) {
        db::RouteDraft draft;
        draft.startUpId = f.startUps[owner];
        draft.targetCompoundId = target.compound.id;
        draft.name = "route " + cell;
        return db::createRoute(conn, f.clock, f.admin, draft, {}).id;
      });
      f.setVisibility("routes", route, level);
      // product of a public compound at `level`, with a document seen through it
      std::int64_t product = f.database->write([&](db::Connection& conn) {
        db::ProductInput in;
        in.name = "product " + cell;
        in.compoundId = target.compound.id;
        return db::createProduct(conn, f.clock, f.admin, f.startUps[owner], in).id;
      });
      f.setVisibility("products", product, level);
      std::int64_t document = f.database->write([&](db::Connection& conn) {
        db::NewDocument doc;
        doc.filename = "sheet-" + std::to_string(product) + ".pdf";
        doc.bytes = "%PDF " + cell;
        return db::attachDocument(conn, f.clock, f.admin,
                                  {db::DocumentOwnerType::Product, product}, doc)
            .id;
      });
      // Published on its own: the product's level decides. Another file keeps the default
      // ('start-up'), the narrower of the two.
      f.database->write([&](db::Connection& conn) {
        conn.exec("UPDATE document_attachments SET document_visibility = 'public' WHERE id = " +
                  std::to_string(document));
      });
      std::int64_t keptDocument = f.database->write([&](db::Connection& conn) {
        db::NewDocument doc;
        doc.filename = "kept-" + std::to_string(product) + ".pdf";
        doc.bytes = "%PDF kept " + cell;
        return db::attachDocument(conn, f.clock, f.admin,
                                  {db::DocumentOwnerType::Product, product}, doc)
            .id;
      });
      // waste lot at `level` (never transferred: traceability adds nothing), with a photo
      // published on its own (the lot's level decides)
      db::Lot lot = f.database->write([&](db::Connection& conn) {
        db::NewLot in;
        in.startUpId = f.startUps[owner];
        in.streamId = db::findWasteStreamByKey(conn, "olive_pomace")->id;
        in.collectedOn = "2026-01-01";
        in.netMassMg = 1000000;
        in.netAmount = 1;
        return db::insertLot(conn, f.clock, f.admin, in);
      });
      f.setVisibility("lots", lot.id, level);
      std::int64_t photo = f.database->write([&](db::Connection& conn) {
        db::NewDocument doc;
        doc.filename = "lot-" + std::to_string(lot.id) + ".jpg";
        doc.bytes = "jpeg " + cell;
        return db::attachDocument(conn, f.clock, f.admin, {db::DocumentOwnerType::Lot, lot.id}, doc)
            .id;
      });
      f.database->write([&](db::Connection& conn) {
        conn.exec("UPDATE document_attachments SET document_visibility = 'public' WHERE id = " +
                  std::to_string(photo));
      });
      std::int64_t keptPhoto = f.database->write([&](db::Connection& conn) {
        db::NewDocument doc;
        doc.filename = "kept-lot-" + std::to_string(lot.id) + ".jpg";
        doc.bytes = "jpeg kept " + cell;
        return db::attachDocument(conn, f.clock, f.admin, {db::DocumentOwnerType::Lot, lot.id}, doc)
            .id;
      });

      server::SearchIndex index(*f.database);
      index.load();
      auto snapshot = index.snapshot();

      for (const auto& v : f.viewers) {
        const bool want = expected(v.name, owner, level);
        const std::string where = v.name + " x " + cell;
        f.database->read([&](db::Connection& conn) {
          // SQL predicates, one per record kind
          BOOST_TEST(db::findCompound(conn, v.principal, c.compound.id).has_value() == want,
                     "compound, SQL: " << where);
          BOOST_TEST(db::findBatch(conn, v.principal, b.compound.id, b.form.formNumber,
                                   b.batch.batchNumber)
                             .has_value() == want,
                     "batch, SQL: " << where);
          BOOST_TEST(db::findRoute(conn, v.principal, route, false).has_value() == want,
                     "route, SQL: " << where);
          BOOST_TEST(db::findProduct(conn, v.principal, product).has_value() == want,
                     "product, SQL: " << where);
          BOOST_TEST(db::findDocument(conn, v.principal, document).has_value() == want,
                     "document, SQL: " << where);
          BOOST_TEST(db::findDocument(conn, v.principal, keptDocument).has_value() ==
                         (want && expected(v.name, owner, "start-up")),
                     "unpublished document, SQL: " << where);
          // The rule for one owner's rows (listing ?start_up=), answered by the owner index.
          const std::string oneOwner =
              "SELECT COUNT(*) FROM compounds c WHERE c.id = " + std::to_string(c.compound.id) +
              " AND c.start_up_id = " + std::to_string(f.startUps[owner]) + " AND " +
              db::readScope(v.principal).sqlForOwner(f.startUps[owner], "c.visibility");
          BOOST_TEST((conn.queryInt(oneOwner).value_or(0) == 1) == want,
                     "compound, one owner's SQL: " << where);
          BOOST_TEST(db::findLot(conn, v.principal, lot.id).has_value() == want,
                     "lot, SQL: " << where);
          BOOST_TEST(db::findDocument(conn, v.principal, photo).has_value() == want,
                     "lot document, SQL: " << where);
          BOOST_TEST(db::findDocument(conn, v.principal, keptPhoto).has_value() ==
                         (want && expected(v.name, owner, "start-up")),
                     "unpublished lot document, SQL: " << where);
        });
        // the C++ check
        BOOST_TEST(db::canSee(v.principal, f.startUps[owner], level) == want,
                   "canSee: " << where);
        // the search index's scan filter
        server::ScanFilter filter;
        filter.viewer = v.principal;
        bool found = false, accepted = false;
        for (const auto& segment : snapshot->segments) {
          for (std::size_t row = 0; row < segment->size(); ++row) {
            if (segment->id(row) != c.compound.id) continue;
            found = true;
            accepted = filter.accepts(*segment, row);
          }
        }
        BOOST_TEST(found, "the index holds " << where);
        BOOST_TEST(accepted == want, "compound, scan: " << where);
        cells += 9;
      }
    }
  }
  BOOST_TEST(cells == 2u * 3u * 7u * 9u);
}

BOOST_AUTO_TEST_SUITE_END()
