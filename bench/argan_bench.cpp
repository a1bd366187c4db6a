// argan_bench: Argan's side of scripts/bench. Not a test: it prints figures.
//
//   argan_bench load    --db FILE --input SMI[.gz] [--limit N] [--chunk N] [--threads N]
//       bulk-registers SMILES (one "SMILES<TAB>ID" per line) into the start-up "Bench";
//       resumable (FILE.progress holds the lines done); prints molecules/s.
//   argan_bench export  --db FILE --out FILE     "id<TAB>canonical_smiles" of every parent
//   argan_bench search  --db FILE --queries FILE --type substructure|similarity
//                       [--page-size N] [--count-all] [--k N] [--threshold T] [--out FILE]
//                       [--scope compounds|substances]
//       loads the index (build time, RSS), runs every query through the same code as
//       POST /api/search (in process, admin caller), prints latency figures, writes
//       "query<TAB>ms<TAB>total<TAB>complete<TAB>ids" per query to --out. The index comes
//       from FILE.index when it is valid (written after a full load), as in `argan serve`;
//       --no-snapshot always rebuilds it from the database. With --scope substances the
//       queries find the substances whose constituents match.
//   argan_bench http-search --url http://HOST:PORT --token T --queries FILE
//                       --type substructure|similarity [--page-size N] [--k N] [--threshold T]
//                       [--clients N] [--limit N] [--out FILE]
//       the same queries through POST /api/search of a running `argan serve` (keep-alive
//       connections, one per client thread): latency from the request's first byte to the
//       answer's last, queries/s over all clients, answer bytes; --out as for search (ids of
//       the page, in order), to compare with the in-process run.
//   argan_bench analyse --input SMI[.gz] [--limit N] [--every K] [--eager]
//       the registration chemistry (StructureAnalyser::analyse: checks, parse, standardise,
//       identity layers, properties, fingerprints, pickle) on each (K-th) line, in process, one
//       thread; --eager turns off every shared computation (AnalysisOptions::eager). Meant
//       for instruction counts: bench/registration_profile.sh runs it under callgrind.
//   argan_bench substances --db FILE [--count N] [--constituents K]
//       adds N substances (default 2000) of the start-up "Bench", each made of K registered
//       parents (default 3, spread over the whole set) and a named rest: the database of the
//       "compound search with substances present" comparison (bench/RESULTS.md).
//   argan_bench membw   streaming read bandwidth of this machine (GB/s)
#include <Poco/InflatingStream.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "chem/bit_kernels.h"
#include "chem/structure_analysis.h"
#include "common/clock.h"
#include "common/error.h"
#include "db/database.h"
#include "db/start_up_store.h"
#include "db/substance_store.h"
#include "server/registry/bulk_registration.h"
#include "server/isolation/chem_service.h"
#include "server/search/search_request.h"
#include "server/search/structure_search.h"

using namespace argan;

namespace {

using Clock = std::chrono::steady_clock;

std::map<std::string, std::string> parseArgs(int argc, char** argv, int from) {
  std::map<std::string, std::string> args;
  for (int i = from; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) continue;
    std::string key = a.substr(2);
    if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
      args[key] = argv[++i];
    } else {
      args[key] = "1";
    }
  }
  return args;
}

double rssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  double pos = p * (v.size() - 1);
  std::size_t i = static_cast<std::size_t>(pos);
  double frac = pos - i;
  return i + 1 < v.size() ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

std::unique_ptr<db::Database> openDb(const std::string& path) {
  db::DatabaseOptions o;
  o.path = path;
  o.synchronousFull = false;
  o.checkIntegrityOnOpen = false;
  return db::Database::open(o);
}

