// Chemistry in guarded worker processes: same answers as in-process; a crash, a hang, a CPU or
// memory runaway costs one call a clear error, never the caller's process or another call.
#include <cstdlib>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "chem_samples.h"
#include "server/isolation/chem_worker.h"
#include "server/isolation/guarded_chem_service.h"
#include "test_server.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARGAN_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARGAN_TEST_ASAN 1
#endif
#endif

using namespace argan;
using server::ChemWorkerOptions;
using server::GuardedChemService;

namespace {

// Deadlines in this file, scaled by ARGAN_TEST_TIME_SCALE (scripts/sanitize sets it: ASan
// workers start several times slower and a crashing one prints its report before exiting).
int scaledMs(int ms) {
  const char* scale = std::getenv("ARGAN_TEST_TIME_SCALE");
  int factor = scale ? std::atoi(scale) : 1;
  return ms * (factor > 1 ? factor : 1);
}

ChemWorkerOptions testOptions() {
  ChemWorkerOptions o;
  o.executable = ARGAN_BINARY;
  o.workers = 2;
  o.timeoutMs = 20000;
  o.testMethods = true;
  return o;
}

// The details.limit of the InvalidArgument a call throws.
template <typename Fn>
std::string limitOf(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    BOOST_TEST_MESSAGE(e.what());
    BOOST_CHECK_MESSAGE(e.code() == ErrorCode::InvalidArgument, e.what());
    BOOST_CHECK(std::string(e.what()).find("could not be processed within the limits") !=
                std::string::npos);
    auto it = e.details().find("limit");
    if (it != e.details().end() && std::holds_alternative<std::string>(it->second)) {
      return std::get<std::string>(it->second);
    }
    return "(no limit)";
  }
  BOOST_ERROR("the call did not fail");
  return "";
}

// The details.reason of the Unavailable a call throws: a worker that died is not the
// caller's fault, and the answer says to try again.
template <typename Fn>
std::string retryReasonOf(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    BOOST_TEST_MESSAGE(e.what());
    BOOST_CHECK_MESSAGE(e.code() == ErrorCode::Unavailable, e.what());
    BOOST_CHECK(e.details().count("retry_after_s") == 1u);
    BOOST_CHECK(std::string(e.what()).find("/") == std::string::npos);  // no path
    auto it = e.details().find("reason");
    if (it != e.details().end() && std::holds_alternative<std::string>(it->second)) {
      return std::get<std::string>(it->second);
    }
    return "(no reason)";
  }
  BOOST_ERROR("the call did not fail");
  return "";
}

