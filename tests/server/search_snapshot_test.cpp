// The persisted search index (server/search/search_snapshot.h): a mapped snapshot answers
// exactly as an index built from the database, and a stale or corrupt snapshot is detected,
// not used, and written again.
#include <Poco/File.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "chem/substructure.h"
#include "db/backup.h"
#include "db/compound_scan.h"
#include "db/registry_store.h"
#include "server/registry/bulk_registration.h"
#include "server/search/search_snapshot.h"
#include "test_server.h"

using namespace argan;
using test::TestServer;

namespace {

const std::vector<std::string> kFirst = {
    "CC(=O)Oc1ccccc1C(=O)O", "CC(=O)Nc1ccc(O)cc1", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C",
    "CC(C)Cc1ccc(cc1)C(C)C(=O)O", "c1ccccc1", "Cc1ccccc1", "Oc1ccccc1", "Nc1ccccc1",
    "c1ccc2ccccc2c1", "c1ccncc1", "C1CCCCC1", "OCCO", "CCCCO", "CC(=O)O",
    "O=C(O)c1ccccc1", "O=C(O)CCC(=O)O", "NCC(=O)O", "CC(N)C(=O)O",
    "c1ccc(cc1)C(=O)c1ccccc1", "Clc1ccc(Cl)cc1", "Brc1ccccc1", "FC(F)(F)c1ccccc1",
    "CC(C)(C)c1ccc(O)cc1", "COc1ccc(C=O)cc1", "O=[N+]([O-])c1ccccc1", "Cc1ccc(S(N)(=O)=O)cc1",
    "CCN(CC)CC", "CC(=O)[O-].[Na+]", "c1ccc2[nH]ccc2c1", "c1ccoc1", "c1ccsc1",
    "OC(=O)C=CC(=O)O", "C=CC(=O)OC", "O=C1CCCCC1", "CC(O)C(=O)O", "OCC(O)CO",
    "C[C@H](N)C(=O)O", "OC[C@H]1OC(O)[C@H](O)[C@@H](O)[C@@H]1O"};
const std::vector<std::string> kLater = {
    "Cc1ccc(O)cc1", "CCc1ccccc1", "c1ccc(-c2ccccc2)cc1", "OC(=O)c1ccc(O)cc1",
    "CCOC(=O)c1ccccc1", "Nc1ccc(cc1)S(N)(=O)=O", "c1ccc2ncccc2c1", "CC(C)O", "CCCCCCCC"};

// Registers every structure; only real-world sets (`mayReject`) may hold refused ones.
void registerAll(TestServer& server, std::int64_t startUp, const std::vector<std::string>& smiles,
                 bool mayReject = false) {
  std::vector<server::BulkRecord> records;
  for (const auto& s : smiles) records.push_back({s, "smiles", {}});
  auto result = server::registerBulk(server.services(), db::Principal::system("test"), startUp,
                                     records);
  if (!mayReject) BOOST_TEST_REQUIRE(result.rejected == 0u);
  BOOST_TEST_REQUIRE(result.rejected < smiles.size() / 10 + 1);
}

server::StructureSearchOptions withSnapshot(const std::string& path) {
  server::StructureSearchOptions options;
  options.index.snapshotPath = path;
  options.index.loadSegmentRows = 16;  // several sealed segments in the file
  options.index.tailCapacity = 8;
  return options;
}

server::StructureSearchOptions inMemory() {
  server::StructureSearchOptions options = withSnapshot("");
  return options;
}

// Every search outcome of `a` and `b` agree: substructure ids, similarity ids and scores,
// for several callers (visibility inside the scan) — and every row's pickle and flags.
void expectSameAnswers(server::StructureSearch& a, server::StructureSearch& b,
                       server::ChemService& chem, const std::vector<db::Principal>& viewers) {
  auto sa = a.index().snapshot();
  auto sb = b.index().snapshot();
  BOOST_TEST_REQUIRE(sa->compounds() == sb->compounds());
  std::vector<std::tuple<std::int64_t, std::int64_t, int, double, std::string>> rowsA, rowsB;
  for (auto* pair : {&rowsA, &rowsB}) {
    const auto& snap = pair == &rowsA ? *sa : *sb;
    for (const auto& segment : snap.segments) {
      for (std::size_t r = 0; r < segment->size(); ++r) {
        pair->emplace_back(segment->id(r), segment->startUp(r), segment->flags(r), segment->mw(r),
                           std::string(segment->pickle(r)));
      }
    }
  }
  BOOST_TEST((rowsA == rowsB));
  for (const db::Principal& who : viewers) {
    server::ScanFilter filter;
    filter.viewer = who;
    for (const std::string query : {"c1ccccc1", "C(=O)O", "c1ccc2ccccc2c1", "CN", "C=O"}) {
      auto spec = chem.prepareSubstructureQuery(query, "smiles");
      auto ha = a.engine().substructure(*sa, spec, filter, {});
      auto hb = b.engine().substructure(*sb, spec, filter, {});
      std::vector<std::int64_t> ia, ib;
      for (const auto& h : ha.hits) ia.push_back(h.id);
      for (const auto& h : hb.hits) ib.push_back(h.id);
      BOOST_TEST(ia == ib, query);
    }
    for (const std::string query : {"Oc1ccccc1C", "CC(=O)O", "c1ccc2ccccc2c1"}) {
      auto fp = chem.prepareSimilarityQuery(query, "").morganFingerprint;
      for (int mode = 0; mode < 2; ++mode) {
        server::SimilarityOptions options;
        if (mode == 0) options.k = 10;
        else options.threshold = 0.2;
        auto ha = a.engine().similarity(*sa, fp, filter, options);
        auto hb = b.engine().similarity(*sb, fp, filter, options);
        BOOST_TEST_REQUIRE(ha.hits.size() == hb.hits.size(), query);
        BOOST_TEST(ha.total == hb.total);
        for (std::size_t i = 0; i < ha.hits.size(); ++i) {
          BOOST_TEST(ha.hits[i].id == hb.hits[i].id);
          BOOST_TEST(ha.hits[i].score == hb.hits[i].score);
        }
      }
    }
  }
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

struct Registry {
  TestServer server;
  std::int64_t a = server.createStartUp("Argania");
  std::int64_t b = server.createStartUp("Biocactus");
  std::string snapshotPath = server.services().config.dbPath + ".index";
  std::vector<db::Principal> viewers() const {
    db::Principal memberA;
    memberA.role = db::Role::Member;
    memberA.startUpId = a;
    memberA.userId = 1;
    return {db::Principal::system("t"), memberA, db::Principal::anonymous()};
  }
  server::ChemService& chem() { return server.services().chem; }
};

// Builds from the database, writes the snapshot and waits for it.
void writeSnapshotThroughLoad(Registry& r) {
  server::StructureSearch fresh(r.server.database(), withSnapshot(r.snapshotPath));
  fresh.index().waitForSnapshotWriter();
  BOOST_TEST_REQUIRE(fresh.index().stats().snapshotsWritten == 1u);
}

void expectMappedSnapshotAnswersAsFreshLoad(const std::vector<std::string>& moreMolecules) {
  Registry r;
  registerAll(r.server, r.a, kFirst);
  registerAll(r.server, r.b, moreMolecules, /*mayReject=*/true);
  {
    server::StructureSearch first(r.server.database(), withSnapshot(r.snapshotPath));
    BOOST_TEST(first.index().stats().snapshotStatus == "rebuilt: no snapshot file");
    first.index().waitForSnapshotWriter();
    BOOST_TEST(first.index().stats().snapshotsWritten == 1u);
  }
  BOOST_TEST_REQUIRE(Poco::File(r.snapshotPath).exists());

  server::StructureSearch mapped(r.server.database(), withSnapshot(r.snapshotPath));
  auto stats = mapped.index().stats();
  BOOST_TEST(stats.snapshotStatus == "snapshot");
  BOOST_TEST(stats.mappedBytes > 0u);
  server::StructureSearch fresh(r.server.database(), inMemory());
  expectSameAnswers(mapped, fresh, r.chem(), r.viewers());

  // Registered, published and retired since the file was written: applied on top of it.
  registerAll(r.server, r.a, kLater);
  std::int64_t phenol = 0, naphthalene = 0;
  // Compound numbers are creation times (db/identifiers.h): walk the stored ids.
  const std::vector<std::int64_t> stored = r.server.database().read([](db::Connection& c) {
    std::vector<std::int64_t> ids;
    db::Statement st(c, "SELECT id FROM compounds ORDER BY id");
    while (st.step()) ids.push_back(st.getInt(0));
    return ids;
  });
  for (std::int64_t id : stored) {
    auto c = r.server.database().read(
        [&](db::Connection& c) { return db::findCompound(c, db::Principal::system("t"), id); });
    if (!c) continue;
    // The first ones: start-up A's (registered before any other).
    if (c->identity.canonicalSmiles == "Oc1ccccc1" && !phenol) phenol = id;
    if (c->identity.canonicalSmiles == "c1ccc2ccccc2c1" && !naphthalene) naphthalene = id;
  }
  BOOST_TEST_REQUIRE(phenol > 0);
  BOOST_TEST_REQUIRE(naphthalene > 0);
  r.server.database().write([&](db::Connection& c) {
    db::Statement st(c, "UPDATE compounds SET visibility = 'public', updated_at = ? WHERE id = ?");
    st.bind(1, r.server.services().clock.nowIso()).bind(2, phenol).run();
    db::retireCompound(c, r.server.services().clock, db::Principal::system("t"), naphthalene,
                       "duplicate entry");
  });
  server::StructureSearch later(r.server.database(), withSnapshot(r.snapshotPath));
  BOOST_TEST(later.index().stats().snapshotStatus == "snapshot");
  server::StructureSearch freshLater(r.server.database(), inMemory());
  expectSameAnswers(later, freshLater, r.chem(), r.viewers());
  server::ScanFilter anonymous;
  anonymous.viewer = db::Principal::anonymous();
  auto hits = later.engine().substructure(*later.index().snapshot(),
                                          r.chem().prepareSubstructureQuery("c1ccccc1O", "smiles"),
                                          anonymous, {});
  BOOST_TEST_REQUIRE(hits.hits.size() == 1u);
  BOOST_TEST(hits.hits[0].id == phenol);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(search_snapshot)

BOOST_AUTO_TEST_CASE(a_mapped_snapshot_answers_as_a_fresh_load) {
  expectMappedSnapshotAnswersAsFreshLoad({"CCN", "CCCN", "c1ccc(N)cc1O", "OCC(=O)O"});
}

BOOST_AUTO_TEST_CASE(a_corrupt_snapshot_is_detected_and_rebuilt) {
  Registry r;
  registerAll(r.server, r.a, kFirst);
  writeSnapshotThroughLoad(r);
  const std::string good = readFile(r.snapshotPath);
  BOOST_TEST_REQUIRE(good.size() > 4096u);
  server::StructureSearch fresh(r.server.database(), inMemory());

  struct Damage {
    std::string name;
    std::string bytes;
    std::string reason;  // expected start of the status after "rebuilt: "
  };
  std::vector<Damage> damages;
  damages.push_back({"truncated", good.substr(0, good.size() - 1000), "truncated"});
  damages.push_back({"header only", good.substr(0, 200), "truncated"});
  for (std::size_t at : {good.size() / 2, std::size_t(70), good.size() - 1}) {
    std::string flipped = good;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    damages.push_back({"bit flipped at " + std::to_string(at), flipped, "checksum mismatch"});
  }
  std::string magic = good;
  magic[0] = 'X';
  damages.push_back({"not a snapshot", magic, "not a search index snapshot"});
  damages.push_back({"empty", "", "truncated"});

  for (const auto& d : damages) {
    BOOST_TEST_CONTEXT(d.name) {
      writeFile(r.snapshotPath, d.bytes);
      server::StructureSearch rebuilt(r.server.database(), withSnapshot(r.snapshotPath));
      const std::string status = rebuilt.index().stats().snapshotStatus;
      BOOST_TEST(startsWith(status, "rebuilt: " + d.reason), status);
      expectSameAnswers(rebuilt, fresh, r.chem(), r.viewers());
      rebuilt.index().waitForSnapshotWriter();
      BOOST_TEST(rebuilt.index().stats().snapshotsWritten == 1u);
      // The file written in the background is whole again and is used at the next start.
      server::StructureSearch next(r.server.database(), withSnapshot(r.snapshotPath));
      BOOST_TEST(next.index().stats().snapshotStatus == "snapshot");
      expectSameAnswers(next, fresh, r.chem(), r.viewers());
    }
  }
  // A damaged file is never read past its checks by the opener either.
  std::string why;
  writeFile(r.snapshotPath, good.substr(0, good.size() / 3));
  BOOST_TEST(!server::openIndexSnapshot(r.snapshotPath, why).has_value());
  BOOST_TEST(!why.empty());
}

BOOST_AUTO_TEST_CASE(a_snapshot_of_another_or_older_database_is_stale) {
  Registry r;
  registerAll(r.server, r.a, kFirst);
  // The database as it was before kLater: a backup, opened later as an older database.
  const std::string olderPath = r.server.services().config.dbPath + ".older";
  db::backupDatabase(r.server.database(), olderPath);
  registerAll(r.server, r.a, kLater);
  writeSnapshotThroughLoad(r);
  const std::string newer = readFile(r.snapshotPath);

  {  // an older database with the newer snapshot beside it
    writeFile(olderPath + ".index", newer);
    db::DatabaseOptions o;
    o.path = olderPath;
    // A backup carries no audit key: the installation's is given (docs/threat-model.md).
    o.auditKeyFile = r.server.services().config.dbPath + ".audit-key";
    auto older = db::Database::open(o);
    server::StructureSearch s(*older, withSnapshot(olderPath + ".index"));
    const std::string status = s.index().stats().snapshotStatus;
    BOOST_TEST(startsWith(status, "rebuilt: stale: the database has"), status);
    server::StructureSearch fresh(*older, inMemory());
    expectSameAnswers(s, fresh, r.chem(), r.viewers());
    s.index().waitForSnapshotWriter();
    server::StructureSearch next(*older, withSnapshot(olderPath + ".index"));
    BOOST_TEST(next.index().stats().snapshotStatus == "snapshot");
  }
  {  // another database with as many compounds, other structures
    TestServer other;
    std::int64_t startUp = other.createStartUp("Other");
    std::vector<std::string> smiles;  // alkanes: other parents, as many
    for (std::size_t n = 1; n <= kFirst.size() + kLater.size(); ++n) smiles.push_back(std::string(n, 'C'));
    registerAll(other, startUp, smiles);
    const std::string otherIndex = other.services().config.dbPath + ".index";
    writeFile(otherIndex, newer);
    server::StructureSearch s(other.database(), withSnapshot(otherIndex));
    const std::string status = s.index().stats().snapshotStatus;
    BOOST_TEST(startsWith(status, "rebuilt: stale:"), status);
    server::StructureSearch fresh(other.database(), inMemory());
    expectSameAnswers(s, fresh, other.services().chem, r.viewers());
  }
  {  // a snapshot written under another schema version
    auto mapped = [&] {
      std::string why;
      auto m = server::openIndexSnapshot(r.snapshotPath, why);
      BOOST_TEST_REQUIRE(m.has_value(), why);
      return std::move(*m);
    }();
    server::SnapshotIdentity identity = mapped.identity;
    identity.schemaVersion -= 1;
    std::vector<std::vector<std::uint8_t>> flags;
    for (const auto& segment : mapped.segments) {
      std::vector<std::uint8_t> f;
      for (std::size_t i = 0; i < segment->size(); ++i) f.push_back(segment->flags(i));
      flags.push_back(f);
    }
    const std::string path = r.snapshotPath + ".schema";
    server::writeIndexSnapshot(path, identity, mapped.segments, flags);
    writeFile(r.snapshotPath, readFile(path));
    server::StructureSearch s(r.server.database(), withSnapshot(r.snapshotPath));
    const std::string status = s.index().stats().snapshotStatus;
    BOOST_TEST(startsWith(status, "rebuilt: stale: the database schema changed"), status);
  }
  {  // an indexed column rewritten in place (as a repair or a later migration would): the
     // change counter of migration 0100 moves, rows and count do not
    {  // the file the schema case left behind is valid (written again after its rebuild)
      server::StructureSearch valid(r.server.database(), withSnapshot(r.snapshotPath));
      BOOST_TEST_REQUIRE(valid.index().stats().snapshotStatus == "snapshot");
    }
    const std::int64_t before = r.server.database().read(
        [](db::Connection& c) { return db::searchIndexGeneration(c); });
    r.server.database().write([](db::Connection& c) {
      db::Statement(c, "UPDATE compounds SET mw = mw + 1 WHERE id = (SELECT min(id) FROM compounds)")
          .run();
    });
    BOOST_TEST(r.server.database().read([](db::Connection& c) {
      return db::searchIndexGeneration(c);
    }) == before + 1);
    server::StructureSearch s(r.server.database(), withSnapshot(r.snapshotPath));
    const std::string status = s.index().stats().snapshotStatus;
    BOOST_TEST(startsWith(status, "rebuilt: stale: indexed columns were rewritten"), status);
    server::StructureSearch fresh(r.server.database(), inMemory());
    expectSameAnswers(s, fresh, r.chem(), r.viewers());
    s.index().waitForSnapshotWriter();
    server::StructureSearch next(r.server.database(), withSnapshot(r.snapshotPath));
    BOOST_TEST(next.index().stats().snapshotStatus == "snapshot");
    expectSameAnswers(next, fresh, r.chem(), r.viewers());
  }
}

BOOST_AUTO_TEST_CASE(the_checksum_sees_every_bit) {
  std::string data(1000, 'a');
  const std::uint64_t sum = server::snapshotChecksum(data.data(), data.size());
  for (std::size_t i = 0; i < data.size(); i += 37) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = data;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      BOOST_TEST(server::snapshotChecksum(flipped.data(), flipped.size()) != sum);
    }
  }
  BOOST_TEST(server::snapshotChecksum(data.data(), data.size() - 1) != sum);
}

// Tests on ../shared/data (ctest server.search_snapshot.shared_data; skipped when absent).
BOOST_AUTO_TEST_SUITE(shared_data, *test::needsSharedData())

BOOST_AUTO_TEST_CASE(a_mapped_snapshot_of_real_molecules_answers_as_a_fresh_load) {
  // More rows and real pickles: several sealed segments of drug-like molecules.
  auto smiles = test::firstSmiles(test::sharedData("molecules/nci_first_5k.smi"), 300);
  BOOST_TEST_REQUIRE(smiles.size() == 300u);
  expectMappedSnapshotAnswersAsFreshLoad(smiles);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