int load(const std::map<std::string, std::string>& args) {
  const std::string dbPath = args.at("db");
  const std::string input = args.at("input");
  const std::size_t limit = args.count("limit") ? std::stoul(args.at("limit")) : SIZE_MAX;
  server::BulkOptions options;
  options.chunkSize = args.count("chunk") ? std::stoul(args.at("chunk")) : 1000;
  options.threads = args.count("threads") ? std::stoul(args.at("threads")) : 2;

  chem::initialise();
  auto database = openDb(dbPath);
  SystemClock clock;
  server::AppConfig config;
  server::InProcessChemService chem(static_cast<int>(options.threads));
  server::Runtime services{*database, clock, config, chem};
  std::int64_t startUp = database->write([&](db::Connection& c) {
    for (const auto& s : db::listStartUps(c)) {
      if (s.name == "Bench") return s.id;
    }
    db::StartUpInput in;
    in.name = "Bench";
    in.sector = "green_chemicals";
    return db::createStartUp(c, clock, db::Principal::system("bench"), in).id;
  });

  std::size_t done = 0;
  {
    std::ifstream progress(dbPath + ".progress");
    progress >> done;
  }
  std::ifstream file(input, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + input);
  std::unique_ptr<std::istream> inflated;
  std::istream* in = &file;
  if (input.size() > 3 && input.substr(input.size() - 3) == ".gz") {
    inflated = std::make_unique<Poco::InflatingInputStream>(file, Poco::InflatingStreamBuf::STREAM_GZIP);
    in = inflated.get();
  }
  std::string line;
  std::size_t lineNo = 0;
  while (lineNo < done && std::getline(*in, line)) ++lineNo;

  const std::size_t block = options.chunkSize * 10;
  std::size_t registered = 0, rejected = 0;
  double seconds = 0;
  server::ChunkedWriteStats stats;
  db::Principal actor = db::Principal::system("bench");
  while (lineNo < limit) {
    std::vector<server::BulkRecord> records;
    while (records.size() < block && lineNo < limit && std::getline(*in, line)) {
      ++lineNo;
      std::string smiles = line.substr(0, line.find_first_of("\t "));
      if (smiles.empty()) continue;
      records.push_back({smiles, "smiles", {}});
    }
    if (records.empty()) break;
    auto result = server::registerBulk(services, actor, startUp, records, options);
    seconds += result.seconds;
    stats.prepareSeconds += result.stats.prepareSeconds;
    stats.writeSeconds += result.stats.writeSeconds;
    stats.waitSeconds += result.stats.waitSeconds;
    registered += records.size() - result.rejected;
    rejected += result.rejected;
    std::ofstream(dbPath + ".progress") << lineNo << "\n";
    std::cout << "loaded " << lineNo << " lines; this run " << registered + rejected
              << " records in " << std::fixed << std::setprecision(1) << seconds << " s = "
              << (registered + rejected) / seconds << " records/s (" << rejected
              << " rejected)" << std::endl;
  }
  std::cout << "RESULT load records=" << registered + rejected << " rejected=" << rejected
            << " seconds=" << seconds << " per_second=" << (registered + rejected) / seconds
            << " prepare_s=" << stats.prepareSeconds << " write_s=" << stats.writeSeconds
            << " writer_waiting_s=" << stats.waitSeconds << std::endl;
  return 0;
}

int exportParents(const std::map<std::string, std::string>& args) {
  auto database = openDb(args.at("db"));
  std::ofstream out(args.at("out"));
  database->read([&](db::Connection& c) {
    db::Statement st(c, "SELECT id, canonical_smiles FROM compounds WHERE retired_at IS NULL ORDER BY id");
    while (st.step()) {
      std::string smiles = st.getText(1);
      auto bar = smiles.find(" |");  // enhanced stereo suffix: not for the peers
      if (bar != std::string::npos) smiles = smiles.substr(0, bar);
      out << st.getInt(0) << "\t" << smiles << "\n";
    }
  });
  return 0;
}

std::vector<std::string> readQueries(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line.substr(0, line.find_first_of("\t ")));
  }
  return out;
}

