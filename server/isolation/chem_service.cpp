#include "server/isolation/chem_service.h"

#include <GraphMol/MolPickler.h>
#include <GraphMol/ROMol.h>

#include "chem/depiction.h"
#include "chem/identity.h"
#include "chem/reaction_analysis.h"
#include "chem/repeat_unit.h"
#include "chem/route_metrics.h"
#include "chem/structure_analysis.h"
#include "chem/structure_parser.h"

namespace argan::server {

chem::SubstructureQuerySpec ChemService::prepareSubstructureQuery(const std::string& text,
                                                                  const std::string& format) {
  return chem::prepareSubstructureQuery(text, format);
}

chem::SimilarityQuerySpec ChemService::prepareSimilarityQuery(const std::string& text,
                                                              const std::string& format) {
  chem::StructureAnalysis analysis = analyse(text, format);
  return {analysis.identity.canonicalSmiles, analysis.morganFingerprint};
}

struct InProcessChemService::Slot {
  explicit Slot(const chem::StructureLimits& limits) : analyser(limits) {}
  chem::StructureAnalyser analyser;
  chem::IdentityCalculator identity;
};

class InProcessChemService::Lease {
 public:
  explicit Lease(InProcessChemService& service) : service_(service) {
    std::unique_lock<std::mutex> lock(service_.mutex_);
    service_.available_.wait(
        lock, [&] { return !service_.idle_.empty() || service_.created_ < service_.workers_; });
    if (!service_.idle_.empty()) {
      slot_ = std::move(service_.idle_.back());
      service_.idle_.pop_back();
    } else {
      ++service_.created_;
      lock.unlock();
      slot_ = std::make_unique<Slot>(service_.limits_);
    }
  }
  ~Lease() {
    std::lock_guard<std::mutex> lock(service_.mutex_);
    service_.idle_.push_back(std::move(slot_));
    service_.available_.notify_one();
  }
  Slot& operator*() { return *slot_; }
  Slot* operator->() { return slot_.get(); }

 private:
  InProcessChemService& service_;
  std::unique_ptr<Slot> slot_;
};

InProcessChemService::InProcessChemService(int workers, chem::StructureLimits limits)
    : workers_(workers < 1 ? 1 : workers), limits_(limits) {}

InProcessChemService::~InProcessChemService() = default;

chem::StructureAnalysis InProcessChemService::analyse(const std::string& text,
                                                      const std::string& format) {
  Lease lease(*this);
  return lease->analyser.analyse(text, format);
}

bool InProcessChemService::areTautomers(const std::string& a, const std::string& b) {
  Lease lease(*this);
  return lease->identity.areTautomers(a, b);
}

std::string InProcessChemService::depictPickle(const std::string& pickle,
                                               const chem::DepictionOptions& options) {
  std::unique_ptr<RDKit::ROMol> mol;
  try {
    mol = std::make_unique<RDKit::ROMol>(pickle);
  } catch (...) {
    chem::rethrowRdkitError("stored structure");
  }
  return chem::depictSvg(*mol, options);
}

std::string InProcessChemService::depictStructure(const std::string& text,
                                                  const std::string& format,
                                                  const chem::DepictionOptions& options) {
  if (format == "reaction") {
    chem::ReactionLimits reactionLimits;
    reactionLimits.structure = limits_;
    return chem::depictReactionSvg(text, options, reactionLimits);
  }
  chem::ParsedStructure parsed =
      chem::parseStructure(text, chem::resolveFormat(format, text), limits_);
  return chem::depictSvg(*parsed.mol, options);
}

chem::SimilarityQuerySpec InProcessChemService::prepareSimilarityQuery(
    const std::string& text, const std::string& format) {
  Lease lease(*this);
  return lease->analyser.similarityQuery(text, format);
}

chem::ReactionAnalysis InProcessChemService::analyseReaction(const chem::ReactionInput& input) {
  Lease lease(*this);  // bounds concurrent RDKit work like the other calls
  chem::ReactionLimits limits;
  limits.structure = limits_;
  return chem::analyseReaction(input, limits);
}

chem::RouteAnalysis InProcessChemService::analyseRoute(const chem::RouteInput& input) {
  Lease lease(*this);
  chem::ReactionLimits limits;
  limits.structure = limits_;
  return chem::analyseRoute(input, limits);
}

chem::RepeatUnitAnalysis InProcessChemService::analyseRepeatUnit(const std::string& text,
                                                                const std::string& format) {
  Lease lease(*this);
  return chem::analyseRepeatUnit(text, format, limits_);
}

}  // namespace argan::server
