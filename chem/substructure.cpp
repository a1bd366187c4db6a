#include "chem/substructure.h"

#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/MolPickler.h>
#include <GraphMol/MolStandardize/Normalize.h>
#include <GraphMol/QueryAtom.h>
#include <GraphMol/QueryOps.h>
#include <GraphMol/RWMol.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>
#include <GraphMol/Substruct/SubstructMatch.h>

#include "chem/fingerprints.h"
#include "chem/input_check.h"
#include "chem/rdkit_log.h"
#include "chem/structure_parser.h"
#include "common/error.h"

namespace argan::chem {
namespace {

Error queryError(const std::string& message) {
  return invalidArgument(message, {{"field", "query"}});
}

// Parses already-checked text; null (with RDKit's message captured) when RDKit refuses it.
std::unique_ptr<RDKit::RWMol> parseChecked(const std::string& format, const std::string& text) {
  try {
    if (format == "smiles") return std::unique_ptr<RDKit::RWMol>(RDKit::SmilesToMol(text));
    if (format == "smarts") return std::unique_ptr<RDKit::RWMol>(RDKit::SmartsToMol(text));
    return std::unique_ptr<RDKit::RWMol>(
        RDKit::MolBlockToMol(text, /*sanitize=*/true, /*removeHs=*/true, /*strictParsing=*/true));
  } catch (...) {
    rethrowRdkitError(format == "smiles" ? "SMILES query"
                      : format == "smarts" ? "SMARTS query"
                                           : "Molfile query");
  }
}

void checkParsedQuery(const RDKit::ROMol& mol, const StructureLimits& limits) {
  if (mol.getNumAtoms() == 0) throw queryError("the query has no atoms");
  if (mol.getNumAtoms() > limits.maxAtoms || mol.getNumAtoms() > limits.maxHeavyAtoms) {
    throw invalidArgument("the query has " + std::to_string(mol.getNumAtoms()) +
                              " atoms; substructure queries may have at most " +
                              std::to_string(limits.maxHeavyAtoms),
                          {{"field", "query"}, {"limit", "max_query_atoms"}});
  }
  if (mol.getNumBonds() > limits.maxBonds) {
    throw invalidArgument("the query has too many bonds (at most " +
                              std::to_string(limits.maxBonds) + ")",
                          {{"field", "query"}, {"limit", "max_query_bonds"}});
  }
}

// True for an atom that says no more than its element (and aromaticity): "C", "Cl", "c",
// "[#6]", "*". A charge, an H count, a degree, a ring condition... make it a real query:
// [nH], [O-], [#7;+] and [NX3;H2] are selective (docs/search.md).
bool queryLeafIsElement(const RDKit::Atom::QUERYATOM_QUERY* q) {
  if (!q) return true;
  const std::string d = q->getDescription();
  if (d == "AtomAnd" || d == "AtomOr") {
    for (auto it = q->beginChildren(); it != q->endChildren(); ++it) {
      if (!queryLeafIsElement(it->get())) return false;
    }
    return true;
  }
  return d == "AtomAtomicNum" || d == "AtomType" || d == "AtomNull" || d == "AtomIsAromatic" ||
         d == "AtomIsAliphatic";
}

bool constrainsOnlyTheElement(const RDKit::Atom& atom) {
  if (atom.hasQuery()) return queryLeafIsElement(atom.getQuery());
  return atom.getFormalCharge() == 0 && atom.getIsotope() == 0;
}

// ---- match limits ----
// The limit of the match running on this thread (set by LimitScope for one call).
thread_local const MatchLimit* activeLimit = nullptr;
thread_local unsigned comparisons = 0;

inline void checkLimit() {
  const MatchLimit* limit = activeLimit;
  if (!limit || (++comparisons & 255u) != 0) return;
  if ((limit->cancel && limit->cancel->load(std::memory_order_relaxed)) ||
      std::chrono::steady_clock::now() >= limit->deadline) {
    throw MatchInterrupted();
  }
}

class LimitScope {
 public:
  explicit LimitScope(const MatchLimit* limit) : previous_(activeLimit) {
    activeLimit = limit;
    comparisons = 0;
  }
  ~LimitScope() { activeLimit = previous_; }
  LimitScope(const LimitScope&) = delete;
  LimitScope& operator=(const LimitScope&) = delete;