int search(const std::map<std::string, std::string>& args) {
  chem::initialise();
  const double rssBefore = rssMiB();
  auto database = openDb(args.at("db"));
  SystemClock clock;
  server::AppConfig config;
  server::InProcessChemService chem(2);
  auto t0 = Clock::now();
  server::StructureSearchOptions searchOptions;
  searchOptions.threads = args.count("threads") ? std::stoul(args.at("threads")) : 2;
  // As `argan serve` does: the snapshot beside the database (--no-snapshot: rebuild).
  if (!args.count("no-snapshot")) searchOptions.index.snapshotPath = args.at("db") + ".index";
  server::StructureSearch searchService(*database, searchOptions);
  double buildSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
  auto stats = searchService.index().stats();
  const double rssIndex = rssMiB() - rssBefore;
  server::Runtime services{*database, clock, config, chem, &searchService};

  server::SearchRequest request;
  request.type = args.at("type");
  if (args.count("scope")) request.scope = args.at("scope");
  const bool substances = request.scope == "substances";
  request.pageSize = args.count("page-size") ? std::stol(args.at("page-size")) : 100;
  request.countAll = args.count("count-all") > 0;
  request.maxHits = args.count("max-hits") ? std::stoul(args.at("max-hits")) : 10000;
  request.timeBudgetMs = args.count("budget-ms") ? std::stol(args.at("budget-ms")) : 60000;
  if (args.count("k")) request.k = std::stoul(args.at("k"));
  if (args.count("threshold")) request.threshold = std::stod(args.at("threshold"));
  const bool writeIds = args.count("out") > 0;
  std::ofstream out;
  if (writeIds) out.open(args.at("out"));

  auto queries = readQueries(args.at("queries"));
  if (args.count("limit")) queries.resize(std::min(queries.size(), std::stoul(args.at("limit"))));
  db::Principal admin = db::Principal::system("bench");
  std::vector<double> ms;
  std::size_t failed = 0, incomplete = 0;
  auto wall0 = Clock::now();
  for (std::size_t qi = 0; qi < queries.size(); ++qi) {
    request.query = queries[qi];
    request.format = request.type == "substructure" ? "smiles" : "";
    auto start = Clock::now();
    try {
      if (request.type == "substructure" && request.countAll && !substances) {
        // Every hit id (not one page): the correctness comparison with RDKit.
        auto spec = chem.prepareSubstructureQuery(request.query, request.format);
        server::ScanFilter filter;
        filter.viewer = admin;
        server::SubstructureOptions options;
        options.maxHits = request.maxHits;
        auto snapshot = searchService.index().snapshot();
        auto outcome = searchService.engine().substructure(*snapshot, spec, filter, options);
        double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        ms.push_back(elapsed);
        if (!outcome.complete) ++incomplete;
        std::vector<std::int64_t> ids;
        for (const auto& hit : outcome.hits) ids.push_back(hit.id);
        std::sort(ids.begin(), ids.end());
        out << qi << "\t" << elapsed << "\t" << outcome.total << "\t" << outcome.complete << "\t";
        for (std::size_t i = 0; i < ids.size(); ++i) out << (i ? "," : "") << ids[i];
        out << "\t\n";
        continue;
      }
      auto response = server::runSearch(services, admin, request);
      double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      ms.push_back(elapsed);
      if (!response.complete) ++incomplete;
      if (writeIds && substances) {
        out << qi << "\t" << elapsed << "\t" << response.total << "\t" << response.complete << "\t";
        for (std::size_t i = 0; i < response.substanceHits.size(); ++i) {
          out << (i ? "," : "") << response.substanceHits[i].substanceId;
        }
        out << "\t" << response.queryCanonicalSmiles << "\n";
      } else if (writeIds) {
        out << qi << "\t" << elapsed << "\t" << response.total << "\t" << response.complete << "\t";
        for (std::size_t i = 0; i < response.hits.size(); ++i) {
          out << (i ? "," : "") << response.hits[i].id;
          if (request.type == "similarity") out << ":" << std::setprecision(6) << response.hits[i].score;
        }
        out << "\t" << response.queryCanonicalSmiles << "\n";
      }
    } catch (const std::exception& e) {
      ++failed;
      if (writeIds) out << qi << "\t-1\t-1\t0\tERROR " << e.what() << "\t\n";
    }
  }
  double wall = std::chrono::duration<double>(Clock::now() - wall0).count();
  std::cout << std::fixed << std::setprecision(2) << "RESULT search scope=" << request.scope
            << " type=" << request.type << " queries=" << queries.size() << " failed=" << failed
            << " incomplete=" << incomplete << " median_ms=" << percentile(ms, 0.5)
            << " p95_ms=" << percentile(ms, 0.95) << " p99_ms=" << percentile(ms, 0.99)
            << " qps=" << (wall > 0 ? queries.size() / wall : 0)
            << " index_build_s=" << buildSeconds << " index_compounds=" << stats.compounds
            << " index_mib=" << stats.memoryBytes / 1048576.0 << " index_rss_mib=" << rssIndex
            << " rss_mib=" << rssMiB() << " popcount=" << chem::popcountImplementation()
            << " index_mapped_mib=" << stats.mappedBytes / 1048576.0 << " snapshot=\""
            << stats.snapshotStatus << "\"" << std::endl;
  // A snapshot written in the background after a full load is finished before exiting.
  searchService.index().waitForSnapshotWriter();
  return 0;
}

