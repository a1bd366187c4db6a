// A fresh database in a temporary directory, a fixed clock and a few principals.
#pragma once

#include "common/clock.h"
#include "db/database.h"
#include "db/registry_store.h"
#include "db/start_up_store.h"
#include "test_support.h"

namespace argan::test {

struct DbFixture {
  TempDir dir;
  ManualClock clock{1795000000LL * 1000000};
  std::unique_ptr<db::Database> database;
  db::Principal admin = db::Principal::system("test");

  DbFixture() {
    db::DatabaseOptions options;
    options.path = dir.file("test.db");
    database = db::Database::open(options);
  }

  // The audit key of test.db (a copy of it opens with this key: db/audit_seal.h).
  std::string auditKeyFile() const { return dir.file("test.db.audit-key"); }

  std::int64_t startUp(const std::string& name) {
    return database->write([&](db::Connection& c) {
      db::StartUpInput in;
      in.name = name;
      in.sector = "green_chemicals";
      return db::createStartUp(c, clock, admin, in).id;
    });
  }

  static db::Principal member(std::int64_t userId, std::int64_t startUpId) {
    db::Principal p;
    p.userId = userId;
    p.role = db::Role::Member;
    p.startUpId = startUpId;
    return p;
  }

  std::int64_t count(const std::string& table) {
    return database->read([&](db::Connection& c) {
      return c.queryInt("SELECT COUNT(*) FROM " + table).value_or(-1);
    });
  }
};

// An identity with made-up layers: `key` decides the full hash; `noStereo` and `skeleton`
// decide the relations.
inline db::CompoundIdentity fakeIdentity(const std::string& key, const std::string& noStereo = "",
                                         const std::string& skeleton = "") {
  db::CompoundIdentity id;
  id.fullHash = "hash-" + key;
  id.formula = "C2H6O";
  id.canonicalSmiles = key;
  id.tautomerHash = "t-" + key;
  id.noStereoSmiles = noStereo.empty() ? key : noStereo;
  id.noStereoTautomerHash = "nt-" + id.noStereoSmiles;
  id.skeleton = skeleton.empty() ? "sk-" + key : skeleton;
  id.inchi = "InChI=1S/fake/" + key;
  id.inchiKey = "FAKEKEY-" + key;
  id.mw = 46.07;
  id.morganFp = std::string(256, '\x01');
  id.patternFp = std::string(256, '\x02');
  id.molPickle = "pickle";
  id.standardizer = "test";
  return id;
}

inline db::FormIdentity freeForm() {
  db::FormIdentity f;
  f.key = "1|";
  f.label = "free form";
  return f;
}

inline db::FormIdentity sodiumSalt() {
  db::FormIdentity f;
  f.key = "1|[Na+]*1";
  f.label = "sodium salt, 1:1";
  f.componentsJson = R"([{"smiles":"[Na+]","name":"sodium","kind":"cation","count":1}])";
  return f;
}

}  // namespace argan::test