void expectStillServes(GuardedChemService& chem) {
  auto a = chem.analyse("c1ccccc1O", "smiles");
  BOOST_TEST(a.identity.inchiKey == "ISWSIDIOOBJBQZ-UHFFFAOYSA-N");
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

// The wire encoding of a value: equal bytes mean equal in every field that crosses.
template <typename T>
std::string encoded(const T& value) {
  server::wire::WireWriter w;
  server::wire::put(w, value);
  return w.take();
}

// Arms the (only) worker to crash or hang on its next production call.
void faultNext(GuardedChemService& chem, const std::string& fault) {
  server::wire::WireWriter w;
  server::wire::put(w, fault);
  chem.call("test.fault_next", w.data());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(guarded_chem_service)

BOOST_AUTO_TEST_CASE(answers_match_the_in_process_service) {
  GuardedChemService guarded(testOptions());
  server::InProcessChemService local(1);
  for (const char* smiles : {"CC(=O)Oc1ccccc1C(=O)[O-].[Na+]", "C[C@H](N)C(=O)O", "O=C1CCCCC1.O",
                             "CC(C)Cc1ccc(cc1)[C@@H](C)C(=O)O"}) {
    auto g = guarded.analyse(smiles, "");
    auto l = local.analyse(smiles, "");
    BOOST_TEST(g.identity.fullHash == l.identity.fullHash, smiles);
    BOOST_TEST(g.identity.inchi == l.identity.inchi);
    BOOST_TEST(g.parentPickle == l.parentPickle);
    BOOST_TEST(g.patternFingerprint == l.patternFingerprint);
    BOOST_TEST(g.formKey == l.formKey);
    BOOST_TEST(g.properties.tpsa == l.properties.tpsa);
  }
  BOOST_TEST(guarded.areTautomers("CC(=O)C", "CC(O)=C") == local.areTautomers("CC(=O)C", "CC(O)=C"));
  chem::DepictionOptions options;
  options.highlightAtoms = {0, 1};
  auto pickle = local.analyse("c1ccccc1CC(=O)O", "").parentPickle;
  BOOST_TEST(guarded.depictPickle(pickle, options) == local.depictPickle(pickle, options));
  BOOST_TEST(guarded.depictStructure("CCO", "smiles", options) ==
             local.depictStructure("CCO", "smiles", options));
  BOOST_TEST(guarded.stats().crashed == 0u);
}

BOOST_AUTO_TEST_CASE(reactions_routes_and_search_queries_run_in_the_workers) {
  GuardedChemService guarded(testOptions());
  server::InProcessChemService local(1);
  chem::RouteInput route = test::benzanilideRoute();
  for (const auto& step : route.steps) {
    auto g = guarded.analyseReaction(step.reaction);
    BOOST_TEST(g.balance.summary == local.analyseReaction(step.reaction).balance.summary);
    BOOST_TEST((encoded(g) == encoded(local.analyseReaction(step.reaction))), step.name);
  }
  auto g = guarded.analyseRoute(route);
  BOOST_TEST(g.complete);
  BOOST_TEST((encoded(g) == encoded(local.analyseRoute(route))));
  auto sub = guarded.prepareSubstructureQuery("c1ccncc1", "");
  BOOST_TEST((encoded(sub) == encoded(local.prepareSubstructureQuery("c1ccncc1", ""))));
  auto sim = guarded.prepareSimilarityQuery("OC(=O)c1ccccc1O", "smiles");
  BOOST_TEST((encoded(sim) == encoded(local.prepareSimilarityQuery("OC(=O)c1ccccc1O", "smiles"))));
  // Chemistry errors cross unchanged.
  chem::ReactionInput bad = route.steps[0].reaction;
  bad.reactionSmiles = "CCé>>CC";
  std::string ge = test::expectError(ErrorCode::InvalidArgument, [&] { guarded.analyseReaction(bad); });
  std::string le = test::expectError(ErrorCode::InvalidArgument, [&] { local.analyseReaction(bad); });
  BOOST_TEST(ge == le);
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { guarded.prepareSubstructureQuery(std::string(30, '('), "smarts"); });
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { guarded.prepareSimilarityQuery("C1CC", "smiles"); });
  // Every one of these ran in a worker: the server process never parsed them.
  BOOST_TEST(guarded.stats().calls >= 9u);
  BOOST_TEST(guarded.stats().crashed == 0u);
}

BOOST_AUTO_TEST_CASE(a_crash_or_hang_in_a_reaction_costs_that_call_only) {
  ChemWorkerOptions options = testOptions();
  options.workers = 1;  // the armed worker is the one the next call gets
  options.timeoutMs = scaledMs(1000);
  GuardedChemService guarded(options);
  chem::RouteInput route = test::benzanilideRoute();
  pid_t first = guarded.workerPids().at(0);
  faultNext(guarded, "crash");
  BOOST_TEST(retryReasonOf([&] { guarded.analyseReaction(route.steps[0].reaction); }) ==
             "chem_worker_died");
  BOOST_TEST(!alive(first));
  pid_t second = guarded.workerPids().at(0);
  BOOST_TEST(second != first);
  // The same reaction succeeds on the replacement.
  BOOST_TEST(guarded.analyseReaction(route.steps[0].reaction).balance.balanced);
  faultNext(guarded, "hang");
  BOOST_TEST(limitOf([&] { guarded.analyseRoute(route); }) == "chem_time_limit_ms");
  BOOST_TEST(!alive(second));
  faultNext(guarded, "crash");
  BOOST_TEST(retryReasonOf([&] { guarded.prepareSubstructureQuery("c1ccccc1", ""); }) ==
             "chem_worker_died");
  BOOST_TEST(guarded.analyseRoute(route).complete);
  BOOST_TEST(guarded.stats().crashed == 2u);
  BOOST_TEST(guarded.stats().timedOut == 1u);
}