// The ids of a POST /api/search answer's hits, in order ("/api/compounds/CMP-000017" links).
std::vector<std::int64_t> hitIds(const std::string& body) {
  std::vector<std::int64_t> ids;
  const std::string key = "\"self\":\"/api/compounds/";
  for (std::size_t at = body.find(key); at != std::string::npos; at = body.find(key, at + 1)) {
    std::int64_t id = 0;
    for (std::size_t i = at + key.size(); i < body.size() && body[i] != '"'; ++i) {
      if (body[i] >= '0' && body[i] <= '9') id = id * 10 + (body[i] - '0');
    }
    ids.push_back(id);
  }
  return ids;
}

std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string numberField(const std::string& body, const std::string& name) {
  auto at = body.find("\"" + name + "\":");
  if (at == std::string::npos) return "";
  at += name.size() + 3;
  auto end = body.find_first_of(",}", at);
  return body.substr(at, end - at);
}

int httpSearch(const std::map<std::string, std::string>& args) {
  Poco::URI url(args.at("url"));
  const std::string token = args.count("token") ? args.at("token") : "";
  const std::string type = args.at("type");
  const long pageSize = args.count("page-size") ? std::stol(args.at("page-size")) : 100;
  const std::size_t clients = args.count("clients") ? std::stoul(args.at("clients")) : 1;
  auto queries = readQueries(args.at("queries"));
  if (args.count("limit")) queries.resize(std::min(queries.size(), std::stoul(args.at("limit"))));
  std::string extra;
  if (args.count("k")) extra += ",\"k\":" + args.at("k");
  if (args.count("threshold")) extra += ",\"threshold\":" + args.at("threshold");
  if (args.count("max-hits")) extra += ",\"max_hits\":" + args.at("max-hits");

  struct Answer {
    double ms = -1;
    int status = 0;
    std::string body;
  };
  std::vector<Answer> answers(queries.size());
  std::size_t next = 0;
  std::mutex nextMutex;
  auto worker = [&] {
    Poco::Net::HTTPClientSession session(url.getHost(), url.getPort());
    session.setKeepAlive(true);
    session.setTimeout(Poco::Timespan(120, 0));
    for (;;) {
      std::size_t qi;
      {
        std::lock_guard<std::mutex> lock(nextMutex);
        if (next >= queries.size()) return;
        qi = next++;
      }
      const std::string body = "{\"type\":" + jsonString(type) + ",\"query\":" +
                               jsonString(queries[qi]) + ",\"page_size\":" +
                               std::to_string(pageSize) + extra + "}";
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/api/search",
                                     Poco::Net::HTTPMessage::HTTP_1_1);
      request.setContentType("application/json");
      request.setContentLength(static_cast<std::streamsize>(body.size()));
      request.setKeepAlive(true);
      if (!token.empty()) request.set("Authorization", "Bearer " + token);
      Answer& a = answers[qi];
      auto start = Clock::now();
      try {
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        Poco::StreamCopier::copyToString(in, a.body);
        a.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        a.status = response.getStatus();
      } catch (const std::exception& e) {
        a.body = e.what();
        session.reset();
      }
    }
  };
  auto wall0 = Clock::now();
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < clients; ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  const double wall = std::chrono::duration<double>(Clock::now() - wall0).count();

  std::ofstream out;
  if (args.count("out")) out.open(args.at("out"));
  std::vector<double> ms;
  std::size_t failed = 0, incomplete = 0, bytes = 0;
  for (std::size_t qi = 0; qi < answers.size(); ++qi) {
    const Answer& a = answers[qi];
    if (a.status != 200) {
      ++failed;
      if (out) out << qi << "\t-1\t-1\t0\tERROR " << a.status << " " << a.body.substr(0, 200) << "\t\n";
      continue;
    }
    ms.push_back(a.ms);
    bytes += a.body.size();
    const bool complete = numberField(a.body, "complete") == "true";
    if (!complete) ++incomplete;
    if (out) {
      out << qi << "\t" << a.ms << "\t" << numberField(a.body, "total") << "\t" << complete << "\t";
      auto ids = hitIds(a.body);
      for (std::size_t i = 0; i < ids.size(); ++i) out << (i ? "," : "") << ids[i];
      out << "\t\n";
    }
  }
  std::cout << std::fixed << std::setprecision(2) << "RESULT http_search type=" << type
            << " clients=" << clients << " queries=" << queries.size() << " failed=" << failed
            << " incomplete=" << incomplete << " median_ms=" << percentile(ms, 0.5)
            << " p95_ms=" << percentile(ms, 0.95) << " p99_ms=" << percentile(ms, 0.99)
            << " qps=" << (wall > 0 ? queries.size() / wall : 0)
            << " mean_answer_bytes=" << (ms.empty() ? 0 : bytes / ms.size()) << std::endl;
  return failed == queries.size() && !queries.empty() ? 1 : 0;
}

