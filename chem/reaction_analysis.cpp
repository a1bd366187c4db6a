#include "chem/reaction_analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "chem/green_metrics.h"
#include "chem/solvent_guide.h"
#include "chem/species.h"
#include "common/error.h"

namespace argan::chem {
namespace {

using std::int64_t;

std::string fmt(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string componentField(std::size_t i, const std::string& field = "") {
  return "components[" + std::to_string(i) + "]" + (field.empty() ? "" : "." + field);
}

Error componentError(std::size_t i, const std::string& field, const std::string& message) {
  return invalidArgument(componentField(i, field) + ": " + message,
                         {{"field", componentField(i, field)}});
}

bool isOneOf(const std::string& v, std::initializer_list<const char*> set) {
  return std::any_of(set.begin(), set.end(), [&](const char* s) { return v == s; });
}

bool isRole(const std::string& r) {
  return isOneOf(r, {"reactant", "reagent", "catalyst", "solvent", "product", "by-product"});
}

std::string shortText(const std::string& s) {
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// The checks on one component as the user describes it.
void validateComponent(std::size_t i, const ComponentInput& c) {
  if (!c.role.empty() && !isRole(c.role)) {
    throw componentError(i, "role",
                         "unknown role '" + c.role +
                             "'; use reactant, reagent, catalyst, solvent, product or "
                             "by-product");
  }
  if (!c.origin.empty() && !isOneOf(c.origin, {"fossil", "bio-based", "waste-derived"})) {
    throw componentError(
        i, "origin", "unknown origin '" + c.origin + "'; use fossil, bio-based or waste-derived");
  }
  if (c.amount) {
    if (*c.amount > kMaxAmount) {
      throw componentError(
          i, "amount",
          "an amount is at most " + fmt(kMaxAmount, 0) + " of its unit (" + c.unit + ")");
    }
    if (*c.amount < 0) {
      throw componentError(
          i, "amount",
          "negative amounts are not allowed (" + fmt(*c.amount, 4) + " " + c.unit + ")");
    }
    if (c.unit.empty()) {
      throw componentError(i, "unit",
                           "an amount needs a unit: mg, g, kg, t, uL, mL, L, m3, umol, mmol "
                           "or mol");
    }
  }
  if (!c.unit.empty() && unitKind(c.unit).empty()) {
    throw componentError(
        i, "unit",
        "unknown unit '" + c.unit + "'; use mg, g, kg, t, uL, mL, L, m3, umol, mmol or mol");
  }
  if (c.density && *c.density <= 0) {
    throw componentError(i, "density", "a density must be positive (g/mL)");
  }
  if (c.density && *c.density > kMaxDensity) {
    throw componentError(i, "density",
                         "a density is at most " + fmt(kMaxDensity, 0) +
                             " g/mL (osmium, the densest element, is 22.6 g/mL)");
  }
  if (c.equivalents && *c.equivalents < 0) {
    throw componentError(i, "equivalents", "equivalents cannot be negative");
  }
  if (c.equivalents && *c.equivalents > kMaxEquivalents) {
    throw componentError(i, "equivalents", "equivalents are at most " + fmt(kMaxEquivalents, 0));
  }
  if (c.fromStep && *c.fromStep < 1) {
    throw componentError(i, "from_step", "step numbers start at 1");
  }
  if (c.smiles.empty() && c.name.empty()) {
    throw componentError(i, "", "a component needs a structure ('smiles') or a 'name'");
  }
  if (c.name.size() > 200) throw componentError(i, "name", "longer than 200 characters");
}

void validateConditions(const ReactionConditions& k) {
  if (k.temperatureC && (*k.temperatureC < -273.15 || *k.temperatureC > 3000)) {
    throw invalidArgument("temperature_c must be between -273.15 and 3000 °C",
                          {{"field", "conditions.temperature_c"}});
  }
  if (k.timeH && *k.timeH < 0) {
    throw invalidArgument("time_h cannot be negative", {{"field", "conditions.time_h"}});
  }
  if (k.timeH && *k.timeH > kMaxTimeHours) {
    throw invalidArgument("time_h is at most " + fmt(kMaxTimeHours, 0) + " h",
                          {{"field", "conditions.time_h"}});
  }
  if (k.pressureBar && *k.pressureBar < 0) {
    throw invalidArgument("pressure_bar cannot be negative (absolute pressure)",
                          {{"field", "conditions.pressure_bar"}});
  }
  if (k.pressureBar && *k.pressureBar > kMaxPressureBar) {
    throw invalidArgument("pressure_bar is at most " + fmt(kMaxPressureBar, 0) + " bar",
                          {{"field", "conditions.pressure_bar"}});
  }
  if (!k.mode.empty() && k.mode != "batch" && k.mode != "flow") {
    throw invalidArgument("mode must be batch or flow", {{"field", "conditions.mode"}});
  }
  if (k.atmosphere.size() > 100) {
    throw invalidArgument("atmosphere is longer than 100 characters",
                          {{"field", "conditions.atmosphere"}});
  }
}

void validateInput(const ReactionInput& in, const ReactionLimits& limits) {
  bool hasSmiles = !in.reactionSmiles.empty();
  bool hasRxn = !in.rxnBlock.empty();
  if (hasSmiles == hasRxn) {
    throw invalidArgument(hasSmiles ? "give either 'reaction_smiles' or 'rxn', not both"
                                    : "'reaction_smiles' (or an RXN file in 'rxn') is required",
                          {{"field", "reaction_smiles"}});
  }
  if (in.components.size() > limits.maxComponents) {
    throw invalidArgument("too many components: " + std::to_string(in.components.size()) +
                              " exceeds the limit of " + std::to_string(limits.maxComponents),
                          {{"field", "components"}, {"limit", "max_components"}});
  }
  for (std::size_t i = 0; i < in.components.size(); ++i) validateComponent(i, in.components[i]);
  if (in.isolatedYield) {
    if (*in.isolatedYield > 100.0) {
      throw invalidArgument("isolated_yield above 100 % (" + fmt(*in.isolatedYield, 1) +
                                " %): an isolated yield is at most 100 %",
                            {{"field", "isolated_yield"}});
    }
    if (*in.isolatedYield < 0) {
      throw invalidArgument("isolated_yield cannot be negative", {{"field", "isolated_yield"}});
    }
  }
  validateConditions(in.conditions);
}

// Re-raises a parse error of one species with where it is.
[[noreturn]] void rethrowSpeciesError(const Error& e, const SpeciesText& s) {
  ErrorDetails details = e.details();
  details["species"] = s.label();
  std::string where;
  if (s.molfile) {
    details["field"] = std::string("rxn");
    auto line = details.find("line");
    if (line != details.end() && std::holds_alternative<int64_t>(line->second)) {
      int64_t global = std::get<int64_t>(line->second) + static_cast<int64_t>(s.firstLine) - 1;
      details["line"] = global;
      where = " (RXN file line " + std::to_string(global) + ")";
    } else {
      where = " (RXN file, Molfile starting at line " + std::to_string(s.firstLine) + ")";
    }
  } else {
    details["field"] = std::string("reaction_smiles");
    if (!details.count("position")) {
      details["position"] = static_cast<int64_t>(s.position);
      where = " (at position " + std::to_string(s.position) + " of the reaction SMILES)";
    }
  }
  std::string shown = s.molfile ? "" : " '" + shortText(s.text) + "'";
  throw Error(e.code(), s.label() + shown + where + ": " + e.what(), details);
}

struct Group {
  ReactionPart part = ReactionPart::Reactants;
  SpeciesDescription description;
  std::string text;  // as first written
  int count = 0;
  int inputIndex = -1;
};

const char* sideOf(ReactionPart part) {
  return reactionPartName(part);
}

bool roleFitsPart(const std::string& role, ReactionPart part) {
  switch (part) {
    case ReactionPart::Reactants:
      return role == "reactant" || role == "reagent";
    case ReactionPart::Agents:
      return role == "reagent" || role == "catalyst" || role == "solvent";
    case ReactionPart::Products:
      return role == "product" || role == "by-product";
  }
  return false;
}

std::string placementAdvice(const std::string& role) {
  if (role == "catalyst" || role == "solvent") {
    return "catalysts and solvents are written between the two '>' "
           "(reactants>agents>products)";
  }
  if (role == "product" || role == "by-product") {
    return "products are written after the second '>'";
  }
  return "stoichiometric reactants are written before the first '>' (their atoms count in "
         "the atom economy)";
}

std::string groupText(const SpeciesDescription& d) {
  return d.canonicalSmiles.find('.') == std::string::npos ? d.canonicalSmiles
                                                          : "(" + d.canonicalSmiles + ")";
}

// Small molecules a balance is most often missing.
struct SmallMolecule {
  const char* name;
  const char* smiles;
  int charge;
  std::vector<std::pair<std::string, int>> elements;
};
const std::vector<SmallMolecule>& smallMolecules() {
  static const std::vector<SmallMolecule> list = {
      {"H2O", "O", 0, {{"H", 2}, {"O", 1}}},
      {"HCl", "Cl", 0, {{"Cl", 1}, {"H", 1}}},
      {"HBr", "Br", 0, {{"Br", 1}, {"H", 1}}},
      {"HF", "F", 0, {{"F", 1}, {"H", 1}}},
      {"HI", "I", 0, {{"H", 1}, {"I", 1}}},
      {"H2", "[H][H]", 0, {{"H", 2}}},
      {"O2", "O=O", 0, {{"O", 2}}},
      {"N2", "N#N", 0, {{"N", 2}}},
      {"CO2", "O=C=O", 0, {{"C", 1}, {"O", 2}}},
      {"CO", "[C-]#[O+]", 0, {{"C", 1}, {"O", 1}}},
      {"NH3", "N", 0, {{"H", 3}, {"N", 1}}},
      {"CH3OH", "CO", 0, {{"C", 1}, {"H", 4}, {"O", 1}}},
      {"C2H5OH", "CCO", 0, {{"C", 2}, {"H", 6}, {"O", 1}}},
      {"CH3COOH", "CC(=O)O", 0, {{"C", 2}, {"H", 4}, {"O", 2}}},
      {"NaCl", "[Na+].[Cl-]", 0, {{"Cl", 1}, {"Na", 1}}},
      {"KCl", "[K+].[Cl-]", 0, {{"Cl", 1}, {"K", 1}}},
      {"SO2", "O=S=O", 0, {{"O", 2}, {"S", 1}}},
      {"H+", "[H+]", 1, {{"H", 1}}},
  };
  return list;
}

std::string suggestMissing(const std::map<std::string, int>& diff, int chargeDiff) {
  // diff = reactants - products. All >= 0: the products lack it; all <= 0: the reactants do.
  bool productsLack = chargeDiff >= 0;
  bool reactantsLack = chargeDiff <= 0;
  for (const auto& [e, n] : diff) {
    if (n < 0) productsLack = false;
    if (n > 0) reactantsLack = false;
  }
  if (!productsLack && !reactantsLack) return "";
  int sign = productsLack ? 1 : -1;
  for (const auto& m : smallMolecules()) {
    for (int k = 1; k <= 6; ++k) {
      bool fits = sign * chargeDiff == k * m.charge;
      std::map<std::string, int> want;
      for (const auto& [e, n] : m.elements) want[e] = k * n;
      for (const auto& [e, n] : diff) {
        if (n == 0) continue;
        auto it = want.find(e);
        if (it == want.end() || it->second != sign * n) fits = false;
      }
      for (const auto& [e, n] : want) {
        auto it = diff.find(e);
        if (it == diff.end() || sign * it->second != n) fits = false;
      }
      if (fits) {
        std::string count = k == 1 ? "" : std::to_string(k) + " × ";
        return productsLack ? "the products lack " + count + m.name + " ('" + m.smiles +
                                  "'): add it as a by-product"
                            : "the reactants lack " + count + m.name + " ('" + m.smiles +
                                  "'): add it as a reactant";
      }
    }
  }
  return "";
}

}  // namespace

std::string unitKind(const std::string& unit, double* toBase) {
  static const std::map<std::string, std::pair<const char*, double>> units = {
      {"mg", {"mass", 1e-3}},     {"g", {"mass", 1.0}},     {"kg", {"mass", 1e3}},
      {"t", {"mass", 1e6}},       {"uL", {"volume", 1e-3}}, {"mL", {"volume", 1.0}},
      {"L", {"volume", 1e3}},     {"m3", {"volume", 1e6}},  {"umol", {"amount", 1e-6}},
      {"mmol", {"amount", 1e-3}}, {"mol", {"amount", 1.0}},
  };
  auto it = units.find(unit);
  if (it == units.end()) return "";
  if (toBase) *toBase = it->second.second;
  return it->second.first;
}

BalanceReport checkBalance(const std::vector<BalanceTerm>& terms) {
  BalanceReport report;
  std::map<std::string, std::pair<long, long>> counts;
  std::vector<std::string> order;
  auto note = [&](const std::string& e) {
    if (!counts.count(e)) order.push_back(e);
    return &counts[e];
  };
  long chargeLeft = 0;
  long chargeRight = 0;
  for (const auto& t : terms) {
    bool left = t.side == "reactant";
    bool right = t.side == "product";
    if (!left && !right) continue;
    for (const auto& [e, n] : t.elements) {
      auto* c = note(e);
      (left ? c->first : c->second) += static_cast<long>(t.coefficient) * n;
    }
    (left ? chargeLeft : chargeRight) += static_cast<long>(t.coefficient) * t.charge;
  }
  // Hill order: C, H, then alphabetical (all alphabetical without carbon).
  std::sort(order.begin(), order.end());
  if (counts.count("C")) {
    order.erase(std::remove(order.begin(), order.end(), "C"), order.end());
    order.erase(std::remove(order.begin(), order.end(), "H"), order.end());
    std::vector<std::string> hill = {"C"};
    if (counts.count("H")) hill.push_back("H");
    hill.insert(hill.end(), order.begin(), order.end());
    order = hill;
  }
  std::map<std::string, int> diff;
  std::string summary;
  for (const auto& e : order) {
    const auto& [l, r] = counts[e];
    report.elements.push_back({e, static_cast<double>(l), static_cast<double>(r)});
    if (l != r) {
      diff[e] = static_cast<int>(l - r);
      summary += (summary.empty() ? "" : "; ") + e + ": reactants " + std::to_string(l) +
                 ", products " + std::to_string(r);
    }
  }
  report.chargeReactants = static_cast<int>(chargeLeft);
  report.chargeProducts = static_cast<int>(chargeRight);
  if (chargeLeft != chargeRight) {
    summary += (summary.empty() ? "" : "; ") + std::string("charge: reactants ") +
               std::to_string(chargeLeft) + ", products " + std::to_string(chargeRight);
  }
  report.balanced = summary.empty();
  report.summary = report.balanced ? "balanced" : summary;
  if (!report.balanced) {
    report.suggestion = suggestMissing(diff, static_cast<int>(chargeLeft - chargeRight));
  }
  return report;
}

namespace {

// The species written in the reaction text, checked (reaction_input_check.h). Sets a.format.
std::vector<SpeciesText> checkReactionText(const ReactionInput& input, const ReactionLimits& limits,
                                           ReactionAnalysis& a) {
  if (!input.reactionSmiles.empty()) {
    a.format = "reaction_smiles";
    if (looksLikeRxnFile(input.reactionSmiles)) {
      throw invalidArgument("'reaction_smiles' holds an RXN file; send it as 'rxn'",
                            {{"field", "reaction_smiles"}});
    }
    return checkReactionSmiles(input.reactionSmiles, limits);
  }
  a.format = "rxn";
  return checkRxnFile(input.rxnBlock, limits);
}

// Describes every species and groups identical ones within a part (a species written twice
// has count 2), in reaction order. Sets a.canonicalReactionSmiles.
std::vector<Group> describeSpeciesGroups(const std::vector<SpeciesText>& texts,
                                         const ReactionLimits& limits, ReactionAnalysis& a) {
  std::vector<Group> groups;
  unsigned heavyTotal = 0;
  for (ReactionPart part :
       {ReactionPart::Reactants, ReactionPart::Agents, ReactionPart::Products}) {
    std::vector<std::string> written;
    for (const auto& s : texts) {
      if (s.part != part) continue;
      SpeciesDescription d;
      try {
        d = describeSpecies(s.text, s.molfile, limits.structure);
      } catch (const Error& e) {
        rethrowSpeciesError(e, s);
      }
      for (const auto& [e, n] : d.elementCounts) {
        if (e != "H") heavyTotal += static_cast<unsigned>(n);
      }
      written.push_back(groupText(d));
      std::string key = d.identityKey();
      auto g = std::find_if(groups.begin(), groups.end(), [&](const Group& x) {
        return x.part == part && x.description.identityKey() == key;
      });
      if (g != groups.end()) {
        ++g->count;
      } else {
        Group ng;
        ng.part = part;
        ng.description = d;
        ng.text = s.molfile ? d.canonicalSmiles : s.text;
        ng.count = 1;
        groups.push_back(std::move(ng));
      }
    }
    std::string joined;
    for (const auto& w : written) joined += (joined.empty() ? "" : ".") + w;
    a.canonicalReactionSmiles += (part == ReactionPart::Reactants ? "" : ">") + joined;
  }
  if (heavyTotal > limits.maxTotalHeavyAtoms) {
    throw invalidArgument("too many heavy atoms in the reaction: " + std::to_string(heavyTotal) +
                              " exceeds the limit of " + std::to_string(limits.maxTotalHeavyAtoms),
                          {{"field", "reaction_smiles"}, {"limit", "max_total_heavy_atoms"}});
  }
  return groups;
}

// The components the user described, matched to the species by structure.
struct ComponentMatches {
  std::vector<SpeciesDescription> descriptions;  // per component; default without a SMILES
  std::vector<bool> isExtra;                     // not matched to a species
};

SpeciesDescription describeComponent(std::size_t i, const ComponentInput& c,
                                     const ReactionLimits& limits) {
  try {
    return describeSpecies(c.smiles, /*molfile=*/false, limits.structure);
  } catch (const Error& e) {
    ErrorDetails details = e.details();
    details["field"] = componentField(i, "smiles");
    throw Error(e.code(), componentField(i, "smiles") + ": " + e.what(), details);
  }
}

// The group whose species component i (identity key `key`) describes, or none when it is
// not written in the reaction in a part its role allows. Throws when the role contradicts
// where it is written, or when it is written in several parts its role allows.
std::optional<std::size_t> groupDescribedBy(std::size_t i, const ComponentInput& c,
                                            const std::string& key,
                                            const std::vector<Group>& groups) {
  std::vector<std::size_t> candidates;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].description.identityKey() == key) candidates.push_back(g);
  }
  if (candidates.empty()) return std::nullopt;
  std::vector<std::size_t> fitting;
  for (auto g : candidates) {
    if (c.role.empty() || roleFitsPart(c.role, groups[g].part)) fitting.push_back(g);
  }
  if (fitting.empty()) {
    bool onlyProducts = std::all_of(candidates.begin(), candidates.end(), [&](std::size_t g) {
      return groups[g].part == ReactionPart::Products;
    });
    if (onlyProducts && isOneOf(c.role, {"reagent", "catalyst", "solvent"})) {
      return std::nullopt;  // e.g. wash water while water is also a by-product: an extra
    }
    throw componentError(
        i, "role",
        "'" + shortText(c.smiles) + "' is written among the " + sideOf(groups[candidates[0]].part) +
            "s of the reaction but has the role '" + c.role + "'; " + placementAdvice(c.role));
  }
  if (fitting.size() > 1) {
    throw componentError(i, "role",
                         "'" + shortText(c.smiles) +
                             "' is written in more than one part of the reaction; give its "
                             "role to say which one this component describes");
  }
  return fitting[0];
}

// Matches the described components to species by structure; sets Group::inputIndex.
ComponentMatches matchComponentsToSpecies(const ReactionInput& input, const ReactionLimits& limits,
                                          std::vector<Group>& groups) {
  const std::size_t n = input.components.size();
  ComponentMatches matches{std::vector<SpeciesDescription>(n), std::vector<bool>(n, true)};
  for (std::size_t i = 0; i < n; ++i) {
    const ComponentInput& c = input.components[i];
    if (c.smiles.empty()) continue;
    matches.descriptions[i] = describeComponent(i, c, limits);
    std::optional<std::size_t> described =
        groupDescribedBy(i, c, matches.descriptions[i].identityKey(), groups);
    if (!described) continue;
    Group& g = groups[*described];
    if (g.inputIndex >= 0) {
      if (g.part == ReactionPart::Agents) continue;  // a second portion (e.g. work-up)
      throw componentError(i, "",
                           "components[" + std::to_string(g.inputIndex) + "] and components[" +
                               std::to_string(i) + "] both describe " + sideOf(g.part) + " '" +
                               shortText(g.text) + "'; give its total amount once");
    }
    g.inputIndex = static_cast<int>(i);
    matches.isExtra[i] = false;
  }
  return matches;
}

// Identity, formula, masses and solvent class of a structure.
void copyDescription(const SpeciesDescription& d, ResolvedComponent& r) {
  r.canonicalSmiles = d.canonicalSmiles;
  r.inchiKey = d.inchiKey;
  r.formula = d.formula;
  r.molarMass = d.molarMass;
  r.carbonAtoms = d.carbonAtoms;
  r.charge = d.charge;
  for (const auto& [e, count] : d.elementCounts) r.elements.push_back(e);
  r.water = isWaterInchiKey(d.inchiKey);
  r.solvent = classifySolvent(d.inchiKey);
}

// The role of an agent (or an extra component) given without one: acids, bases and metal
// species are reagents, even those a solvent guide lists (pyridine, acetic acid, Et3N);
// water and CHEM21 solvents are solvents; anything else is a reagent. "" when the
// component's chemistry does not decide (an unlisted neutral organic given by name only).
std::string defaultAgentRole(const ResolvedComponent& r, bool reagentByChemistry) {
  if (reagentByChemistry && !r.water) return "reagent";
  if (r.solvent.recognised || r.water) return "solvent";
  return "";
}

// Adds the species to a.components in reaction order, with their roles (the given one, else
// the default for where they are written; products stay without a role unless given).
// Returns the index of the component marked as the desired product, or -1.
int addSpeciesComponents(const std::vector<Group>& groups, const ReactionInput& input,
                         ReactionAnalysis& a) {
  int explicitProduct = -1;
  for (const Group& grp : groups) {
    ResolvedComponent r;
    r.side = sideOf(grp.part);
    r.coefficient = grp.count;
    r.inputIndex = grp.inputIndex;
    r.smiles = grp.text;
    copyDescription(grp.description, r);
    std::string given = grp.inputIndex >= 0 ? input.components[grp.inputIndex].role : "";
    switch (grp.part) {
      case ReactionPart::Reactants:
        r.role = given.empty() ? "reactant" : given;
        break;
      case ReactionPart::Agents:
        if (!given.empty()) {
          r.role = given;
        } else {
          r.role = defaultAgentRole(r, grp.description.reagentByChemistry);
          if (r.role.empty()) r.role = "reagent";
        }
        break;
      case ReactionPart::Products:
        r.role = given;
        if (given == "product") {
          if (explicitProduct >= 0) {
            throw componentError(static_cast<std::size_t>(grp.inputIndex), "role",
                                 "two components are marked as the desired product; mark "
                                 "the others as by-product");
          }
          explicitProduct = static_cast<int>(a.components.size());
        }
        break;
    }
    a.components.push_back(std::move(r));
  }
  return explicitProduct;
}

// The desired product: the one marked, else the first product without a role. Every other
// product becomes a by-product.
void chooseDesiredProduct(int explicitProduct, ReactionAnalysis& a) {
  if (explicitProduct >= 0) {
    a.desiredProduct = explicitProduct;
  } else {
    for (std::size_t i = 0; i < a.components.size(); ++i) {
      if (a.components[i].side == "product" && a.components[i].role.empty()) {
        a.desiredProduct = static_cast<int>(i);
        break;
      }
    }
  }
  if (a.desiredProduct < 0) {
    throw invalidArgument(
        "no desired product: every product is marked as a by-product; mark one as 'product'",
        {{"field", "components"}});
  }
  for (std::size_t i = 0; i < a.components.size(); ++i) {
    auto& r = a.components[i];
    if (r.side != "product") continue;
    r.role = static_cast<int>(i) == a.desiredProduct ? "product" : "by-product";
  }
}

// A component not written in the reaction (work-up solvent, drying agent, ...): a reagent,
// catalyst or solvent, recognised solvents and water by default.
ResolvedComponent resolveExtraComponent(std::size_t i, const ComponentInput& c,
                                        const SpeciesDescription& d) {
  ResolvedComponent r;
  r.side = "extra";
  r.inputIndex = static_cast<int>(i);
  r.smiles = c.smiles;
  if (!c.smiles.empty()) copyDescription(d, r);
  if (c.smiles.empty()) r.solvent = classifySolventByName(c.name);  // "DMF", "ethanol"
  std::string shown = c.smiles.empty() ? c.name : c.smiles;
  // A substance without a representative structure (used cooking oil, an extract) is a
  // reactant outside the reaction text: its mass counts, its atoms cannot.
  const bool structurelessSubstance = !c.substance.empty() && c.smiles.empty();
  if (structurelessSubstance && c.role == "reactant" && !c.fromStep) {
    r.role = "reactant";
    return r;
  }
  if (c.role == "reactant" || c.role == "product" || c.role == "by-product") {
    throw componentError(i, "role",
                         "'" + shortText(shown) + "' has the role " + c.role +
                             " but is not written in the reaction; " + placementAdvice(c.role));
  }
  if (c.fromStep) {
    throw componentError(i, "from_step",
                         "'" + shortText(shown) + "' comes from step " +
                             std::to_string(*c.fromStep) +
                             ", so it must be written among the reactants of the reaction");
  }
  if (c.role.empty()) {
    r.role = defaultAgentRole(r, !c.smiles.empty() && d.reagentByChemistry);
    if (r.role.empty()) {
      throw componentError(i, "role",
                           "'" + shortText(shown) +
                               "' is not written in the reaction; give its role: reagent, "
                               "catalyst or solvent");
    }
  } else {
    r.role = c.role;
  }
  return r;
}

// Copies what the user said about each component (name, amount, origin, ...).
void copyComponentInputs(const ReactionInput& input, ReactionAnalysis& a) {
  for (auto& r : a.components) {
    if (r.inputIndex < 0) continue;
    const ComponentInput& c = input.components[static_cast<std::size_t>(r.inputIndex)];
    if (r.name.empty()) r.name = c.name;
    r.amount = c.amount;
    r.unit = c.unit;
    r.density = c.density;
    r.equivalentsGiven = c.equivalents;
    r.origin = c.origin;
    r.fromStep = c.fromStep;
    r.compound = c.compound;
    r.substance = c.substance;
    if (r.fromStep && r.side != "reactant") {
      throw componentError(static_cast<std::size_t>(r.inputIndex), "from_step",
                           "the product of an earlier step is used as a reactant: write it "
                           "before the first '>'");
    }
  }
}

// Why the stoichiometric metrics do not apply: the reactants that are substances without a
// representative structure (empty when there are none).
std::string structurelessReactants(const ReactionAnalysis& a) {
  std::string listed;
  for (const auto& r : a.components) {
    if (r.side != "extra" || r.role != "reactant") continue;
    std::string label = "'" + shortText(r.name.empty() ? r.substance : r.name) + "'";
    if (!r.substance.empty() && !r.name.empty()) label += " (" + r.substance + ")";
    listed += (listed.empty() ? "" : ", ") + label;
  }
  if (listed.empty()) return "";
  return "the reactant " + listed +
         " is a substance without a representative constituent, so the reaction's atoms "
         "cannot be counted; name the constituent that stands for it ('representative') for "
         "atom economy and yields from amounts";
}

// Balance, element by element and charge, of the species (the first components of a).
// Sets a.balance; an unbalanced reaction is refused.
void requireBalance(const std::vector<Group>& groups, ReactionAnalysis& a) {
  std::vector<BalanceTerm> terms;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    BalanceTerm t;
    t.side = a.components[g].side;
    t.coefficient = groups[g].count;
    t.charge = groups[g].description.charge;
    t.elements = groups[g].description.elementCounts;
    terms.push_back(std::move(t));
  }
  a.balance = checkBalance(terms);
  if (!a.balance.balanced && !a.notStoichiometric.empty()) {
    a.warnings.push_back("the balance is not checked: " + a.notStoichiometric);
    return;
  }
  if (!a.balance.balanced) {
    ErrorDetails details = {{"field", "reaction_smiles"}, {"unbalanced", a.balance.summary}};
    if (!a.balance.suggestion.empty()) details["suggestion"] = a.balance.suggestion;
    throw invalidArgument(
        "unbalanced reaction: " + a.balance.summary +
            (a.balance.suggestion.empty() ? std::string() : " — " + a.balance.suggestion) +
            ". Atom economy and yields need a balanced equation; write every "
            "product and by-product with its coefficient.",
        details);
  }
}