BOOST_AUTO_TEST_CASE(chemistry_errors_come_back_unchanged) {
  GuardedChemService guarded(testOptions());
  server::InProcessChemService local(1);
  for (const char* bad : {"C1CC", "CCé", "c1cccc1", "C(C"}) {
    std::string g = test::expectError(ErrorCode::InvalidArgument, [&] { guarded.analyse(bad, ""); });
    std::string l = test::expectError(ErrorCode::InvalidArgument, [&] { local.analyse(bad, ""); });
    BOOST_TEST(g == l);
  }
  try {
    guarded.analyse("CCé", "smiles");
  } catch (const Error& e) {
    BOOST_TEST(e.details().count("position") == 1u);
  }
  test::expectError(ErrorCode::InvalidArgument,
                    [&] { guarded.depictStructure("CCO", "smiles", {5, 5, {}, "", false}); });
  test::expectError(ErrorCode::Internal, [&] { guarded.call("no_such_method", ""); });
  // Arguments that do not decode are refused by the worker, which keeps serving.
  test::expectError(ErrorCode::Internal, [&] { guarded.call("analyse", "\x01"); });
  expectStillServes(guarded);
  BOOST_TEST(guarded.stats().crashed == 0u);
}

// A worker that dies is replaced, and the call that was on it answers 503 (try again): it is
// not known to be the input's fault. The same request crashing a worker again is.
BOOST_AUTO_TEST_CASE(a_crash_costs_one_call_and_the_worker_is_replaced) {
  GuardedChemService guarded(testOptions());
  auto before = guarded.workerPids();
  BOOST_TEST_REQUIRE(before.size() == 2u);
  BOOST_TEST(retryReasonOf([&] { guarded.call("test.crash", ""); }) == "chem_worker_died");
  BOOST_TEST(retryReasonOf([&] { guarded.call("test.exit", ""); }) == "chem_worker_died");
  auto after = guarded.workerPids();
  BOOST_TEST(after.size() == 2u);
  int replaced = 0;
  for (pid_t pid : before) {
    if (std::find(after.begin(), after.end(), pid) == after.end()) {
      ++replaced;
      BOOST_TEST(!alive(pid));  // reaped, not a zombie
    }
  }
  BOOST_TEST(replaced >= 1);
  expectStillServes(guarded);
  expectStillServes(guarded);
  BOOST_TEST(guarded.stats().crashed == 2u);
  // The very request that crashed a worker (SIGSEGV) does it again: now it is its fault.
  BOOST_TEST(limitOf([&] { guarded.call("test.crash", ""); }) == "chem_worker_crash");
  // An exit (or a kill from outside) never is.
  BOOST_TEST(retryReasonOf([&] { guarded.call("test.exit", ""); }) == "chem_worker_died");
  expectStillServes(guarded);
}

BOOST_AUTO_TEST_CASE(a_hang_is_killed_at_the_deadline) {
  ChemWorkerOptions options = testOptions();
  options.timeoutMs = scaledMs(500);
  GuardedChemService guarded(options);
  BOOST_TEST(limitOf([&] { guarded.call("test.sleep", ""); }) == "chem_time_limit_ms");
  BOOST_TEST(limitOf([&] { guarded.call("test.spin", ""); }) == "chem_time_limit_ms");
  BOOST_TEST(guarded.stats().timedOut == 2u);
  expectStillServes(guarded);
}

BOOST_AUTO_TEST_CASE(a_cpu_runaway_meets_the_cpu_limit) {
  ChemWorkerOptions options = testOptions();
  options.cpuSeconds = 1;
  options.timeoutMs = 60000;  // the CPU limit, not the deadline, must stop it
  GuardedChemService guarded(options);
  BOOST_TEST(limitOf([&] { guarded.call("test.spin", ""); }) == "chem_cpu_seconds");
  expectStillServes(guarded);
}

