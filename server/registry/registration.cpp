#include "server/registry/registration.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <sstream>

#include "chem/input_check.h"
#include "chem/mixture_check.h"
#include "common/error.h"
#include "server/search/structure_search.h"
#include "server/isolation/chem_service.h"

namespace argan::server {
namespace {

std::string toJsonText(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(value, out);
  return out.str();
}

}  // namespace

db::CompoundIdentity toCompoundIdentity(const chem::StructureAnalysis& a) {
  db::CompoundIdentity id;
  id.fullHash = a.identity.fullHash;
  id.formula = a.identity.formula;
  id.canonicalSmiles = a.identity.canonicalSmiles;
  id.tautomerHash = a.identity.tautomerHash;
  id.noStereoSmiles = a.identity.noStereoSmiles;
  id.noStereoTautomerHash = a.identity.noStereoTautomerHash;
  id.skeleton = a.identity.skeleton;
  id.inchi = a.identity.inchi;
  id.inchiKey = a.identity.inchiKey;
  id.mw = a.properties.averageMass;
  id.exactMass = a.properties.monoisotopicMass;
  id.clogp = a.properties.clogp;
  id.tpsa = a.properties.tpsa;
  id.hbd = a.properties.hbd;
  id.hba = a.properties.hba;
  id.rotatableBonds = a.properties.rotatableBonds;
  id.heavyAtoms = a.properties.heavyAtoms;
  id.rings = a.properties.rings;
  id.aromaticRings = a.properties.aromaticRings;
  id.fractionSp3 = a.properties.fractionSp3;
  id.formalCharge = a.properties.formalCharge;
  id.morganFp = a.morganFingerprint;
  id.patternFp = a.patternFingerprint;
  id.molPickle = a.parentPickle;
  id.standardizer = a.standardizer;
  Poco::JSON::Array::Ptr steps = new Poco::JSON::Array;
  for (const auto& s : a.standardizationSteps) steps->add(s);
  id.standardizationStepsJson = toJsonText(steps);
  return id;
}

db::FormIdentity toFormIdentity(const chem::StructureAnalysis& a) {
  db::FormIdentity f;
  f.key = a.formKey;
  f.label = a.formLabel;
  f.inchiKey = a.formInchiKey;
  f.parentCount = a.parentCount;
  Poco::JSON::Array::Ptr components = new Poco::JSON::Array;
  for (const auto& c : a.formComponents) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("smiles", c.smiles);
    o->set("name", c.name);
    o->set("kind", c.kind);
    o->set("count", c.count);
    components->add(o);
  }
  f.componentsJson = toJsonText(components);
  return f;
}

void authorizeRegistration(const db::Principal& who, std::int64_t startUpId) {
  if (!db::canWriteFor(who, startUpId)) {
    throw permissionDenied("you may register compounds only for your own start-up",
                           {{"field", "start_up"}});
  }
}

std::vector<RelationFlag> relationFlags(Runtime& runtime, const db::Principal& who,
                                        const db::CompoundIdentity& identity,
                                        std::int64_t excludeId) {
  return runtime.db.read([&](db::Connection& c) {
    return relationFlags(c, runtime.chem, who, identity, excludeId);
  });
}

std::vector<RelationFlag> relationFlags(db::Connection& c, ChemService& chem,
                                        const db::Principal& who,
                                        const db::CompoundIdentity& identity,
                                        std::int64_t excludeId) {
  auto related = db::findRelatedCompounds(c, who, identity, excludeId);
  std::vector<RelationFlag> flags;
  for (const auto& r : related) {
    RelationFlag flag;
    flag.compoundId = r.id;
    flag.compoundCode = r.code();
    flag.startUpId = r.startUpId;
    if (r.relation == "tautomer_candidate") {
      // A stored parent that the chemistry cannot read (a record from before the identity
      // rule of docs/identity.md) is no reason to refuse the caller's structure: skipped.
      bool tautomers = false;
      try {
        tautomers = chem.areTautomers(identity.canonicalSmiles, r.canonicalSmiles);
      } catch (const Error& e) {
        if (e.code() != ErrorCode::InvalidArgument) throw;
      }
      if (!tautomers) continue;
      flag.relation = "tautomer";
      flag.message = "tautomer of " + flag.compoundCode;
    } else if (r.relation == "stereoisomer") {
      flag.relation = "stereoisomer";
      flag.message = "stereoisomer of " + flag.compoundCode;
    } else {
      flag.relation = "same_structure";
      flag.message = "same structure as " + flag.compoundCode + " (held by another start-up)";
    }
    flags.push_back(std::move(flag));
  }
  return flags;
}

PreparedRegistration prepareRegistration(const chem::StructureAnalysis& analysis,
                                         const std::string& submittedStructure,
                                         db::BatchInput batch) {
  // A mixture is a substance, never a form of its largest component (every door).
  chem::refuseMixture(analysis);
  PreparedRegistration p;
  p.identity = toCompoundIdentity(analysis);
  p.form = toFormIdentity(analysis);
  p.batch = std::move(batch);
  p.batch.submittedStructure = submittedStructure;
  p.batch.submittedFormat = chem::formatName(analysis.format);
  p.batch.standardizer = analysis.standardizer;
  p.batch.submittedInchiKey = analysis.submittedInchiKey;
  return p;
}

db::Registration registerPrepared(db::Connection& c, const Clock& clock, const db::Principal& who,
                                  std::int64_t startUpId, const PreparedRegistration& prepared) {
  return db::registerCompound(c, clock, who, startUpId, prepared.identity, prepared.form,
                              prepared.batch);
}

db::Registration registerAnalysis(db::Connection& c, const Clock& clock,
                                  const db::Principal& who, std::int64_t startUpId,
                                  const chem::StructureAnalysis& analysis,
                                  const std::string& submittedStructure, db::BatchInput batch) {
  return registerPrepared(c, clock, who, startUpId,
                          prepareRegistration(analysis, submittedStructure, std::move(batch)));
}

RegistrationResult registerStructure(Runtime& runtime, const db::Principal& who,
                                     std::int64_t startUpId, const std::string& structure,
                                     const std::string& format, db::BatchInput batch,
                                     const db::CompoundNames& names) {
  authorizeRegistration(who, startUpId);
  db::validateBatchInput(batch);
  db::validateCompoundNames(names);
  chem::StructureAnalysis analysis = runtime.chem.analyse(structure, format);
  PreparedRegistration prepared = prepareRegistration(analysis, structure, std::move(batch));

  // Everything that can fail runs before the commit, so that an answer is 2xx exactly when
  // something was stored: the relation flags call the chemistry workers, so they are found
  // first, against the parents as they are now (the registered parent itself is dropped
  // below, once its id is known).
  RegistrationResult result;
  result.flags = relationFlags(runtime, who, prepared.identity, /*excludeId=*/0);
  result.registration = runtime.db.write([&](db::Connection& c) {
    db::Registration r = registerPrepared(c, runtime.clock, who, startUpId, prepared);
    if (db::mergeCompoundNames(c, runtime.clock, who, r.compound.id, names)) {
      db::Principal admin;
      admin.role = db::Role::Admin;
      r.compound = *db::findCompound(c, admin, r.compound.id);
    }
    return r;
  });
  notifyCompoundsChanged(runtime);  // after the commit: the search index picks it up (noexcept)
  const std::int64_t self = result.registration.compound.id;
  result.flags.erase(std::remove_if(result.flags.begin(), result.flags.end(),
                                    [self](const RelationFlag& f) { return f.compoundId == self; }),
                     result.flags.end());
  result.warnings = analysis.warnings;
  return result;
}

}  // namespace argan::server
