// What the guarded chemistry worker costs: the same calls in-process and through
// GuardedChemService (one worker process, a socketpair round trip, plain-data encoding).
//   build/bench/chem_worker_bench [calls]      (run from the build directory's parent)
// Prints mean and median microseconds per call and the time to start a worker.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "chem/structure_analysis.h"
#include "server/isolation/guarded_chem_service.h"

using namespace argan;
using Clock = std::chrono::steady_clock;

namespace {

struct Timing {
  double meanUs;
  double medianUs;
};

Timing measure(int calls, const std::function<void()>& fn) {
  fn();  // warm-up
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(calls));
  for (int i = 0; i < calls; ++i) {
    auto start = Clock::now();
    fn();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double u : us) sum += u;
  return {sum / static_cast<double>(us.size()), us[us.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
  int calls = argc > 1 ? std::atoi(argv[1]) : 300;
  chem::initialise();
  server::ChemWorkerOptions options;
  options.executable = ARGAN_BINARY;
  options.workers = 1;
  auto started = Clock::now();
  server::GuardedChemService guarded(options);
  double startMs = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  server::InProcessChemService local(1);

  const std::string aspirin = "CC(=O)Oc1ccccc1C(=O)O";
  // Taxol: a natural product near the upper end of what the registry holds.
  const std::string taxol =
      "CC1=C2[C@@]([C@]([C@H]([C@@H]3[C@]4([C@H](OC4)C[C@@H]([C@]3(C(=O)[C@@H]2OC(=O)C)C)O)"
      "OC(=O)C)OC(=O)c5ccccc5)(C[C@@H]1OC(=O)[C@H](O)[C@@H](NC(=O)c6ccccc6)c7ccccc7)O)(C)C";
  std::string pickle = local.analyse(taxol, "smiles").parentPickle;
  chem::DepictionOptions depiction;

  struct Case {
    const char* name;
    std::function<void(server::ChemService&)> run;
  };
  std::vector<Case> cases = {
      {"are_tautomers (tiny)", [](server::ChemService& c) { c.areTautomers("CC(=O)C", "CC(O)=C"); }},
      {"analyse aspirin", [&](server::ChemService& c) { c.analyse(aspirin, "smiles"); }},
      {"analyse taxol", [&](server::ChemService& c) { c.analyse(taxol, "smiles"); }},
      {"depict taxol (pickle)", [&](server::ChemService& c) { c.depictPickle(pickle, depiction); }},
  };
  std::printf("chemistry worker overhead, %d calls each (one worker, one caller)\n", calls);
  std::printf("worker start-up (spawn + RDKit load + ping): %.1f ms\n", startMs);
  std::printf("%-26s %12s %12s %12s %12s %10s\n", "call", "in-proc mean", "median", "worker mean",
              "median", "overhead");
  for (const auto& c : cases) {
    Timing in = measure(calls, [&] { c.run(local); });
    Timing out = measure(calls, [&] { c.run(guarded); });
    std::printf("%-26s %10.1fus %10.1fus %10.1fus %10.1fus %8.1fus\n", c.name, in.meanUs,
                in.medianUs, out.meanUs, out.medianUs, out.medianUs - in.medianUs);
  }
  return 0;
}