BOOST_AUTO_TEST_CASE(a_memory_runaway_meets_the_memory_limit) {
#ifdef ARGAN_TEST_ASAN
  BOOST_TEST_MESSAGE("skipped: RLIMIT_AS is not applied under AddressSanitizer");
#else
  ChemWorkerOptions options = testOptions();
  options.memoryMb = 512;
  GuardedChemService guarded(options);
  BOOST_TEST(limitOf([&] { guarded.call("test.allocate", ""); }) == "chem_memory_mb");
  BOOST_TEST(guarded.stats().memoryExits == 1u);
  expectStillServes(guarded);
#endif
}

// The RDKit facts of the robustness issue, with Argan's input checks bypassed: the worker
// contains them.
BOOST_AUTO_TEST_CASE(rdkit_on_hostile_input_is_contained) {
  ChemWorkerOptions options = testOptions();
  options.timeoutMs = scaledMs(1500);
  options.cpuSeconds = static_cast<std::uint64_t>(scaledMs(10000) / 1000);  // stays above the deadline
  options.memoryMb = 768;
  GuardedChemService guarded(options);
  // "C"*4000: about a minute in RDKit's SMILES parser.
  BOOST_TEST(limitOf([&] {
               guarded.invoke<std::int64_t>("test.rdkit_smiles", std::string(4000, 'C'), true);
             }) == "chem_time_limit_ms");
  expectStillServes(guarded);
#ifndef ARGAN_TEST_ASAN
  // A V3000 Molfile declaring 50 000 000 atoms: RDKit allocates for the declared count.
  std::string molfile =
      "\n  hostile\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\n"
      "M  V30 COUNTS 50000000 0 0 0 0\nM  V30 BEGIN ATOM\nM  V30 END ATOM\nM  V30 END CTAB\n"
      "M  END\n";
  // Contained either way: a limit (400), or the worker died and was replaced (503).
  try {
    guarded.invoke<std::int64_t>("test.rdkit_molblock", molfile);
    BOOST_ERROR("the hostile Molfile was accepted");
  } catch (const Error& e) {
    auto limit = e.details().find("limit");
    auto reason = e.details().find("reason");
    bool contained =
        (e.code() == ErrorCode::InvalidArgument && limit != e.details().end() &&
         (limit->second == DetailValue(std::string("chem_memory_mb")) ||
          limit->second == DetailValue(std::string("chem_time_limit_ms")))) ||
        (e.code() == ErrorCode::Unavailable && reason != e.details().end() &&
         reason->second == DetailValue(std::string("chem_worker_died")));
    BOOST_TEST(contained, e.what());
  }
#endif
  expectStillServes(guarded);
}

BOOST_AUTO_TEST_CASE(a_crash_does_not_disturb_calls_on_other_workers) {
  GuardedChemService guarded(testOptions());
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::thread steady([&] {
    for (int i = 0; i < 20; ++i) {
      try {
        guarded.analyse("CC(=O)Nc1ccc(O)cc1", "smiles");
        ++ok;
      } catch (...) {
        ++failed;
      }
    }
  });
  BOOST_TEST(retryReasonOf([&] { guarded.call("test.crash", ""); }) == "chem_worker_died");
  for (int i = 0; i < 4; ++i) {
    BOOST_TEST(limitOf([&] { guarded.call("test.crash", ""); }) == "chem_worker_crash");
  }
  steady.join();
  BOOST_TEST(ok.load() == 20);
  BOOST_TEST(failed.load() == 0);
  BOOST_TEST(guarded.stats().crashed == 5u);
}

BOOST_AUTO_TEST_CASE(all_workers_busy_answers_unavailable) {
  ChemWorkerOptions options = testOptions();
  options.workers = 1;
  options.timeoutMs = scaledMs(3000);
  options.queueTimeoutMs = scaledMs(100);
  GuardedChemService guarded(options);
  std::thread hog([&] { limitOf([&] { guarded.call("test.sleep", ""); }); });
  std::this_thread::sleep_for(std::chrono::milliseconds(scaledMs(300)));
  try {
    guarded.analyse("CCO", "smiles");
    BOOST_ERROR("a call got a worker that was busy");
  } catch (const Error& e) {
    BOOST_TEST((e.code() == ErrorCode::Unavailable));
    BOOST_TEST(e.details().count("retry_after_s") == 1u);
  }
  hog.join();
  expectStillServes(guarded);
  BOOST_TEST(guarded.stats().busyRefusals == 1u);
}