// The amount of one component as mass in g and amount of substance in mol. A volume
// needs a density (InvalidArgument naming the component), water's is 1.00 g/mL.
void convertAmount(ResolvedComponent& r) {
  std::size_t i = static_cast<std::size_t>(r.inputIndex);
  double factor = 1;
  std::string kind = unitKind(r.unit, &factor);
  double base = *r.amount * factor;
  if (kind == "mass") {
    r.massG = base;
    r.amountSource = "given";
  } else if (kind == "volume") {
    std::optional<double> density = r.density;
    // Only water (H2O itself: not D2O, not a solution) is taken at 1.00 g/mL.
    if (!density && r.inchiKey == kWaterInchiKey) density = 1.0;
    if (!density) {
      throw componentError(i, "density",
                           "'" + shortText(r.name.empty() ? r.smiles : r.name) +
                               "' is given as a volume: give its 'density' (g/mL) so the "
                               "volume becomes a mass (only water is taken at 1.00 g/mL)");
    }
    r.massG = base * *density;
    r.amountSource = "volume×density";
  } else if (kind == "amount") {
    if (r.molarMass <= 0) {
      throw componentError(i, "unit",
                           "'" + shortText(r.name) +
                               "' has no structure, so an amount in moles cannot be turned "
                               "into a mass; give a mass or a volume with its density");
    }
    r.moles = base;
    r.massG = base * r.molarMass;
    r.amountSource = "moles×M";
  }
  if (r.massG && !r.moles && r.molarMass > 0) r.moles = *r.massG / r.molarMass;
}

