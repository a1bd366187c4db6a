// The server's door to chemistry on untrusted input.
//
// Handlers never call RDKit directly: they ask a ChemService. InProcessChemService runs the
// work on a bounded pool of StructureAnalyser objects (one per concurrent call, at most
// `workers`); callers beyond that wait. A guarded out-of-process implementation can replace
// it without touching handlers (docs/architecture.md). All methods are thread-safe and throw
// argan::Error (InvalidArgument for bad structures).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "chem/depiction_options.h"
#include "chem/reaction_input_check.h"
#include "chem/reaction_types.h"
#include "chem/structure_types.h"
#include "chem/substructure_query.h"

namespace argan::server {

class ChemService {
 public:
  virtual ~ChemService() = default;

  // check -> parse -> standardise -> identity, properties, fingerprints.
  virtual chem::StructureAnalysis analyse(const std::string& text, const std::string& format) = 0;

  // Are two stored parents (canonical SMILES) tautomers? (identity.h)
  virtual bool areTautomers(const std::string& smilesA, const std::string& smilesB) = 0;

  // SVG of a stored parent (RDKit pickle).
  virtual std::string depictPickle(const std::string& pickle,
                                   const chem::DepictionOptions& options) = 0;

  // SVG of submitted structure text, as drawn (not standardised). Format "reaction": a
  // reaction SMILES or RXN file, drawn as a scheme (chem::depictReactionSvg).
  virtual std::string depictStructure(const std::string& text, const std::string& format,
                                      const chem::DepictionOptions& options) = 0;

  // Search queries (plain data in and out, so a worker process can serve them).
  // A substructure query (SMILES, SMARTS or Molfile) checked, parsed and fingerprinted
  // (chem/substructure.h). The default runs the pure function in this process.
  virtual chem::SubstructureQuerySpec prepareSubstructureQuery(const std::string& text,
                                                               const std::string& format);
  // A similarity query standardised as at registration, with its Morgan fingerprint. The
  // default derives it from analyse(); InProcessChemService skips identity and properties.
  virtual chem::SimilarityQuerySpec prepareSimilarityQuery(const std::string& text,
                                                           const std::string& format);
  // One synthesis step: check -> parse every species -> balance -> amounts -> metrics and
  // CHEM21 traffic lights (chem/reaction_analysis.h). Throws InvalidArgument for a bad or
  // unbalanced reaction, bad amounts or a yield above 100 %. Inputs and outputs are plain
  // data (chem/reaction_types.h).
  virtual chem::ReactionAnalysis analyseReaction(const chem::ReactionInput& input) = 0;

  // Every step of a route, then the cumulative route metrics (chem/route_metrics.h). A step
  // that cannot be analysed is reported in the result, not thrown.
  virtual chem::RouteAnalysis analyseRoute(const chem::RouteInput& input) = 0;

  // A polymer's repeat unit drawn with star atoms (chem/repeat_unit.h): canonical SMILES,
  // formula and mass of the unit. Throws InvalidArgument.
  virtual chem::RepeatUnitAnalysis analyseRepeatUnit(const std::string& text,
                                                     const std::string& format) = 0;
};

class InProcessChemService : public ChemService {
 public:
  explicit InProcessChemService(int workers, chem::StructureLimits limits = {});
  ~InProcessChemService() override;

  chem::StructureAnalysis analyse(const std::string& text, const std::string& format) override;
  bool areTautomers(const std::string& smilesA, const std::string& smilesB) override;
  std::string depictPickle(const std::string& pickle,
                           const chem::DepictionOptions& options) override;
  std::string depictStructure(const std::string& text, const std::string& format,
                              const chem::DepictionOptions& options) override;
  chem::SimilarityQuerySpec prepareSimilarityQuery(const std::string& text,
                                                   const std::string& format) override;
  chem::ReactionAnalysis analyseReaction(const chem::ReactionInput& input) override;
  chem::RouteAnalysis analyseRoute(const chem::RouteInput& input) override;
  chem::RepeatUnitAnalysis analyseRepeatUnit(const std::string& text,
                                             const std::string& format) override;

 private:
  struct Slot;
  class Lease;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Slot>> idle_;
  int created_ = 0;
  int workers_;
  chem::StructureLimits limits_;
};

}  // namespace argan::server
