#include "server/isolation/chem_worker.h"

#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <typeinfo>
#include <list>
#include <memory>
#include <new>

#include "chem/initialise.h"
#include "common/error.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARGAN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARGAN_ASAN 1
#endif
#endif

namespace argan::server {
namespace {

struct WorkerSettings {
  std::uint64_t memoryMb = 0;  // 0: no RLIMIT_AS
  std::uint64_t cpuSeconds = 0;
  bool testMethods = false;
};

std::uint64_t positiveNumber(const std::string& flag, const std::string& value) {
  try {
    std::size_t used = 0;
    unsigned long long n = std::stoull(value, &used);
    if (used == value.size()) return n;
  } catch (...) {
  }
  throw invalidArgument(flag + " needs a number, got '" + value + "'");
}

WorkerSettings parseSettings(const std::vector<std::string>& args) {
  WorkerSettings s;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--test-methods") {
      s.testMethods = true;
    } else if ((a == "--memory-mb" || a == "--cpu-seconds") && i + 1 < args.size()) {
      std::uint64_t n = positiveNumber(a, args[++i]);
      (a == "--memory-mb" ? s.memoryMb : s.cpuSeconds) = n;
    } else {
      throw invalidArgument("unknown chem-worker argument '" + a + "'");
    }
  }
  return s;
}

// Moves the protocol socket off fds 0 and 1: whatever a library prints on stdout must not
// corrupt the frames. Returns the protocol descriptor.
int takeProtocolFd() {
  int fd = ::fcntl(0, F_DUPFD_CLOEXEC, 3);
  if (fd < 0) throw unavailable("chem-worker: no protocol socket on standard input");
  int devNull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devNull >= 0) {
    ::dup2(devNull, 0);
    ::close(devNull);
  }
  ::dup2(2, 1);
  return fd;
}

void limitSelf(const WorkerSettings& s) {
  rlimit core{0, 0};
  ::setrlimit(RLIMIT_CORE, &core);
#ifndef ARGAN_ASAN
  if (s.memoryMb > 0) {
    rlim_t bytes = static_cast<rlim_t>(s.memoryMb) * 1024 * 1024;
    rlimit as{bytes, bytes};
    if (::setrlimit(RLIMIT_AS, &as) != 0) {
      throw unavailable("chem-worker: cannot set the memory limit (RLIMIT_AS)");
    }
  }
#else
  (void)s;
#endif
}

// Before each request: CPU budget = used so far + cpuSeconds (the soft limit; SIGXCPU).
void armCpuBudget(const WorkerSettings& s) {
  if (s.cpuSeconds == 0) return;
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  rlimit current{};
  ::getrlimit(RLIMIT_CPU, &current);
  rlim_t used = static_cast<rlim_t>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + 1;
  rlimit cpu{used + s.cpuSeconds, current.rlim_max};
  if (current.rlim_max != RLIM_INFINITY && cpu.rlim_cur > current.rlim_max) {
    cpu.rlim_cur = current.rlim_max;
  }
  ::setrlimit(RLIMIT_CPU, &cpu);
}

std::string errorResponse(const Error& e, wire::Status status) {
  wire::WireWriter w;
  w.u8(static_cast<std::uint8_t>(status));
  wire::put(w, e);
  return w.take();
}

}  // namespace

const std::map<std::string, ChemMethod>& chemWorkerMethods() {
  static const std::map<std::string, ChemMethod> methods = {
      {"analyse", bindChemMethod(&ChemService::analyse)},
      {"are_tautomers", bindChemMethod(&ChemService::areTautomers)},
      {"depict_pickle", bindChemMethod(&ChemService::depictPickle)},
      {"depict_structure", bindChemMethod(&ChemService::depictStructure)},
      {"prepare_substructure_query", bindChemMethod(&ChemService::prepareSubstructureQuery)},
      {"prepare_similarity_query", bindChemMethod(&ChemService::prepareSimilarityQuery)},
      {"analyse_reaction", bindChemMethod(&ChemService::analyseReaction)},
      {"analyse_route", bindChemMethod(&ChemService::analyseRoute)},
      {"analyse_repeat_unit", bindChemMethod(&ChemService::analyseRepeatUnit)},
      {"ping", [](ChemService&, wire::WireReader& in, wire::WireWriter& out) {
         in.expectEnd();
         wire::put(out, std::string("pong"));
       }},
  };
  return methods;
}