// Moles per equivalent, from the reference reactant: the reactant with a known amount
// marked 1 equivalent, else the first reactant with a known amount.
std::optional<double> molesPerEquivalent(const std::vector<ResolvedComponent>& components) {
  const ResolvedComponent* ref = nullptr;
  for (const auto& r : components) {
    if (r.side == "reactant" && r.moles && r.equivalentsGiven && *r.equivalentsGiven == 1.0) {
      ref = &r;
      break;
    }
  }
  if (!ref) {
    for (const auto& r : components) {
      if (r.side == "reactant" && r.moles) {
        ref = &r;
        break;
      }
    }
  }
  if (ref && ref->equivalentsGiven.value_or(1.0) > 0) {
    return *ref->moles / ref->equivalentsGiven.value_or(1.0);
  }
  return std::nullopt;
}

// Amounts of the components given only in equivalents of the reference reactant.
void amountsFromEquivalents(ReactionAnalysis& a) {
  std::optional<double> perEquivalent = molesPerEquivalent(a.components);
  if (!perEquivalent) return;
  for (auto& r : a.components) {
    if (r.side == "product" || r.moles || r.massG || !r.equivalentsGiven || r.molarMass <= 0) {
      continue;
    }
    r.moles = *r.equivalentsGiven * *perEquivalent;
    r.massG = *r.moles * r.molarMass;
    r.amountSource = "equivalents";
  }
}