 private:
  const MatchLimit* previous_;
};

// Query atoms that check the limit before every comparison RDKit makes with them (the
// comparison itself is RDKit's, unchanged).
class LimitedAtom : public RDKit::Atom {
 public:
  explicit LimitedAtom(const RDKit::Atom& other) : RDKit::Atom(other) {}
  RDKit::Atom* copy() const override { return new LimitedAtom(*this); }
  bool Match(RDKit::Atom const* what) const override {
    checkLimit();
    return RDKit::Atom::Match(what);
  }
};

class LimitedQueryAtom : public RDKit::QueryAtom {
 public:
  explicit LimitedQueryAtom(const RDKit::QueryAtom& other) : RDKit::QueryAtom(other) {}
  RDKit::Atom* copy() const override { return new LimitedQueryAtom(*this); }
  bool Match(RDKit::Atom const* what) const override {
    checkLimit();
    return RDKit::QueryAtom::Match(what);
  }
};

void limitAtoms(RDKit::RWMol& mol, bool& recursive);

// Recursive SMARTS keep their own query molecules: their atoms are limited too.
void limitRecursiveQueries(RDKit::QueryAtom::QUERYATOM_QUERY* query, bool& recursive) {
  if (!query) return;
  if (query->getDescription() == "RecursiveStructure") {
    recursive = true;
    auto* rsq = static_cast<RDKit::RecursiveStructureQuery*>(query);
    if (const RDKit::ROMol* inner = rsq->getQueryMol()) {
      RDKit::RWMol limited(*inner);
      limitAtoms(limited, recursive);
      rsq->setQueryMol(new RDKit::ROMol(limited));  // takes ownership
    }
  }
  for (auto child = query->beginChildren(); child != query->endChildren(); ++child) {
    limitRecursiveQueries(child->get(), recursive);
  }
}

void limitAtoms(RDKit::RWMol& mol, bool& recursive) {
  for (unsigned i = 0; i < mol.getNumAtoms(); ++i) {
    RDKit::Atom* atom = mol.getAtomWithIdx(i);
    if (atom->hasQuery()) {
      auto* queryAtom = static_cast<RDKit::QueryAtom*>(atom);
      limitRecursiveQueries(queryAtom->getQuery(), recursive);
      LimitedQueryAtom limited(*queryAtom);
      mol.replaceAtom(i, &limited, /*updateLabel=*/false, /*preserveProps=*/true);
    } else {
      LimitedAtom limited(*atom);
      mol.replaceAtom(i, &limited, /*updateLabel=*/false, /*preserveProps=*/true);
    }
  }
}

}  // namespace

SubstructureQuerySpec prepareSubstructureQuery(const std::string& text, const std::string& format,
                                               const SubstructureQueryLimits& limits) {
  const StructureLimits& sl = limits.structure;
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw queryError("the query is empty");
  }
  SubstructureQuerySpec spec;
  if (format == "molfile" || (format.empty() && resolveFormat("", text) == StructureFormat::Molfile)) {
    if (text.size() > sl.maxMolfileBytes) {
      throw invalidArgument("the Molfile query is larger than " +
                                std::to_string(sl.maxMolfileBytes) + " bytes",
                            {{"field", "query"}, {"limit", "max_molfile_bytes"}});
    }
    checkMolfile(text, sl);
    spec.format = "molfile";
    spec.text = text;
  } else if (format == "smiles" || format == "smarts" || format.empty()) {
    // SMARTS is a superset of the characters SMILES uses: check as SMARTS, which also bounds
    // "$(" nesting, then parse as the format asks.
    SmilesScan scan = checkSmiles(text, sl, /*allowSmarts=*/true);
    if (!scan.cxExtension.empty()) throw queryError("CXSMILES extensions are not supported in queries");
    if (scan.fragments > sl.maxFragments) {
      throw invalidArgument("the query has more than " + std::to_string(sl.maxFragments) +
                                " disconnected pieces",
                            {{"field", "query"}, {"limit", "max_fragments"}});
    }
    spec.text = scan.smiles;
    if (format.empty()) {
      RdkitLogCapture quiet;
      std::unique_ptr<RDKit::RWMol> asSmiles;
      try {
        asSmiles.reset(RDKit::SmilesToMol(spec.text));
      } catch (...) {
        asSmiles.reset();
      }
      spec.format = asSmiles ? "smiles" : "smarts";
    } else {
      spec.format = format;
    }
  } else {
    throw invalidArgument("unknown query format '" + format + "'; use smiles, smarts or molfile",
                          {{"field", "format"}});
  }