BOOST_AUTO_TEST_CASE(a_worker_that_dies_while_idle_is_replaced_without_blame) {
  GuardedChemService guarded(testOptions());
  for (pid_t pid : guarded.workerPids()) ::kill(pid, SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  expectStillServes(guarded);
  expectStillServes(guarded);
  BOOST_TEST(guarded.stats().crashed == 0u);
}

BOOST_AUTO_TEST_CASE(workers_are_recycled_after_their_call_budget) {
  ChemWorkerOptions options = testOptions();
  options.workers = 1;
  options.maxCallsPerWorker = 3;
  GuardedChemService guarded(options);
  pid_t first = guarded.workerPids().at(0);
  for (int i = 0; i < 3; ++i) expectStillServes(guarded);
  pid_t second = guarded.workerPids().at(0);
  BOOST_TEST(first != second);
  BOOST_TEST(!alive(first));
  expectStillServes(guarded);
}

BOOST_AUTO_TEST_CASE(a_missing_executable_fails_at_start) {
  ChemWorkerOptions options = testOptions();
  options.executable = "/nonexistent/argan";
  test::expectError(ErrorCode::Unavailable, [&] { GuardedChemService guarded(options); });
}

BOOST_AUTO_TEST_CASE(closing_the_service_ends_every_worker) {
  std::vector<pid_t> pids;
  {
    GuardedChemService guarded(testOptions());
    pids = guarded.workerPids();
    expectStillServes(guarded);
  }
  for (pid_t pid : pids) BOOST_TEST(!alive(pid));
}

BOOST_AUTO_TEST_CASE(the_api_keeps_serving_when_workers_die_between_requests) {
  ChemWorkerOptions options = testOptions();
  options.timeoutMs = scaledMs(1500);
  test::TestServer server({}, nullptr, std::make_unique<GuardedChemService>(options));
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  auto ok = server.call("POST", "/api/compounds/preview",
                        test::structureBody("CC(=O)Oc1ccccc1C(=O)O"), token);
  BOOST_TEST(ok.status == 200, ok.body);
  auto& guarded = dynamic_cast<GuardedChemService&>(server.services().chem);
  auto pids = guarded.workerPids();
  for (pid_t pid : pids) ::kill(pid, SIGSEGV);  // as if RDKit crashed between two requests
  for (pid_t pid : pids) {
    for (int i = 0; i < 500; ++i) {  // dead (a zombie until the service notices)
      std::string state = test::readFile("/proc/" + std::to_string(pid) + "/stat");
      if (state.empty() || state.find(") Z") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  auto again = server.call("POST", "/api/compounds", test::structureBody("CCO"), token);
  BOOST_TEST(again.status == 201, again.body);
}

// A worker killed while it handles a request (the OOM killer, an operator): the caller's
// structure is not at fault — 503 with Retry-After, never 400.
BOOST_AUTO_TEST_CASE(a_worker_killed_during_a_request_answers_503) {
  ChemWorkerOptions options = testOptions();
  options.workers = 1;
  options.timeoutMs = scaledMs(20000);
  test::TestServer server({}, nullptr, std::make_unique<GuardedChemService>(options));
  auto startUp = server.createStartUp("Zitoun");
  auto token = server.userToken("lead@zitoun.ma", db::Role::Lead, startUp);
  auto& guarded = dynamic_cast<GuardedChemService&>(server.services().chem);
  faultNext(guarded, "hang");
  pid_t worker = guarded.workerPids().at(0);
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ::kill(worker, SIGKILL);
  });
  auto answer = server.call("POST", "/api/compounds/preview", test::structureBody("CCO"), token);
  killer.join();
  BOOST_TEST(answer.status == 503, answer.body);
  BOOST_TEST(answer.headers.count("Retry-After") == 1u);
  BOOST_TEST(answer.errorCode() == "UNAVAILABLE");
  BOOST_TEST(answer.body.find("proc") == std::string::npos, answer.body);
  // The same request, on the replacement, succeeds.
  auto again = server.call("POST", "/api/compounds/preview", test::structureBody("CCO"), token);
  BOOST_TEST(again.status == 200, again.body);
}

BOOST_AUTO_TEST_SUITE_END()