int analyseMolecules(const std::map<std::string, std::string>& args) {
  chem::initialise();
  const std::string input = args.at("input");
  const std::size_t limit = args.count("limit") ? std::stoul(args.at("limit")) : SIZE_MAX;
  chem::StandardizationOptions standardization;
  chem::AnalysisOptions analysis;
  if (args.count("eager")) {
    standardization.skipInapplicableSteps = false;
    analysis = chem::AnalysisOptions::eager();
  }
  chem::StructureAnalyser analyser(chem::StructureLimits{}, standardization, analysis);
  std::ifstream file(input, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + input);
  std::unique_ptr<std::istream> inflated;
  std::istream* in = &file;
  if (input.size() > 3 && input.substr(input.size() - 3) == ".gz") {
    inflated = std::make_unique<Poco::InflatingInputStream>(file, Poco::InflatingStreamBuf::STREAM_GZIP);
    in = inflated.get();
  }
  const std::size_t every = args.count("every") ? std::max(1ul, std::stoul(args.at("every"))) : 1;
  std::vector<std::string> smiles;
  std::string line;
  for (std::size_t n = 0; smiles.size() < limit && std::getline(*in, line); ++n) {
    if (n % every != 0) continue;
    std::string s = line.substr(0, line.find_first_of("\t "));
    if (!s.empty()) smiles.push_back(s);
  }
  std::size_t refused = 0;
  std::uint64_t checksum = 0;  // of every result, so that nothing is optimised away
  auto start = Clock::now();
  for (const auto& s : smiles) {
    try {
      auto a = analyser.analyse(s, "smiles");
      checksum += std::hash<std::string>{}(a.identity.fullHash + a.parentPickle + a.patternFingerprint);
    } catch (const Error&) {
      ++refused;
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "RESULT analyse molecules=" << smiles.size() << " refused=" << refused
            << " mode=" << (args.count("eager") ? "eager" : "shared") << " seconds=" << seconds
            << " checksum=" << std::hex << checksum << std::dec << std::endl;
  return 0;
}

int addSubstances(const std::map<std::string, std::string>& args) {
  const std::size_t count = args.count("count") ? std::stoul(args.at("count")) : 2000;
  const std::size_t perSubstance =
      args.count("constituents") ? std::stoul(args.at("constituents")) : 3;
  if (perSubstance < 1 || perSubstance > 9) throw std::runtime_error("--constituents: 1 to 9");
  auto database = openDb(args.at("db"));
  SystemClock clock;
  const db::Principal actor = db::Principal::system("bench");
  std::int64_t startUp = 0;
  std::vector<std::int64_t> parents;
  database->read([&](db::Connection& c) {
    for (const auto& s : db::listStartUps(c)) {
      if (s.name == "Bench") startUp = s.id;
    }
    db::Statement st(c, "SELECT id FROM compounds WHERE retired_at IS NULL ORDER BY id");
    while (st.step()) parents.push_back(st.getInt(0));
  });
  if (!startUp || parents.empty()) throw std::runtime_error("load parents first (argan_bench load)");
  auto t0 = Clock::now();
  const std::size_t chunk = 500;
  for (std::size_t from = 0; from < count; from += chunk) {
    database->write([&](db::Connection& c) {
      for (std::size_t i = from; i < std::min(count, from + chunk); ++i) {
        db::SubstanceSpec spec;
        spec.kind = "uvcb";
        spec.name = "Bench substance " + std::to_string(i + 1);
        spec.source.process = "bench mixture " + std::to_string(i + 1);
        double rest = 100;
        for (std::size_t k = 0; k < perSubstance; ++k) {
          // Spread over the whole set (strides prime to the usual set sizes).
          std::size_t index = (i * 7919 + k * 104729) % parents.size();
          db::Constituent constituent;
          constituent.compoundId = parents[index];
          constituent.typical = 60.0 / static_cast<double>(perSubstance);
          rest -= constituent.typical;
          spec.constituents.push_back(constituent);
        }
        db::Constituent named;
        named.name = "unidentified fraction";
        named.typical = rest;
        spec.constituents.push_back(named);
        db::createSubstance(c, clock, actor, startUp, spec, "bench:" + std::to_string(i + 1));
      }
      return 0;
    });
  }
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::cout << std::fixed << std::setprecision(2) << "RESULT substances added=" << count
            << " constituents_each=" << perSubstance << " parents=" << parents.size()
            << " seconds=" << seconds << std::endl;
  return 0;
}

int memoryBandwidth() {
  const std::size_t bytes = std::size_t(1) << 30;
  std::vector<std::uint64_t> buffer(bytes / 8);
  for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = i;
  double best = 0;
  volatile std::uint64_t sink = 0;
  for (int rep = 0; rep < 5; ++rep) {
    auto t = Clock::now();
    std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (std::size_t i = 0; i + 4 <= buffer.size(); i += 4) {
      s0 += buffer[i];
      s1 += buffer[i + 1];
      s2 += buffer[i + 2];
      s3 += buffer[i + 3];
    }
    sink = sink + s0 + s1 + s2 + s3;
    double sec = std::chrono::duration<double>(Clock::now() - t).count();
    best = std::max(best, bytes / sec / 1e9);
  }
  std::cout << std::fixed << std::setprecision(1) << "RESULT membw gb_per_s=" << best
            << " scan_1.1M_fps_ms=" << (1109749.0 * 256 / (best * 1e9)) * 1000 << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: argan_bench load|export|search|http-search|analyse|substances|membw"
                 " [--options]\n";
    return 2;
  }
  std::string command = argv[1];
  auto args = parseArgs(argc, argv, 2);
  try {
    if (command == "load") return load(args);
    if (command == "export") return exportParents(args);
    if (command == "search") return search(args);
    if (command == "substances") return addSubstances(args);
    if (command == "membw") return memoryBandwidth();
    if (command == "http-search") return httpSearch(args);
    if (command == "analyse") return analyseMolecules(args);
  } catch (const std::exception& e) {
    std::cerr << "argan_bench " << command << ": " << e.what() << "\n";
    return 1;
  }
  std::cerr << "argan_bench: unknown command " << command << "\n";
  return 2;
}