// Limiting reactant: the smallest n/ν, when every reactant's amount is known. Then the
// theoretical product mass, the equivalents actually used, and the product amount from
// the isolated yield when no amount was given.
void findLimitingReactant(const ReactionInput& input, ReactionAnalysis& a) {
  if (!a.notStoichiometric.empty()) return;  // the reactants written are not all of them
  bool allLeftKnown = true;
  double extent = 0;
  for (std::size_t i = 0; i < a.components.size(); ++i) {
    const auto& r = a.components[i];
    if (r.side != "reactant") continue;
    if (!r.moles) {
      allLeftKnown = false;
      continue;
    }
    if (*r.moles <= 0) {
      throw invalidArgument("reactant '" + shortText(r.smiles) +
                                "' has an amount of zero; a reactant that is not charged is "
                                "not part of the reaction",
                            {{"field", "components"}});
    }
    double e = *r.moles / r.coefficient;
    if (a.limitingReactant < 0 || e < extent) {
      a.limitingReactant = static_cast<int>(i);
      extent = e;
    }
  }
  if (!allLeftKnown) a.limitingReactant = -1;
  if (a.limitingReactant < 0) return;
  const double limitingMoles =
      *a.components[static_cast<std::size_t>(a.limitingReactant)].moles;
  auto& product = a.components[static_cast<std::size_t>(a.desiredProduct)];
  a.theoreticalProductMassG = product.coefficient * extent * product.molarMass;
  for (auto& r : a.components) {
    if (!r.moles || r.side == "product") continue;
    // Per species: moles over the moles of the limiting reactant (2.2 mmol of a boronic acid
    // against 1.0 mmol of an aryl bromide is 2.2 equivalents whatever the coefficients).
    r.equivalents = *r.moles / limitingMoles;
  }
  if (!product.moles && input.isolatedYield) {
    product.moles = *input.isolatedYield / 100.0 * product.coefficient * extent;
    product.massG = *product.moles * product.molarMass;
    product.amountSource = "yield";
  }
}

}  // namespace

