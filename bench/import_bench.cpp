// import_bench: bulk import figures (not a test: it prints figures).
//
//   import_bench [--data DIR] [--work DIR] [--sd-records N] [--import-sd N]
//                [--import-smiles N] [--smiles FILE] [--threads N] [--chunk N]
//
// 1. Builds an SD file of --sd-records records (default 100 000) in --work by cycling through
//    the records of DIR/sdf/*.sdf (RDKit's test SD files, real molecules with data items),
//    each copy tagged with a "copy" data item so every record is distinct.
// 2. Streams it through chem::RecordReader alone: records/s, MB/s and peak RSS after 10 % and
//    at the end (flat memory: the reader holds one record).
// 3. Imports the first --import-sd records of it (default 20 000) into a fresh database with
//    server::runImport (the CLI's and the API's import path) on --threads analysis threads
//    (default: the cores) in transactions of --chunk records (default 200): records/s, CPU
//    per record, the writer's share, and RSS at every quarter (flat while the file streams).
// 4. Imports the first --import-smiles lines (default 5 000) of --smiles (default
//    DIR/molecules/chembl16_50K_sss.smi.gz, read through the gzip stream like an upload):
//    diverse real molecules, mostly new parents.
// DIR defaults to $ARGAN_SHARED_DATA or ../shared/data; --work to a temporary directory.
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "chem/record_reader.h"
#include "chem/structure_analysis.h"
#include "common/clock.h"
#include "db/database.h"
#include "db/import_store.h"
#include "db/start_up_store.h"
#include "server/isolation/chem_service.h"
#include "server/transfer/importer.h"

using namespace argan;

namespace {

using Steady = std::chrono::steady_clock;

std::map<std::string, std::string> parseArgs(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) continue;
    args[a.substr(2)] = i + 1 < argc ? argv[++i] : "1";
  }
  return args;
}

// Resident set (VmRSS) and its peak (VmHWM) in MiB, from /proc/self/status.
std::pair<double, double> memoryMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  double rss = 0, hwm = 0;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::stod(line.substr(6)) / 1024.0;
    if (line.rfind("VmHWM:", 0) == 0) hwm = std::stod(line.substr(6)) / 1024.0;
  }
  return {rss, hwm};
}

double seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

// The SD records of a file, each ending with "$$$$\n".
std::vector<std::string> sdRecords(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> out;
  std::string line, record;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "$$$$") {
      out.push_back(record + "$$$$\n");
      record.clear();
    } else {
      record += line + "\n";
    }
  }
  return out;
}

// Stops the wrapped reader after `limit` records.
class LimitedReader : public chem::RecordReader {
 public:
  LimitedReader(chem::RecordReader& inner, std::size_t limit) : inner_(inner), limit_(limit) {}
  std::optional<chem::StructureRecord> next() override {
    if (done_ >= limit_) return std::nullopt;
    ++done_;
    return inner_.next();
  }
  std::uint64_t bytesRead() const override { return inner_.bytesRead(); }

 private:
  chem::RecordReader& inner_;
  std::size_t limit_;
  std::size_t done_ = 0;
};

// Prints RSS at every quarter of the expected records.
class MemoryObserver : public server::ImportObserver {
 public:
  explicit MemoryObserver(std::int64_t expected) : expected_(expected) {}
  void onProgress(std::int64_t records, std::uint64_t /*bytes*/) override {
    while (expected_ >= 4 && next_ <= 4 && records >= next_ * expected_ / 4) {
      auto [rss, hwm] = memoryMiB();
      std::cout << "    after " << std::setw(7) << records << " records: RSS " << std::fixed
                << std::setprecision(1) << rss << " MiB (peak " << hwm << " MiB), "
                << std::setprecision(0) << records / seconds(start_) << " records/s\n";
      ++next_;
    }
  }
  Steady::time_point start_ = Steady::now();

 private:
  std::int64_t expected_;
  std::int64_t next_ = 1;
};

struct Bench {
  SystemClock clock;
  server::AppConfig config;
  std::unique_ptr<db::Database> database;
  std::unique_ptr<server::InProcessChemService> chem;
  std::unique_ptr<server::Runtime> services;
  db::Principal admin = db::Principal::system("import bench");

  server::ImportPace pace;

  Bench(const std::string& dbPath, unsigned threads, std::size_t chunk) {
    db::DatabaseOptions options;
    options.path = dbPath;  // synchronous=FULL, as argan import and argan serve
    database = db::Database::open(options);
    pace.threads = threads;
    pace.chunkSize = chunk;
    chem = std::make_unique<server::InProcessChemService>(static_cast<int>(threads));
    services = std::make_unique<server::Runtime>(
        server::Runtime{*database, clock, config, *chem});
  }

  std::int64_t startUp(const std::string& name) {
    return database->write([&](db::Connection& c) {
      db::StartUpInput in;
      in.name = name;
      in.sector = "green_chemicals";
      return db::createStartUp(c, clock, admin, in).id;
    });
  }

