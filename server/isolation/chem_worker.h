// The chemistry worker process: `argan chem-worker` (hidden; started by GuardedChemService).
//
// The worker reads request frames (chem_wire.h) from its standard input, runs each on an
// InProcessChemService of its own, and writes one response frame per request to its standard
// output (both are the same socket, given by the parent). It exits 0 when the parent closes
// the socket. On start it moves the protocol off fds 0/1 (stray RDKit output goes to stderr),
// drops core dumps, and limits itself (setrlimit):
//   --memory-mb N    RLIMIT_AS: an allocation beyond it fails (std::bad_alloc); the worker
//                    answers the request with a limit error and exits (status
//                    kErrorWorkerExits). Not applied in ASan builds (ASan reserves terabytes
//                    of address space).
//   --cpu-seconds N  per request: the soft RLIMIT_CPU is set to the CPU time used so far + N;
//                    a runaway request gets SIGXCPU and the worker dies.
//   --test-methods   also serves the fault-injection methods of chemWorkerTestMethods()
//                    (tests only; `argan serve` never passes it).
// Everything the parent must survive (a segfault, a hang, a memory blow-up) happens here.
//
// Methods are routed by name. To add one: declare it on ChemService (chem_service.h),
// implement it in InProcessChemService, give its argument and result types a put/get pair in
// chem_wire.h, add one line to chemWorkerMethods() in chem_worker.cpp and a one-line override
// to GuardedChemService (`return invoke<Result>("name", args...);`).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "server/isolation/chem_service.h"
#include "server/isolation/chem_wire.h"

namespace argan::server {

// Reads the arguments, calls the method, writes the result. Throws argan::Error.
using ChemMethod = std::function<void(ChemService&, wire::WireReader&, wire::WireWriter&)>;

// Adapts a ChemService member function: arguments and result cross the wire with put/get.
template <typename R, typename... Args>
ChemMethod bindChemMethod(R (ChemService::*method)(Args...)) {
  return [method](ChemService& chem, wire::WireReader& in, wire::WireWriter& out) {
    std::tuple<std::decay_t<Args>...> args;
    std::apply([&](auto&... a) { (wire::get(in, a), ...); }, args);
    in.expectEnd();
    R result = std::apply([&](auto&... a) { return (chem.*method)(a...); }, args);
    wire::put(out, result);
  };
}

// The production methods, by name ("analyse", "are_tautomers", ...).
const std::map<std::string, ChemMethod>& chemWorkerMethods();

// Fault injection for tests (only with --test-methods): "test.crash" (SIGSEGV),
// "test.spin" (burns CPU forever), "test.sleep" (blocks forever), "test.allocate" (allocates
// until memory runs out), "test.exit" (exits without answering), and "test.rdkit_smiles"
// (RDKit's SMILES parser on the raw text, without Argan's input checks: returns the atom count).
// The worker loop itself serves "test.fault_next" ("crash" | "hang"): the next production call
// (analyse_reaction, ...) is read whole, then crashes or never answers instead of running.
const std::map<std::string, ChemMethod>& chemWorkerTestMethods();

// `argan chem-worker [--memory-mb N] [--cpu-seconds N] [--test-methods]`. Returns the exit code.
int runChemWorker(const std::vector<std::string>& args);

}  // namespace argan::server