  RdkitLogCapture capture;
  std::unique_ptr<RDKit::RWMol> mol = parseChecked(spec.format, spec.text);
  if (!mol) {
    std::string why = capture.joined();
    throw queryError("the " + spec.format + " query could not be parsed" +
                     (why.empty() ? std::string(".") : ": " + why));
  }
  checkParsedQuery(*mol, sl);
  if (spec.format == "smiles") {
    // A structure query is written as registrations are stored (docs/identity.md §2):
    // "CS(C)=O" asks for the stored C[S+](C)[O-] sulfoxides, not for sulfones.
    thread_local RDKit::MolStandardize::Normalizer normalizer;
    try {
      std::unique_ptr<RDKit::ROMol> normal(normalizer.normalize(*mol));
      std::string written = RDKit::MolToSmiles(*normal);
      if (written != RDKit::MolToSmiles(*mol)) {
        spec.text = written;
        mol.reset(new RDKit::RWMol(*normal));
      }
    } catch (const std::exception&) {
      // a query RDKit's rules cannot normalise is searched as written
    }
  }
  spec.atoms = mol->getNumAtoms();
  try {
    spec.patternFingerprint = patternFingerprint(*mol);
  } catch (const Error&) {
    throw queryError("the query cannot be screened (RDKit pattern fingerprint failed)");
  }
  spec.screenBits = popcount(spec.patternFingerprint);
  spec.elementOnly = spec.atoms == 1 && constrainsOnlyTheElement(*mol->getAtomWithIdx(0));
  return spec;
}

SubstructureMatcher::SubstructureMatcher(const SubstructureQuerySpec& spec) {
  RdkitLogCapture capture;
  std::unique_ptr<RDKit::RWMol> mol = parseChecked(spec.format, spec.text);
  if (!mol) throw queryError("the " + spec.format + " query could not be parsed");
  limitAtoms(*mol, recursive_);
  query_ = std::move(mol);
}

SubstructureMatcher::~SubstructureMatcher() = default;

bool SubstructureMatcher::match(const RDKit::ROMol& mol, std::vector<int>* atoms,
                                const MatchLimit* limit) const {
  LimitScope scope(limit);
  RDKit::MatchVectType matched;
  bool found = RDKit::SubstructMatch(mol, *query_, matched, /*recursionPossible=*/true,
                                     /*useChirality=*/false);
  if (found && atoms) {
    atoms->assign(matched.size(), 0);
    for (const auto& [queryAtom, molAtom] : matched) {
      if (queryAtom >= 0 && static_cast<std::size_t>(queryAtom) < atoms->size()) {
        (*atoms)[static_cast<std::size_t>(queryAtom)] = molAtom;
      }
    }
  }
  return found;
}

bool SubstructureMatcher::matchPickle(const char* pickle, std::size_t size,
                                      std::vector<int>* atoms, const MatchLimit* limit) const {
  RDKit::ROMol mol;
  try {
    RDKit::MolPickler::molFromPickle(std::string(pickle, size), &mol, RDKit::PicklerOps::NoProps);
  } catch (...) {
    throw invalidArgument("a stored structure could not be read (damaged pickle)");
  }
  return match(mol, atoms, limit);
}

}  // namespace argan::chem