  // Imports up to `limit` records of `path` into a new start-up; prints the figures.
  void importFile(const std::string& label, const std::string& path,
                  chem::RecordFileFormat format, std::int64_t limit) {
    std::int64_t s = startUp(label);
    db::NewImport in;
    in.startUpId = s;
    in.source = "cli";
    in.fileName = Poco::Path(path).getFileName();
    in.fileSha256 = std::string(64, '0');
    in.format = chem::recordFileFormatName(format);
    db::Import job =
        database->write([&](db::Connection& c) { return db::createImport(c, clock, admin, in); });
    server::ImportOptions options;
    options.format = format;
    server::ImportFile file(path);
    auto reader = chem::RecordReader::create(format, file.stream(), options.reader);
    LimitedReader limited(*reader, static_cast<std::size_t>(limit));
    MemoryObserver observer(limit);
    auto start = Steady::now();
    std::clock_t cpuStart = std::clock();
    server::ImportRun run =
        server::runImport(*services, admin, job, limited, options, observer, nullptr, pace);
    double t = seconds(start);
    double cpu = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    const auto& c = run.counts;
    std::cout << "  " << label << ": " << c.total() << " records in " << std::fixed
              << std::setprecision(1) << t << " s = " << std::setprecision(0) << c.total() / t
              << " records/s (registered " << c.registered << ", new_form " << c.newForm
              << ", new_batch " << c.newBatch << ", already_imported " << c.alreadyImported
              << ", rejected " << c.rejected << ")\n"
              << "    CPU " << std::setprecision(2) << 1000 * cpu / c.total()
              << " ms per record (all threads); writer " << std::setprecision(1)
              << run.stats.writeSeconds << " s in " << run.stats.chunks
              << " transactions, waiting for analysis " << run.stats.waitSeconds << " s\n";
  }
};

}  // namespace

int main(int argc, char** argv) {
  auto args = parseArgs(argc, argv);
  const char* env = std::getenv("ARGAN_SHARED_DATA");
  std::string data = args.count("data") ? args["data"] : env ? env : "../shared/data";
  std::int64_t sdRecordsWanted = args.count("sd-records") ? std::stoll(args["sd-records"]) : 100000;
  std::int64_t importSd = args.count("import-sd") ? std::stoll(args["import-sd"]) : 20000;
  std::int64_t importSmiles =
      args.count("import-smiles") ? std::stoll(args["import-smiles"]) : 5000;
  std::string smiles =
      args.count("smiles") ? args["smiles"] : data + "/molecules/chembl16_50K_sss.smi.gz";
  Poco::TemporaryFile tempDir;
  std::string work = args.count("work") ? args["work"] : tempDir.path();
  Poco::File(work).createDirectories();
  chem::initialise();

  // 1. The synthetic SD file.
  std::vector<std::string> source;
  for (const char* name : {"bzr.sdf", "cdk2.sdf", "first_200.props.sdf", "pubchem.200.sdf"}) {
    auto r = sdRecords(data + "/sdf/" + name);
    source.insert(source.end(), r.begin(), r.end());
  }
  if (source.empty()) {
    std::cerr << "import_bench: no SD records under " << data << "/sdf\n";
    return 1;
  }
  const std::string sdPath = work + "/bench.sdf";
  {
    std::ofstream out(sdPath, std::ios::binary);
    for (std::int64_t i = 0; i < sdRecordsWanted; ++i) {
      const std::string& r = source[static_cast<std::size_t>(i) % source.size()];
      out << r.substr(0, r.size() - 5) << "> <copy>\n" << i << "\n\n$$$$\n";
    }
  }
  double sdMiB = static_cast<double>(Poco::File(sdPath).getSize()) / (1024.0 * 1024.0);
  std::cout << "SD file: " << sdRecordsWanted << " records (" << source.size()
            << " distinct structures from " << data << "/sdf), " << std::fixed
            << std::setprecision(1) << sdMiB << " MiB\n";

  // 2. The reader alone.
  {
    auto before = memoryMiB();
    std::ifstream in(sdPath, std::ios::binary);
    auto reader = chem::RecordReader::create(chem::RecordFileFormat::Sdf, in);
    auto start = Steady::now();
    std::int64_t n = 0, problems = 0;
    double hwmAtTenth = 0;
    while (auto r = reader->next()) {
      if (r->problem) ++problems;
      if (++n == sdRecordsWanted / 10) hwmAtTenth = memoryMiB().second;
    }
    double t = seconds(start);
    std::cout << "reader: " << n << " records (" << problems << " with problems) in "
              << std::setprecision(2) << t << " s = " << std::setprecision(0) << n / t
              << " records/s, " << std::setprecision(1) << sdMiB / t << " MiB/s; peak RSS "
              << before.second << " MiB before, " << hwmAtTenth << " MiB after 10 %, "
              << memoryMiB().second << " MiB at the end\n";
  }

  // 3 and 4. Full imports (standardise, identity layers, registration, verdict rows).
  {
    const unsigned threads = args.count("threads") ? static_cast<unsigned>(std::stoul(args["threads"]))
                                                   : std::max(1u, std::thread::hardware_concurrency());
    const std::size_t chunk = args.count("chunk") ? std::stoul(args["chunk"]) : 200;
    Bench bench(work + "/bench.db", threads, chunk);
    std::cout << "import (" << threads << " chemistry threads, SQLite WAL synchronous=FULL, "
              << chunk << " records per transaction, a savepoint per record):\n";
    if (importSd > 0) bench.importFile("SD", sdPath, chem::RecordFileFormat::Sdf, importSd);
    if (importSmiles > 0) {
      if (Poco::File(smiles).exists()) {
        bench.importFile("SMILES", smiles, chem::RecordFileFormat::Smiles, importSmiles);
      } else {
        std::cout << "  SMILES: " << smiles << " is absent, skipped\n";
      }
    }
  }
  auto [rss, hwm] = memoryMiB();
  std::cout << "end: RSS " << std::setprecision(1) << rss << " MiB, peak " << hwm << " MiB\n";
  return 0;
}