const std::map<std::string, ChemMethod>& chemWorkerTestMethods() {
  using wire::WireReader;
  using wire::WireWriter;
  static const std::map<std::string, ChemMethod> methods = {
      {"test.crash", [](ChemService&, WireReader&, WireWriter&) { ::raise(SIGSEGV); }},
      {"test.exit", [](ChemService&, WireReader&, WireWriter&) { ::_exit(3); }},
      {"test.spin",
       [](ChemService&, WireReader&, WireWriter&) {
         volatile std::uint64_t n = 0;
         for (;;) n = n + 1;
       }},
      {"test.sleep",
       [](ChemService&, WireReader&, WireWriter&) {
         for (;;) ::pause();
       }},
      {"test.allocate",
       [](ChemService&, WireReader&, WireWriter& out) {
         std::list<std::unique_ptr<char[]>> blocks;
         for (;;) {
           blocks.emplace_back(new char[16 * 1024 * 1024]);  // address space is what counts
           blocks.back()[0] = 1;
         }
         wire::put(out, static_cast<std::int64_t>(blocks.size()));
       }},
      {"test.rdkit_smiles",
       [](ChemService&, WireReader& in, WireWriter& out) {
         std::string text;
         bool sanitize = true;
         wire::get(in, text);
         wire::get(in, sanitize);
         std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(text, 0, sanitize));
         std::int64_t atoms = mol ? static_cast<std::int64_t>(mol->getNumAtoms()) : -1;
         if (mol && !sanitize) atoms = static_cast<std::int64_t>(RDKit::MolToSmiles(*mol).size());
         wire::put(out, atoms);
       }},
      {"test.rdkit_molblock",
       [](ChemService&, WireReader& in, WireWriter& out) {
         std::string text;
         wire::get(in, text);
         std::unique_ptr<RDKit::RWMol> mol(RDKit::MolBlockToMol(text, true, false));
         wire::put(out, mol ? static_cast<std::int64_t>(mol->getNumAtoms()) : std::int64_t{-1});
       }},
  };
  return methods;
}

int runChemWorker(const std::vector<std::string>& args) {
  WorkerSettings settings;
  int fd = -1;
  try {
    settings = parseSettings(args);
    fd = takeProtocolFd();
    limitSelf(settings);
  } catch (const Error& e) {
    std::cerr << "argan chem-worker: " << e.what() << "\n";
    return 2;
  }
  chem::initialise();
  InProcessChemService chem(1);
  const auto& methods = chemWorkerMethods();
  const auto& testMethods = chemWorkerTestMethods();

  // "test.fault_next" (test methods only): the next production call, once its frame is read,
  // crashes ("crash") or never answers ("hang") instead of running.
  std::string pendingFault;
  std::string frame;
  for (;;) {
    try {
      if (!wire::readFrame(fd, frame)) return 0;  // the server closed the socket
    } catch (const Error& e) {
      std::cerr << "argan chem-worker: " << e.what() << "\n";
      return 1;
    }
    std::string response;
    bool exitAfter = false;
    std::string method;
    try {
      wire::WireReader in(frame);
      method = in.bytes();
      if (settings.testMethods && method == "test.fault_next") {
        wire::get(in, pendingFault);
        in.expectEnd();
        if (pendingFault != "crash" && pendingFault != "hang") {
          throw invalidArgument("test.fault_next takes \"crash\" or \"hang\"");
        }
        wire::WireWriter out;
        out.u8(static_cast<std::uint8_t>(wire::Status::kOk));
        wire::writeFrame(fd, out.data());
        continue;
      }
      auto it = methods.find(method);
      if (it != methods.end() && !pendingFault.empty()) {
        if (pendingFault == "crash") ::raise(SIGSEGV);
        for (;;) ::pause();
      }
      if (it == methods.end() && settings.testMethods) {
        it = testMethods.find(method);
        if (it == testMethods.end()) it = methods.end();
      }
      if (it == methods.end()) throw internalError("the chemistry worker has no method " + method);
      wire::WireWriter out;
      out.u8(static_cast<std::uint8_t>(wire::Status::kOk));
      armCpuBudget(settings);
      it->second(chem, in, out);
      response = out.take();
    } catch (const Error& e) {
      response = errorResponse(e, wire::Status::kError);
    } catch (const std::bad_alloc&) {
      // The heap may be fragmented or RDKit objects half-built: answer, then start afresh.
      response = errorResponse(
          invalidArgument("the structure could not be processed within the limits (it needs "
                          "more than the worker's memory limit of " +
                              std::to_string(settings.memoryMb) + " MB)",
                          {{"limit", "chem_memory_mb"},
                           {"value", static_cast<std::int64_t>(settings.memoryMb)}}),
          wire::Status::kErrorWorkerExits);
      exitAfter = true;
    } catch (const std::exception& e) {
      // Chemistry on untrusted input that failed in a way nothing above mapped (a C++
      // library error inside the toolkit): the input's fault, told without the library's
      // words, which go to the server's log.
      std::cerr << "argan chem-worker: " << method << ": unmapped " << typeid(e).name() << ": "
                << e.what() << std::endl;
      response = errorResponse(
          invalidArgument("the input could not be processed: the chemistry toolkit failed "
                          "on it (check its format)",
                          {{"reason", "toolkit_rejected"}}),
          wire::Status::kError);
    } catch (...) {
      std::cerr << "argan chem-worker: " << method << ": unknown exception" << std::endl;
      response = errorResponse(
          invalidArgument("the input could not be processed: the chemistry toolkit failed "
                          "on it (check its format)",
                          {{"reason", "toolkit_rejected"}}),
          wire::Status::kError);
    }
    try {
      wire::writeFrame(fd, response);
    } catch (const Error&) {
      return 1;  // the server is gone
    }
    if (exitAfter) return 0;
  }
}

}  // namespace argan::server
