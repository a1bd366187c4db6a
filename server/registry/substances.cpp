#include "server/registry/substances.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "chem/mixture_check.h"
#include "common/digest.h"
#include "common/error.h"
#include "db/identifiers.h"
#include "db/registry_store.h"
#include "server/isolation/chem_service.h"
#include "server/registry/registration.h"
#include "server/search/structure_search.h"

namespace argan::server {
namespace {

using Hashes = std::vector<std::pair<std::int64_t, std::string>>;

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// Lower case, trimmed, inner runs of blanks as one space: how names and sources compare.
std::string norm(const std::string& text) {
  std::string out;
  bool blank = false;
  for (char ch : text) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      blank = !out.empty();
      continue;
    }
    if (blank) out.push_back(' ');
    blank = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  return out;
}

std::string hashOf(std::int64_t id, const Hashes& hashes) {
  for (const auto& [cid, hash] : hashes) {
    if (cid == id) return hash;
  }
  return "id:" + std::to_string(id);  // not found: compare by id (never equal across start-ups)
}

std::string constituentKey(const db::Constituent& k, const Hashes& hashes) {
  return k.compoundId ? "c:" + hashOf(*k.compoundId, hashes) : "n:" + norm(k.name);
}

std::set<std::string> keysOf(const db::SubstanceSpec& spec, const Hashes& hashes) {
  std::set<std::string> keys;
  for (const auto& k : spec.constituents) keys.insert(constituentKey(k, hashes));
  for (const auto& m : spec.monomers) keys.insert("m:" + hashOf(m.compoundId, hashes));
  return keys;
}

bool sameSource(const db::SubstanceSource& a, const db::SubstanceSource& b) {
  return norm(a.species) == norm(b.species) && norm(a.part) == norm(b.part) &&
         norm(a.wasteStream) == norm(b.wasteStream) && norm(a.process) == norm(b.process);
}

// A constituent as people name it: its name, with its compound code when it has both.
std::string label(const db::Constituent& k) {
  if (!k.name.empty() && k.compoundId) return k.name + " (" + db::compoundCode(*k.compoundId) + ")";
  if (!k.name.empty()) return k.name;
  return k.compoundId ? db::compoundCode(*k.compoundId) : "?";
}

// Is `value` inside the existing entry's range (its min..max, else its typical), widened
// by kRangeTolerance?
bool insideRange(double value, std::optional<double> typical, std::optional<double> min,
                 std::optional<double> max) {
  double lo = min ? *min : typical ? *typical : -INFINITY;
  double hi = max ? *max : typical ? *typical : INFINITY;
  return value >= lo - kRangeTolerance && value <= hi + kRangeTolerance;
}

// The first submitted value outside the existing substance's ranges, in words; "" if none.
std::string firstOutOfRange(const db::SubstanceSpec& submitted, const db::Substance& existing,
                            const Hashes& hashes) {
  for (const auto& k : submitted.constituents) {
    const std::string key = constituentKey(k, hashes);
    for (const auto& e : existing.spec.constituents) {
      if (constituentKey(e, hashes) != key) continue;
      if (e.unit != k.unit) return label(k) + " is given in " + k.unit + ", not " + e.unit;
      if (!insideRange(k.typical, e.typical, e.min, e.max)) {
        return label(k) + " at " + fmt(k.typical) + " % is outside " + existing.code() +
               "'s range (" + fmt(e.min.value_or(e.typical)) + "-" +
               fmt(e.max.value_or(e.typical)) + " %)";
      }
    }
  }
  for (const auto& m : submitted.monomers) {
    for (const auto& e : existing.spec.monomers) {
      if (hashOf(e.compoundId, hashes) != hashOf(m.compoundId, hashes)) continue;
      if (std::fabs(e.ratio - m.ratio) > kMonomerRatioTolerance) {
        return "monomer " + db::compoundCode(m.compoundId) + " at " + fmt(m.ratio) +
               " mol % differs from " + fmt(e.ratio) + " mol %";
      }
    }
  }
  for (const auto& p : submitted.properties) {
    std::optional<double> value = p.typical;
    if (!value && p.min && p.max) value = (*p.min + *p.max) / 2;
    if (!value) continue;
    for (const auto& e : existing.spec.properties) {
      if (e.key != p.key) continue;
      double scale = std::max(1.0, std::fabs(e.typical.value_or(*value)));
      double lo = e.min ? *e.min : e.typical ? *e.typical : -INFINITY;
      double hi = e.max ? *e.max : e.typical ? *e.typical : INFINITY;
      double slack = 0.01 * scale;
      if (*value < lo - slack || *value > hi + slack) {
        return p.key + " " + fmt(*value) + " is outside " + existing.code() + "'s range";
      }
    }
  }
  return "";
}

bool isMain(const db::Constituent& k) { return k.role == "constituent"; }

std::string constituentName(const db::SubstanceSpec& spec, std::size_t i) {
  const auto& k = spec.constituents[i];
  std::string field = "constituents[" + std::to_string(i) + "]";
  return field + " (" + label(k) + ")";
}

Error compositionError(const std::string& message, const std::string& field) {
  return invalidArgument(message, {{"field", field}});
}

// A substance is never more visible than the registered compounds it names.
void checkConstituentVisibility(db::Connection& c, const db::SubstanceSpec& spec,
                                const std::string& visibility) {
  auto rank = db::visibilityRank(db::parseVisibility(visibility).value_or(db::Visibility::StartUp));
  std::vector<std::int64_t> ids;
  for (const auto& k : spec.constituents) {
    if (k.compoundId) ids.push_back(*k.compoundId);
  }
  for (const auto& m : spec.monomers) ids.push_back(m.compoundId);
  db::Principal admin = db::Principal::system("substance visibility");
  for (std::int64_t id : ids) {
    auto compound = db::findCompound(c, admin, id);
    if (!compound) continue;
    auto v = db::parseVisibility(compound->visibility).value_or(db::Visibility::StartUp);
    if (db::visibilityRank(v) < rank) {
      throw failedPrecondition("the substance is " + visibility + " but " + compound->code() +
                                   " is " + compound->visibility +
                                   "; publish the compound first (a substance shows its "
                                   "constituents)",
                               {{"field", "constituents"}, {"compound", compound->code()}});
    }
  }
}

struct Drawn {
  std::size_t index = 0;
  chem::StructureAnalysis analysis;
  std::string text;
};

// Analyses drawn constituents and the repeat unit outside the write lock.
std::vector<Drawn> analyseStructures(Runtime& runtime, SubstanceSubmission& s) {
  std::vector<Drawn> drawn;
  for (std::size_t i = 0; i < s.constituentStructures.size() && i < s.spec.constituents.size();
       ++i) {
    const std::string& text = s.constituentStructures[i];
    if (text.empty()) continue;
    std::string field = "constituents[" + std::to_string(i) + "].structure";
    if (s.spec.constituents[i].compoundId) {
      throw invalidArgument(field + ": give a constituent's compound_id or its structure, not both",
                            {{"field", field}});
    }
    Drawn d;
    d.index = i;
    d.text = text;
    try {
      std::string format = i < s.constituentFormats.size() ? s.constituentFormats[i] : "";
      d.analysis = runtime.chem.analyse(text, format);
      chem::refuseMixture(d.analysis);
    } catch (Error& e) {
      throw Error(e.code(), field + ": " + e.what(), e.details()).with("field", field);
    }
    drawn.push_back(std::move(d));
  }
  auto& unit = s.spec.repeatUnit;
  if (!unit.text.empty()) {
    if (s.spec.kind != "polymer") {
      throw invalidArgument("a repeat unit belongs to a polymer (kind polymer)",
                            {{"field", "repeat_unit"}});
    }
    try {
      chem::RepeatUnitAnalysis a = runtime.chem.analyseRepeatUnit(unit.text, s.repeatUnitFormat);
      unit.canonicalSmiles = a.canonicalSmiles;
      unit.formula = a.formula;
      unit.mass = a.mass;
    } catch (Error& e) {
      throw Error(e.code(), std::string("repeat_unit: ") + e.what(), e.details())
          .with("field", "repeat_unit");
    }
  } else {
    unit = db::RepeatUnit{};
  }
  return drawn;
}

// The specification with drawn constituents standing in by their structure, for the checks
// made before the write (field sizes, duplicates, composition).
db::SubstanceSpec provisional(const db::SubstanceSpec& spec, const std::vector<Drawn>& drawn) {
  db::SubstanceSpec copy = spec;
  for (const auto& d : drawn) {
    if (copy.constituents[d.index].name.empty()) {
      copy.constituents[d.index].name = "structure " + d.analysis.identity.canonicalSmiles;
    }
  }
  return copy;
}

// In the write transaction: each drawn constituent becomes the start-up's parent with its
// full hash, registered by the compound rule when there is none.
void linkDrawn(db::Connection& c, Runtime& runtime, const db::Principal& who,
               std::int64_t startUpId, db::SubstanceSpec& spec, const std::vector<Drawn>& drawn,
               std::vector<std::string>& registered) {
  for (const auto& d : drawn) {
    auto existing = db::findCompoundByHash(c, startUpId, d.analysis.identity.fullHash);
    if (existing) {
      spec.constituents[d.index].compoundId = existing->id;
      continue;
    }
    db::BatchInput batch;
    batch.notes = "registered as a constituent of the substance '" + spec.name + "'";
    db::Registration r = registerAnalysis(c, runtime.clock, who, startUpId, d.analysis, d.text,
                                          batch);
    spec.constituents[d.index].compoundId = r.compound.id;
    registered.push_back(r.compound.code());
  }
}

std::vector<std::int64_t> compoundIdsOf(const db::SubstanceSpec& spec) {
  std::vector<std::int64_t> ids;
  for (const auto& k : spec.constituents) {
    if (k.compoundId) ids.push_back(*k.compoundId);
  }
  for (const auto& m : spec.monomers) ids.push_back(m.compoundId);
  return ids;
}

Hashes hashesFor(db::Connection& c, const db::SubstanceSpec& spec,
                 const std::vector<db::Substance>& others) {
  std::vector<std::int64_t> ids = compoundIdsOf(spec);
  for (const auto& o : others) {
    auto more = compoundIdsOf(o.spec);
    ids.insert(ids.end(), more.begin(), more.end());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return db::compoundFullHashes(c, ids);
}

// The registration's composition as this lot's measured results.
std::vector<db::BatchResult> resultsFromSpec(const db::SubstanceSpec& spec) {
  std::vector<db::BatchResult> results;
  for (const auto& k : spec.constituents) {
    db::BatchResult r;
    r.compoundId = k.compoundId;
    if (!k.compoundId) r.name = k.name;
    r.value = k.typical;
    r.unit = k.unit;
    r.method = k.method;
    results.push_back(std::move(r));
  }
  for (const auto& p : spec.properties) {
    if (!p.typical) continue;
    db::BatchResult r;
    r.propertyKey = p.key;
    r.value = *p.typical;
    r.method = p.method;
    results.push_back(std::move(r));
  }
  return results;
}

std::vector<SubstanceFlag> nearDuplicates(const db::SubstanceSpec& spec,
                                          const std::vector<db::Substance>& others,
                                          const Hashes& hashes, std::int64_t exceptId) {
  std::vector<SubstanceFlag> flags;
  for (const auto& other : others) {
    if (other.id == exceptId) continue;
    IdentityVerdict v = identityVerdict(spec, other, hashes);
    if (v.kind == IdentityVerdict::Different) continue;
    flags.push_back({"near_duplicate", other.id, other.code(),
                     "near duplicate of " + other.code() + " ('" + other.spec.name + "'): " +
                         v.reason});
    if (flags.size() >= 20) break;
  }
  return flags;
}

}  // namespace

const char* substanceOutcomeName(SubstanceOutcome outcome) {
  switch (outcome) {
    case SubstanceOutcome::NewSubstance: return "new_substance";
    case SubstanceOutcome::NewBatch: return "new_batch";
    case SubstanceOutcome::AlreadyRegistered: return "already_registered";
  }
  return "new_substance";
}

void checkComposition(const db::SubstanceSpec& spec) {
  const auto& ks = spec.constituents;
  const std::string& kind = spec.kind;
  if (ks.empty() && (kind == "mono_constituent" || kind == "multi_constituent" || kind == "uvcb")) {
    throw compositionError("a " + kind + " substance needs its constituents (registered "
                           "compounds or named ones such as 'unidentified fraction')",
                           "constituents");
  }
  if (kind == "mono_constituent") {
    std::vector<std::size_t> main;
    for (std::size_t i = 0; i < ks.size(); ++i) {
      if (isMain(ks[i])) main.push_back(i);
    }
    if (main.size() != 1) {
      throw compositionError(
          "a mono_constituent substance has exactly one main constituent (role constituent; "
          "the others are impurities or additives); found " + std::to_string(main.size()),
          "constituents");
    }
    if (ks[main[0]].typical < 80) {
      throw compositionError(constituentName(spec, main[0]) + " is " + fmt(ks[main[0]].typical) +
                                 " %: a mono-constituent substance has one constituent of at "
                                 "least 80 % (ECHA); this looks multi-constituent or UVCB",
                             "constituents[" + std::to_string(main[0]) + "].typical");
    }
  }
  if (kind == "multi_constituent") {
    std::size_t main = 0;
    for (std::size_t i = 0; i < ks.size(); ++i) {
      if (!isMain(ks[i])) continue;
      if (ks[i].typical >= 80) {
        throw compositionError(constituentName(spec, i) + " is " + fmt(ks[i].typical) +
                                   " %: with one constituent of 80 % or more the substance is "
                                   "mono_constituent (ECHA)",
                               "constituents[" + std::to_string(i) + "].typical");
      }
      if (ks[i].typical >= 10) ++main;
    }
    if (main < 2) {
      throw compositionError("a multi_constituent substance has at least two main constituents "
                             "of 10 % or more (ECHA); found " + std::to_string(main),
                             "constituents");
    }
  }
  if ((kind == "uvcb" || kind == "material") && spec.source.species.empty() &&
      spec.source.wasteStream.empty() && spec.source.process.empty()) {
    throw compositionError("a " + kind + " is identified by its source and process: give "
                           "source.species (with source.part), source.waste_stream or "
                           "source.process",
                           "source");
  }
  if (kind == "polymer" && spec.monomers.empty() && spec.repeatUnit.text.empty()) {
    throw compositionError("a polymer needs its monomers (registered compounds with their mol %) "
                           "or its repeat unit (SMILES with * atoms)",
                           "monomers");
  }
  if (kind != "polymer" && (!spec.monomers.empty() || spec.mn || spec.mw)) {
    throw compositionError("monomers and molar masses (mn, mw) belong to polymers (kind polymer)",
                           !spec.monomers.empty() ? "monomers" : "mn");
  }
  if (!spec.monomers.empty()) {
    double sum = 0;
    for (const auto& m : spec.monomers) sum += m.ratio;
    if (std::fabs(sum - 100) > 0.5) {
      throw invalidArgument("the monomers' ratios sum to " + fmt(sum) + " mol %, not 100",
                            {{"field", "monomers"}, {"sum", sum}});
    }
  }
  if (ks.empty()) return;
  double typical = 0, mins = 0, maxs = 0;
  bool everyMax = true;
  std::size_t largest = 0;
  for (std::size_t i = 0; i < ks.size(); ++i) {
    typical += ks[i].typical;
    mins += ks[i].min.value_or(0);
    if (ks[i].max) {
      maxs += *ks[i].max;
    } else {
      everyMax = false;
    }
    if (ks[i].typical > ks[largest].typical) largest = i;
  }
  const std::string unit = ks[0].unit;
  if (std::fabs(typical - 100) > kSumTolerance) {
    std::string advice = typical < 100
                             ? "add what is missing as a named constituent (e.g. 'unidentified "
                               "fraction' or 'water')"
                             : "the largest is " + constituentName(spec, largest) + " at " +
                                   fmt(ks[largest].typical) + " %";
    throw invalidArgument("the typical percentages sum to " + fmt(typical) + " % " + unit +
                              ", not 100 (within " + fmt(kSumTolerance) + " points): " + advice,
                          {{"field", "constituents"}, {"sum", typical}});
  }
  if (mins > 100 + kRangeTolerance) {
    throw invalidArgument("the minimum percentages sum to " + fmt(mins) + " % " + unit +
                              ": no lot can reach every minimum at once",
                          {{"field", "constituents"}, {"sum_min", mins}});
  }
  if (everyMax && maxs < 100 - kRangeTolerance) {
    throw invalidArgument("the maximum percentages sum to " + fmt(maxs) + " % " + unit +
                              ": a lot within every maximum cannot reach 100 %",
                          {{"field", "constituents"}, {"sum_max", maxs}});
  }
}

IdentityVerdict identityVerdict(const db::SubstanceSpec& submitted, const db::Substance& existing,
                                const Hashes& hashes) {
  IdentityVerdict v;
  const auto& theirs = existing.spec;
  const bool sameKind = submitted.kind == theirs.kind;
  std::set<std::string> a = keysOf(submitted, hashes);
  std::set<std::string> b = keysOf(theirs, hashes);
  std::size_t shared = 0;
  for (const auto& k : a) shared += b.count(k);
  const std::size_t unionSize = a.size() + b.size() - shared;
  const bool sameKeys = a == b;
  const bool source = sameSource(submitted.source, theirs.source);
  if (sameKind && sameKeys && source) {
    std::string outside = firstOutOfRange(submitted, existing, hashes);
    if (outside.empty()) {
      v.kind = IdentityVerdict::Same;
      v.reason = "same kind, the same constituents within its ranges, the same source and "
                 "process";
      return v;
    }
    v.kind = IdentityVerdict::NearDuplicate;
    v.reason = "the same constituents and source, but " + outside;
    return v;
  }
  if (sameKind && sameKeys && !a.empty()) {
    v.kind = IdentityVerdict::NearDuplicate;
    v.reason = "the same constituents from another source or process";
    return v;
  }
  if (sameKind && a.empty() && b.empty() && !source &&
      ((!submitted.source.species.empty() &&
        norm(submitted.source.species) == norm(theirs.source.species)) ||
       (!submitted.source.wasteStream.empty() &&
        norm(submitted.source.wasteStream) == norm(theirs.source.wasteStream)))) {
    v.kind = IdentityVerdict::NearDuplicate;
    v.reason = "made from the same source by another process";
    return v;
  }
  if (sameKind && shared >= 2 && 3 * shared >= 2 * unionSize) {
    v.kind = IdentityVerdict::NearDuplicate;
    v.reason = std::to_string(shared) + " of " + std::to_string(unionSize) +
               " constituents in common";
    return v;
  }
  std::string name = norm(submitted.name);
  bool sameName = name == norm(theirs.name);
  for (const auto& s : theirs.synonyms) sameName = sameName || norm(s) == name;
  if (sameName) {
    v.kind = IdentityVerdict::NearDuplicate;
    v.reason = "the same name ('" + theirs.name + "') for another composition";
  }
  return v;
}

std::string compositionKey(const db::SubstanceSpec& spec, const Hashes& hashes) {
  std::set<std::string> keys;
  for (const auto& k : spec.constituents) {
    if (k.compoundId) keys.insert("c:" + hashOf(*k.compoundId, hashes));
  }
  for (const auto& m : spec.monomers) keys.insert("m:" + hashOf(m.compoundId, hashes));
  std::string text = "argan-substance-1|" + spec.kind;
  if (!keys.empty()) {
    for (const auto& k : keys) text += "|" + k;
  } else {
    text += "|src:" + norm(spec.source.species) + "|" + norm(spec.source.part) + "|" +
            norm(spec.source.wasteStream) + "|" + norm(spec.source.process);
  }
  return sha256Hex(text);
}

SubstanceRegistration registerSubstance(Runtime& runtime, const db::Principal& who,
                                        std::int64_t startUpId, SubstanceSubmission submission) {
  if (!db::canWriteFor(who, startUpId)) {
    throw permissionDenied("you may register substances only for your own start-up",
                           {{"field", "start_up"}});
  }
  db::SubstanceSpec& spec = submission.spec;
  if (submission.batch) db::validateSubstanceBatchInput(*submission.batch);
  std::vector<Drawn> drawn = analyseStructures(runtime, submission);
  {
    db::SubstanceSpec checked = provisional(spec, drawn);
    db::validateSubstanceFields(checked);
    checkComposition(checked);
  }
  SubstanceRegistration result = runtime.db.write([&](db::Connection& c) {
    SubstanceRegistration r;
    linkDrawn(c, runtime, who, startUpId, spec, drawn, r.registeredConstituents);
    std::vector<db::Substance> others = db::liveSubstancesOfKind(c, startUpId, "");
    Hashes hashes = hashesFor(c, spec, others);
    for (const auto& other : others) {
      if (identityVerdict(spec, other, hashes).kind != IdentityVerdict::Same) continue;
      if (submission.sameNameIsExisting && !submission.batch &&
          norm(spec.name) == norm(other.spec.name)) {
        r.outcome = SubstanceOutcome::AlreadyRegistered;
        r.substance = other;
        r.message = "already registered as " + other.code() + " ('" + other.spec.name + "')";
        return r;
      }
      db::SubstanceBatchInput batch = submission.batch.value_or(db::SubstanceBatchInput{});
      if (batch.results.empty()) {
        batch.results = resultsFromSpec(spec);
        batch.notes += std::string(batch.notes.empty() ? "" : " — ") +
                       "composition as registered";
      }
      r.outcome = SubstanceOutcome::NewBatch;
      r.batch = db::createSubstanceBatch(c, runtime.clock, who, other.id, batch);
      r.substance = *db::findSubstance(c, who, other.id);
      r.message = "the same substance as " + other.code() + " ('" + other.spec.name +
                  "': same kind, constituents within its ranges, same source and process); "
                  "registered as its batch " + r.batch->code();
      r.flags = nearDuplicates(spec, others, hashes, other.id);
      return r;
    }
    r.substance = db::createSubstance(c, runtime.clock, who, startUpId, spec,
                                      compositionKey(spec, hashes));
    if (submission.batch) {
      r.batch = db::createSubstanceBatch(c, runtime.clock, who, r.substance.id, *submission.batch);
    }
    r.flags = nearDuplicates(spec, others, hashes, r.substance.id);
    r.message = "registered a new substance " + r.substance.code();
    return r;
  });
  if (!result.registeredConstituents.empty()) notifyCompoundsChanged(runtime);
  return result;
}

SubstanceRegistration reviseSubstance(Runtime& runtime, const db::Principal& who,
                                      std::int64_t substanceId, SubstanceSubmission submission) {
  if (submission.batch) {
    throw invalidArgument("a batch is added with POST /api/substances/{id}/batches",
                          {{"field", "batch"}});
  }
  db::SubstanceSpec& spec = submission.spec;
  std::vector<Drawn> drawn = analyseStructures(runtime, submission);
  {
    db::SubstanceSpec checked = provisional(spec, drawn);
    db::validateSubstanceFields(checked);
    checkComposition(checked);
  }
  SubstanceRegistration result = runtime.db.write([&](db::Connection& c) {
    SubstanceRegistration r;
    db::Substance current = db::requireWritableSubstance(c, who, substanceId);
    linkDrawn(c, runtime, who, current.startUpId, spec, drawn, r.registeredConstituents);
    checkConstituentVisibility(c, spec, current.visibility);
    std::vector<db::Substance> others = db::liveSubstancesOfKind(c, current.startUpId, "");
    Hashes hashes = hashesFor(c, spec, others);
    r.substance = db::updateSubstance(c, runtime.clock, who, substanceId, spec,
                                      compositionKey(spec, hashes));
    r.flags = nearDuplicates(spec, others, hashes, substanceId);
    r.message = "revised the specification of " + r.substance.code();
    return r;
  });
  if (!result.registeredConstituents.empty()) notifyCompoundsChanged(runtime);
  return result;
}

db::Substance publishSubstance(db::Connection& c, const Clock& clock, const db::Principal& who,
                               const db::Substance& substance, db::VisibilityChange change) {
  change.record = db::RecordRef{"substances", "substance", substance.code(), substance.id,
                                substance.startUpId};
  // The narrowest compound it names bounds it, as a compound bounds its batches.
  db::Principal admin = db::Principal::system("substance visibility");
  for (std::int64_t id : compoundIdsOf(substance.spec)) {
    auto compound = db::findCompound(c, admin, id);
    if (!compound) continue;
    auto v = db::parseVisibility(compound->visibility).value_or(db::Visibility::StartUp);
    if (!change.parentVisibility || db::visibilityRank(v) < db::visibilityRank(*change.parentVisibility)) {
      change.parentVisibility = v;
      change.parentRecordId = compound->code();
    }
  }
  db::changeVisibility(c, clock, who, change);
  auto reloaded = db::findSubstance(c, who, substance.id);
  if (!reloaded) throw internalError("substance " + substance.code() + " vanished");
  return *reloaded;
}

CertificateCheck checkCertificate(const db::Substance& substance, const db::SubstanceBatch& batch) {
  CertificateCheck out;
  const auto& spec = substance.spec;
  std::vector<bool> constituentMeasured(spec.constituents.size(), false);
  std::vector<bool> propertyMeasured(spec.properties.size(), false);
  auto compare = [&](ResultCheck& check, double value) {
    if (!check.min && !check.max) {
      check.status = "no_range";
      return;
    }
    if (check.min && value < *check.min) {
      check.status = "below";
    } else if (check.max && value > *check.max) {
      check.status = "above";
    } else {
      check.status = "within";
    }
    if (check.status != "within") out.outOfSpecification = true;
  };
  for (std::size_t i = 0; i < batch.results.size(); ++i) {
    const auto& r = batch.results[i];
    ResultCheck check;
    check.result = i;
    check.status = "not_in_specification";
    if (!r.propertyKey.empty()) {
      for (std::size_t p = 0; p < spec.properties.size(); ++p) {
        if (spec.properties[p].key != r.propertyKey) continue;
        propertyMeasured[p] = true;
        check.typical = spec.properties[p].typical;
        check.min = spec.properties[p].min;
        check.max = spec.properties[p].max;
        compare(check, r.value);
      }
    } else {
      for (std::size_t k = 0; k < spec.constituents.size(); ++k) {
        const auto& e = spec.constituents[k];
        // By compound, or by the name the specification gives (registered or not).
        bool same = r.compoundId ? e.compoundId == r.compoundId
                                 : !e.name.empty() && norm(e.name) == norm(r.name);
        if (!same) continue;
        constituentMeasured[k] = true;
        check.typical = e.typical;
        check.min = e.min;
        check.max = e.max;
        if (!r.unit.empty() && r.unit != e.unit) {
          check.status = "unit_differs";
        } else {
          compare(check, r.value);
        }
      }
    }
    out.results.push_back(check);
  }
  for (std::size_t k = 0; k < spec.constituents.size(); ++k) {
    if (!constituentMeasured[k]) out.notMeasured.push_back(label(spec.constituents[k]));
  }
  for (std::size_t p = 0; p < spec.properties.size(); ++p) {
    if (!propertyMeasured[p]) out.notMeasured.push_back(spec.properties[p].key);
  }
  return out;
}

}  // namespace argan::server