ReactionAnalysis analyseReaction(const ReactionInput& original, const ReactionLimits& limits) {
  validateInput(original, limits);
  ReactionInput input = original;
  for (auto& w : input.workup) w = normaliseWorkup(w);

  ReactionAnalysis a;
  std::vector<SpeciesText> texts = checkReactionText(input, limits, a);
  std::vector<Group> groups = describeSpeciesGroups(texts, limits, a);
  ComponentMatches matches = matchComponentsToSpecies(input, limits, groups);

  // Roles: species first (in reaction order), then the extra components.
  int explicitProduct = addSpeciesComponents(groups, input, a);
  chooseDesiredProduct(explicitProduct, a);
  for (std::size_t i = 0; i < input.components.size(); ++i) {
    if (!matches.isExtra[i]) continue;
    a.components.push_back(resolveExtraComponent(i, input.components[i], matches.descriptions[i]));
  }
  copyComponentInputs(input, a);
  a.notStoichiometric = structurelessReactants(a);
  requireBalance(groups, a);

  // Amounts: mass in g, amount of substance in mol; then from equivalents.
  for (auto& r : a.components) {
    if (r.amount) convertAmount(r);
  }
  amountsFromEquivalents(a);
  findLimitingReactant(input, a);

  computeStepMetrics(a, input);
  a.trafficLights = stepTrafficLights(a, input);
  return a;
}

}  // namespace argan::chem
