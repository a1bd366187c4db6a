#include "chem/green_metrics.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "chem/element_supply.h"
#include "chem/solvent_guide.h"
#include "common/error.h"

namespace argan::chem {
namespace {

const char* kTrost =
    "B. M. Trost, Science, 1991, 254, 1471-1477; R. A. Sheldon, Green Chem., 2017, 19, 18-43";
const char* kConstable =
    "D. J. C. Constable, A. D. Curzons and V. L. Cunningham, Green Chem., 2002, 4, 521-527";
const char* kCurzons =
    "A. D. Curzons, D. J. C. Constable, D. N. Mortimer and V. L. Cunningham, Green Chem., "
    "2001, 3, 1-6; Constable et al., Green Chem., 2002, 4, 521-527";
const char* kMcElroy =
    "C. R. McElroy, A. Constantinou, L. C. Jones, L. Summerton and J. H. Clark, Green Chem., "
    "2015, 17, 3111-3121 (CHEM21 metrics toolkit)";
const char* kPmi =
    "C. Jimenez-Gonzalez, C. S. Ponder, Q. B. Broxterman and J. B. Manley, Org. Process Res. "
    "Dev., 2011, 15, 912-917 (ACS GCI Pharmaceutical Roundtable PMI)";
const char* kEFactor =
    "R. A. Sheldon, Chem. Ind. (London), 1992, 903-906; simple/complete E factor: F. "
    "Roschangar, R. A. Sheldon and C. H. Senanayake, Green Chem., 2015, 17, 752-768";
const char* kConvergent =
    "ACS GCI Pharmaceutical Roundtable Convergent PMI Calculator; C. Jimenez-Gonzalez et al., "
    "Org. Process Res. Dev., 2011, 15, 912-917";

struct Definition {
  const char* key;
  const char* name;
  const char* unit;
  const char* formula;
  const char* definition;
  const char* reference;
};

const Definition kDefinitions[] = {
    {"atom_economy", "Atom economy", "%", "AE = ν_P·M_P / Σ_i ν_i·M_i × 100",
     "Share of the mass of the stoichiometric reactants (everything left of the first '>', "
     "each counted as often as it is written) that ends up in the desired product, from RDKit "
     "average molar masses; requires a reaction balanced element by element. For a route: "
     "M of the final product over the molar masses of every non-intermediate reactant of "
     "every step, scaled by the stoichiometry that makes one mole of final product.",
     kTrost},
    {"theoretical_yield", "Theoretical yield", "g", "m_theo = ν_P · min_i(n_i / ν_i) · M_P",
     "Mass of desired product that the limiting reactant can make at 100 % yield.", kMcElroy},
    {"yield", "Yield", "%", "Y = n_P,isolated / (ν_P · min_i(n_i / ν_i)) × 100",
     "Isolated yield from the amounts given (moles of isolated desired product over the "
     "theoretical moles from the limiting reactant), or the isolated yield as recorded when "
     "the amounts do not allow the calculation.",
     kMcElroy},
    {"reaction_mass_efficiency", "Reaction mass efficiency", "%", "RME = m_P / Σ_i m_i × 100",
     "Mass of isolated desired product over the mass of the stoichiometric reactants "
     "actually charged (left of the first '>'), excesses included.",
     kCurzons},
    {"optimum_efficiency", "Optimum efficiency", "%", "OE = RME / AE × 100",
     "How close the reaction mass efficiency comes to the atom economy (100 % = no loss from "
     "yield or excess).",
     kMcElroy},
    {"carbon_efficiency", "Carbon efficiency", "%", "CE = n_P · C_P / Σ_i n_i · C_i × 100",
     "Moles of carbon in the isolated desired product over moles of carbon in the "
     "stoichiometric reactants charged (C = carbon atoms per molecule).",
     kConstable},
    {"pmi", "Process mass intensity", "kg/kg", "PMI = Σ m_inputs / m_P",
     "Total mass of everything that goes into the step (reactants, reagents, catalysts, "
     "solvents and water, work-up materials) per mass of isolated desired product. For a "
     "route: the cumulative PMI per kg of final product, where each step's inputs are "
     "scaled by the kg of its product that 1 kg of final product needs and intermediates "
     "are not counted twice (ACS GCI convergent PMI convention).",
     kPmi},
    {"e_factor_simple", "E factor (simple)", "kg/kg",
     "sEF = (Σ m_inputs − m_solvents − m_water − m_P) / m_P",
     "Waste per mass of product ignoring solvents and water (water consumed as a reactant "
     "counts as a reactant).",
     kEFactor},
    {"e_factor_complete", "E factor (complete)", "kg/kg",
     "cEF = (Σ m_inputs − m_P) / m_P = PMI − 1",
     "Waste per mass of product with solvents and water included and no recycling assumed.",
     kEFactor},
    {"solvent_intensity", "Solvent intensity", "kg/kg", "SI = Σ m_solvents / m_P",
     "Mass of components with the solvent role, water excluded, per mass of product.", kPmi},
    {"water_intensity", "Water intensity", "kg/kg", "WI = Σ m_water / m_P",
     "Mass of water used (as solvent, reagent or in work-up; not water consumed as a "
     "reactant) per mass of product.",
     kPmi},
    // Route metrics
    {"overall_yield", "Overall yield", "%", "Y_overall = Π_{s ∈ LLS} Y_s",
     "Product of the step yields along the longest linear sequence (the longest chain of "
     "steps ending at the final step; ties go to the lower yield).",
     kMcElroy},
    {"renewable_input_share", "Renewable and waste-derived input share", "%",
     "RS = Σ m_bio-based+waste-derived / Σ m_raw × 100",
     "Share of the raw-material input mass of the route (per kg of final product; water and "
     "intermediates excluded) whose feedstock origin is bio-based or waste-derived. Inputs "
     "without an origin count in the denominator (see unspecified_origin_share).",
     kMcElroy},
    {"bio_based_input_share", "Bio-based input share", "%", "Σ m_bio-based / Σ m_raw × 100",
     "Part of the renewable share from bio-based feedstock.", kMcElroy},
    {"waste_derived_input_share", "Waste-derived input share", "%",
     "Σ m_waste-derived / Σ m_raw × 100",
     "Part of the renewable share from waste-derived feedstock (valorised waste streams).",
     kMcElroy},
    {"unspecified_origin_share", "Input mass without origin", "%", "Σ m_no-origin / Σ m_raw × 100",
     "Raw-material mass whose feedstock origin was not recorded.", kMcElroy},
    {"step_count", "Steps", "", "number of steps", "Steps in the route (all branches).",
     kConvergent},
    {"longest_linear_sequence", "Longest linear sequence", "",
     "steps in the longest chain ending at the final step",
     "Steps on the longest path from a starting step to the final step.", kConvergent},
};

std::string fmt(double v, int digits = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

Metric& add(ReactionAnalysis& a, const std::string& key) {
  a.metrics.push_back(metricDefinition(key));
  return a.metrics.back();
}

std::string componentLabel(const ResolvedComponent& c) {
  std::string what = c.role;
  std::string id = !c.name.empty() ? c.name : !c.smiles.empty() ? c.smiles : c.canonicalSmiles;
  if (id.size() > 60) id = id.substr(0, 57) + "...";
  return what + " '" + id + "'";
}

std::string joinLabels(const std::vector<std::string>& labels) {
  std::string out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i) out += i + 1 == labels.size() ? " and " : ", ";
    out += labels[i];
  }
  return out;
}

bool isProduct(const ResolvedComponent& c) {
  return c.side == "product";
}
bool isLeft(const ResolvedComponent& c) {
  return c.side == "reactant";
}
// Water that is used (solvent, reagent, work-up), not consumed as a reactant.
bool isProcessWater(const ResolvedComponent& c) {
  return c.water && !isLeft(c) && !isProduct(c);
}
bool isSolvent(const ResolvedComponent& c) {
  return c.role == "solvent" && !c.water && !isProduct(c);
}

}  // namespace

const Metric* findMetric(const std::vector<Metric>& metrics, const std::string& key) {
  for (const auto& m : metrics) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

Metric metricDefinition(const std::string& key) {
  for (const auto& d : kDefinitions) {
    if (key == d.key) {
      Metric m;
      m.key = d.key;
      m.name = d.name;
      m.unit = d.unit;
      m.formula = d.formula;
      m.definition = d.definition;
      m.reference = d.reference;
      return m;
    }
  }
  throw internalError("no metric definition for '" + key + "'");
}

namespace {

// Atom economy: stoichiometry and molar masses only.
void addAtomEconomy(ReactionAnalysis& a, const ResolvedComponent& product) {
  Metric& m = add(a, "atom_economy");
  double denominator = 0;
  std::string terms;
  for (const auto& c : a.components) {
    if (!isLeft(c)) continue;
    denominator += c.coefficient * c.molarMass;
    terms +=
        (terms.empty() ? "" : " + ") + std::to_string(c.coefficient) + " × " + fmt(c.molarMass, 3);
  }
  if (!a.notStoichiometric.empty()) {
    m.missing = "does not apply: " + a.notStoichiometric;
  } else if (!a.balance.balanced) {
    m.missing = "the reaction is not balanced: " + a.balance.summary;
  } else if (denominator <= 0) {
    m.missing = "the reactants have no mass";
  } else {
    double numerator = product.coefficient * product.molarMass;
    m.value = numerator / denominator * 100.0;
    m.detail = std::to_string(product.coefficient) + " × " + fmt(product.molarMass, 3) + " / (" +
               terms + ") g/mol";
    for (const auto& c : a.components) {
      if (!isLeft(c) || c.substance.empty()) continue;
      m.detail += "; " + c.substance + (c.name.empty() ? "" : " ('" + c.name + "')") +
                  " counted as its representative constituent " + c.canonicalSmiles;
    }
  }
}

// What the limiting reactant allows. It needs the amount of every stoichiometric reactant.
struct LimitingExtent {
  std::optional<double> extent;  // moles of reaction events the limiting reactant allows
  std::string needAmounts;       // why there is none: the reactants without an amount
};

LimitingExtent limitingExtent(const ReactionAnalysis& a) {
  std::vector<std::string> leftWithoutAmount;
  for (const auto& c : a.components) {
    if (isLeft(c) && !c.moles) leftWithoutAmount.push_back(componentLabel(c));
  }
  LimitingExtent limit;
  if (!a.notStoichiometric.empty()) {
    limit.needAmounts = "does not apply: " + a.notStoichiometric;
    return limit;
  }
  if (a.limitingReactant >= 0) {
    const auto& lim = a.components[static_cast<std::size_t>(a.limitingReactant)];
    limit.extent = *lim.moles / lim.coefficient;
  }
  limit.needAmounts = leftWithoutAmount.empty()
                          ? ""
                          : "the amount of " + joinLabels(leftWithoutAmount) +
                                " (every reactant's amount is needed to find the limiting one)";
  return limit;
}

void addTheoreticalYield(ReactionAnalysis& a, const ResolvedComponent& product,
                         const LimitingExtent& limit) {
  Metric& m = add(a, "theoretical_yield");
  if (limit.extent) {
    m.value = product.coefficient * *limit.extent * product.molarMass;
    const auto& lim = a.components[static_cast<std::size_t>(a.limitingReactant)];
    m.detail = "limiting: " + componentLabel(lim) + ", " + fmt(*lim.moles * 1000, 4) + " mmol / " +
               std::to_string(lim.coefficient);
  } else {
    m.missing = limit.needAmounts;
  }
}

// The yield from the amounts, else as recorded. Throws InvalidArgument above 100 %; warns
// when the recorded yield differs from the amounts' by more than one point.
void addYield(ReactionAnalysis& a, const ResolvedComponent& product, const LimitingExtent& limit,
              const ReactionInput& input) {
  std::optional<double> productMoles = product.moles;
  std::optional<double> productMass = product.massG;
  const std::optional<double>& extent = limit.extent;
  Metric& m = add(a, "yield");
  if (extent && productMoles && product.amountSource != "yield") {
    double y = *productMoles / (product.coefficient * *extent) * 100.0;
    if (y > 100.0 + 1e-6) {
      throw invalidArgument("yield above 100 %: the isolated product (" + fmt(*productMass, 4) +
                                " g) is more than the limiting reactant can make (" +
                                fmt(product.coefficient * *extent * product.molarMass, 4) +
                                " g), a yield of " + fmt(y, 1) +
                                " %; check the amounts (a wet or impure product?)",
                            {{"field", "components"}, {"yield", y}});
    }
    m.value = y;
    m.detail = "from the isolated product amount";
    if (input.isolatedYield && std::fabs(*input.isolatedYield - y) > 1.0) {
      a.warnings.push_back("the isolated yield recorded (" + fmt(*input.isolatedYield, 1) +
                           " %) differs from the yield the amounts give (" + fmt(y, 1) +
                           " %); the metrics use the amounts");
    }
  } else if (input.isolatedYield) {
    m.value = *input.isolatedYield;
    m.detail = "isolated yield as recorded";
  } else if (!productMoles) {
    m.missing = "the amount of isolated product or the isolated yield";
  } else {
    m.missing = limit.needAmounts;
  }
}

// Mass and moles of carbon of the stoichiometric reactants charged.
struct ReactantTotals {
  double mass = 0;  // g
  double carbonMoles = 0;
  bool massesKnown = true;
  bool molesKnown = true;
};

ReactantTotals reactantTotals(const ReactionAnalysis& a) {
  ReactantTotals left;
  for (const auto& c : a.components) {
    // A substance reactant without a structure counts by mass (RME), never by moles.
    const bool substanceReactant = c.side == "extra" && c.role == "reactant";
    if (!isLeft(c) && !substanceReactant) continue;
    if (c.massG)
      left.mass += *c.massG;
    else
      left.massesKnown = false;
    if (substanceReactant) {
      left.molesKnown = false;
      continue;
    }
    if (c.moles)
      left.carbonMoles += *c.moles * c.carbonAtoms;
    else
      left.molesKnown = false;
  }
  return left;
}

const char* kNeedProduct =
    "the amount of isolated product (or a yield with every reactant's amount)";

void addReactionMassEfficiency(ReactionAnalysis& a, const ResolvedComponent& product,
                               const ReactantTotals& left, const std::string& needAmounts) {
  const std::optional<double>& productMass = product.massG;
  Metric& m = add(a, "reaction_mass_efficiency");
  if (!productMass) {
    m.missing = kNeedProduct;
  } else if (!left.massesKnown || left.mass <= 0) {
    m.missing = needAmounts.empty() ? "the masses of the reactants" : needAmounts;
  } else {
    m.value = *productMass / left.mass * 100.0;
    m.detail = fmt(*productMass, 4) + " g / " + fmt(left.mass, 4) + " g";
  }
}

// RME over AE; after both.
void addOptimumEfficiency(ReactionAnalysis& a) {
  Metric& m = add(a, "optimum_efficiency");
  const Metric* rme = findMetric(a.metrics, "reaction_mass_efficiency");
  const Metric* ae = findMetric(a.metrics, "atom_economy");
  if (rme->value && ae->value && *ae->value > 0) {
    m.value = *rme->value / *ae->value * 100.0;
    m.detail = fmt(*rme->value, 2) + " % / " + fmt(*ae->value, 2) + " %";
  } else {
    m.missing = rme->value ? ae->missing : rme->missing;
  }
}

void addCarbonEfficiency(ReactionAnalysis& a, const ResolvedComponent& product,
                         const ReactantTotals& left, const std::string& needAmounts) {
  const std::optional<double>& productMoles = product.moles;
  Metric& m = add(a, "carbon_efficiency");
  if (!productMoles) {
    m.missing = kNeedProduct;
  } else if (!left.molesKnown) {
    m.missing = needAmounts;
  } else if (left.carbonMoles <= 0) {
    m.missing = "the reactants contain no carbon";
  } else {
    m.value = *productMoles * product.carbonAtoms / left.carbonMoles * 100.0;
    m.detail = fmt(*productMoles * 1000, 4) + " mmol × " + std::to_string(product.carbonAtoms) +
               " C / " + fmt(left.carbonMoles * 1000, 4) + " mmol C";
  }
}

// Mass intensities (PMI, E factors, solvent and water intensity): every input must have a
// mass.
void addMassIntensities(ReactionAnalysis& a, const ResolvedComponent& product) {
  const std::optional<double>& productMass = product.massG;
  double inputMass = 0;
  double solventMass = 0;
  double waterMass = 0;
  std::vector<std::string> inputsWithoutMass;
  for (const auto& c : a.components) {
    if (isProduct(c)) continue;
    if (!c.massG) {
      inputsWithoutMass.push_back(componentLabel(c));
      continue;
    }
    inputMass += *c.massG;
    if (isSolvent(c)) solventMass += *c.massG;
    if (isProcessWater(c)) waterMass += *c.massG;
  }
  std::string massMissing;
  if (!productMass) {
    massMissing = kNeedProduct;
  } else if (*productMass <= 0) {
    massMissing = "a positive mass of isolated product";
  } else if (!inputsWithoutMass.empty()) {
    massMissing = "the mass of " + joinLabels(inputsWithoutMass) +
                  " (give a mass, moles, a volume with its density, or equivalents)";
  }
  auto intensity = [&](const std::string& key, double numerator, const std::string& detail) {
    Metric& m = add(a, key);
    if (!massMissing.empty()) {
      m.missing = massMissing;
    } else {
      m.value = numerator / *productMass;
      m.detail = detail;
    }
  };
  std::string perProduct = productMass ? " / " + fmt(*productMass, 4) + " g" : "";
  intensity("pmi", inputMass, fmt(inputMass, 4) + " g" + perProduct);
  double simpleInputs = inputMass - solventMass - waterMass;
  intensity(
      "e_factor_simple", simpleInputs - productMass.value_or(0),
      "(" + fmt(simpleInputs, 4) + " − " + fmt(productMass.value_or(0), 4) + ") g" + perProduct);
  intensity("e_factor_complete", inputMass - productMass.value_or(0),
            "(" + fmt(inputMass, 4) + " − " + fmt(productMass.value_or(0), 4) + ") g" + perProduct);
  intensity("solvent_intensity", solventMass, fmt(solventMass, 4) + " g" + perProduct);
  intensity("water_intensity", waterMass, fmt(waterMass, 4) + " g" + perProduct);
}

}  // namespace

void computeStepMetrics(ReactionAnalysis& a, const ReactionInput& input) {
  a.metrics.clear();
  if (a.desiredProduct < 0) throw internalError("step metrics without a desired product");
  const ResolvedComponent& product = a.components[static_cast<std::size_t>(a.desiredProduct)];
  addAtomEconomy(a, product);
  LimitingExtent limit = limitingExtent(a);
  addTheoreticalYield(a, product, limit);
  addYield(a, product, limit, input);
  ReactantTotals left = reactantTotals(a);
  addReactionMassEfficiency(a, product, left, limit.needAmounts);
  addOptimumEfficiency(a);
  addCarbonEfficiency(a, product, left, limit.needAmounts);
  addMassIntensities(a, product);
}

std::string worseFlag(const std::string& a, const std::string& b) {
  auto rank = [](const std::string& f) {
    return f == "red" ? 3 : f == "amber" ? 2 : f == "green" ? 1 : 0;
  };
  return rank(b) > rank(a) ? b : a;
}

std::string percentFlag(double percent) {
  if (percent >= 90.0) return "green";
  if (percent >= 70.0) return "amber";
  return "red";
}

std::string temperatureFlag(double celsius) {
  if (celsius >= 0.0 && celsius <= 70.0) return "green";
  if (celsius >= -20.0 && celsius <= 140.0) return "amber";
  return "red";
}

std::string solventRankingFlag(const std::string& ranking) {
  if (ranking == "Recommended") return "green";
  if (ranking == "Problematic") return "amber";
  if (ranking == "Hazardous" || ranking == "Highly hazardous") return "red";
  return "not_assessed";
}

namespace {

struct WorkupEntry {
  const char* method;
  const char* flag;
};
const WorkupEntry kWorkups[] = {
    {"none", "green"},
    {"quench", "green"},
    {"filtration", "green"},
    {"centrifugation", "green"},
    {"crystallisation", "green"},
    {"evaporation", "green"},
    {"distillation_below_140", "green"},
    {"sublimation", "green"},
    {"solvent_exchange", "green"},
    {"extraction", "amber"},
    {"chromatography", "red"},
    {"hplc", "red"},
    {"ion_exchange", "red"},
    {"multiple_recrystallisation", "red"},
    {"distillation_above_140", "red"},
};

std::string lowerWords(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '-')
      out += '_';
    else
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

const std::vector<std::string>& workupMethods() {
  static const std::vector<std::string> methods = [] {
    std::vector<std::string> out;
    for (const auto& w : kWorkups) out.emplace_back(w.method);
    return out;
  }();
  return methods;
}

std::string normaliseWorkup(const std::string& method) {
  std::string m = lowerWords(method);
  static const std::map<std::string, std::string> synonyms = {
      {"crystallization", "crystallisation"},
      {"recrystallisation", "crystallisation"},
      {"recrystallization", "crystallisation"},
      {"precipitation", "crystallisation"},
      {"filtering", "filtration"},
      {"column", "chromatography"},
      {"column_chromatography", "chromatography"},
      {"flash_chromatography", "chromatography"},
      {"multiple_recrystallization", "multiple_recrystallisation"},
      {"distillation_<140", "distillation_below_140"},
      {"distillation_>140", "distillation_above_140"},
      {"distillation_<_140", "distillation_below_140"},
      {"distillation_>_140", "distillation_above_140"},
      {"liquid_liquid_extraction", "extraction"},
      {"concentration", "evaporation"},
  };
  auto s = synonyms.find(m);
  if (s != synonyms.end()) m = s->second;
  for (const auto& w : kWorkups) {
    if (m == w.method) return m;
  }
  std::string allowed;
  for (const auto& w : kWorkups) allowed += (allowed.empty() ? "" : ", ") + std::string(w.method);
  throw invalidArgument("unknown work-up '" + method + "'; use " + allowed, {{"field", "workup"}});
}

std::string workupFlag(const std::string& method) {
  for (const auto& w : kWorkups) {
    if (method == w.method) return w.flag;
  }
  return "not_assessed";
}

namespace {

const char* kPercentRule = "≥ 90 % green, 70-90 % amber, < 70 % red (CHEM21 first pass)";

// The flag of a percentage metric (yield, atom economy) of the step.
TrafficLight percentLight(const ReactionAnalysis& a, const std::string& key,
                          const std::string& absent) {
  TrafficLight t{key, "not_assessed", absent, kPercentRule};
  const Metric* metric = findMetric(a.metrics, key);
  if (metric && metric->value) {
    t.flag = percentFlag(*metric->value);
    t.basis = fmt(*metric->value, 1) + " %";
  }
  return t;
}

TrafficLight solventsLight(const ReactionAnalysis& a) {
  TrafficLight t{"solvents", "green", "no solvent",
                 "worst CHEM21 ranking of the solvents: Recommended green, Problematic "
                 "amber, Hazardous or Highly hazardous red (Prat et al. 2016)"};
  std::string flag = "not_assessed";
  std::vector<std::string> seen;
  std::vector<std::string> unknown;
  for (const auto& c : a.components) {
    if (c.role != "solvent") continue;
    if (c.solvent.recognised) {
      flag = worseFlag(flag, solventRankingFlag(c.solvent.ranking));
      seen.push_back(c.solvent.name + " (" + c.solvent.ranking + ")");
    } else {
      unknown.push_back((c.name.empty() ? c.canonicalSmiles : c.name) +
                        " (not in the CHEM21 guide)");
    }
  }
  if (!seen.empty() || !unknown.empty()) {
    t.flag = flag;
    seen.insert(seen.end(), unknown.begin(), unknown.end());
    t.basis = joinLabels(seen);
  }
  return t;
}

TrafficLight temperatureLight(const ReactionInput& input) {
  TrafficLight t{"temperature", "not_assessed", "no temperature given",
                 "0-70 °C green, -20-0 °C or 70-140 °C amber, below -20 °C or above "
                 "140 °C red (CHEM21 first pass)"};
  if (input.conditions.temperatureC) {
    t.flag = temperatureFlag(*input.conditions.temperatureC);
    t.basis = fmt(*input.conditions.temperatureC, 1) + " °C";
  }
  return t;
}

TrafficLight workupLight(const ReactionInput& input) {
  TrafficLight t{"workup", "not_assessed", "no work-up given",
                 "quench, filtration, centrifugation, crystallisation, evaporation, "
                 "distillation below 140 °C, sublimation, solvent exchange green; "
                 "extraction amber; chromatography, HPLC, ion exchange, multiple "
                 "recrystallisation, distillation above 140 °C red (CHEM21 first pass)"};
  if (!input.workup.empty()) {
    std::string flag = "not_assessed";
    for (const auto& w : input.workup) flag = worseFlag(flag, workupFlag(w));
    t.flag = flag;
    t.basis = joinLabels(input.workup);
  }
  return t;
}

TrafficLight criticalElementsLight(const ReactionAnalysis& a) {
  TrafficLight t{"critical_elements", "not_assessed", "no structures",
                 "remaining supply of the scarcest element: +500 years green, 50-500 "
                 "years amber, 5-50 years red (CHEM21; Hunt et al., Green Chem. 2015, 17, "
                 "1949)"};
  std::set<std::string> elements;
  for (const auto& c : a.components) elements.insert(c.elements.begin(), c.elements.end());
  if (!elements.empty()) {
    std::string flag = "green";
    for (const auto& e : elements) flag = worseFlag(flag, supplyFlag(elementSupply(e)));
    std::vector<std::string> worst;
    for (const auto& e : elements) {
      if (supplyFlag(elementSupply(e)) == flag) worst.push_back(e);
    }
    t.flag = flag;
    t.basis = flag == "green" ? "all elements +500 years"
                              : joinLabels(worst) + " (" +
                                    (flag == "red" ? "5-50 years" : "50-500 years") + ")";
  }
  return t;
}

TrafficLight batchFlowLight(const ReactionInput& input) {
  TrafficLight t{"batch_flow", "not_assessed", "mode not given",
                 "flow green, batch amber (CHEM21 first pass)"};
  if (input.conditions.mode == "flow") {
    t.flag = "green";
    t.basis = "flow";
  } else if (input.conditions.mode == "batch") {
    t.flag = "amber";
    t.basis = "batch";
  }
  return t;
}

// Catalysts by their loading (mol per mol of limiting reactant): up to 10 mol % green
// ("catalytic"), a "catalyst" charged at 10-110 mol % is a stoichiometric reagent (amber),
// above 110 mol % an excess (red); a catalyst whose loading cannot be known is not assessed.
// Reactants beyond 1.1 times their stoichiometric share (nu_i / nu_limiting) are an excess.
TrafficLight catalystLight(const ReactionAnalysis& a) {
  TrafficLight t{"catalyst", "green", "no catalyst or reagents needed",
                 "catalysts at <= 10 mol % of the limiting reactant, or no reagents, green; "
                 "a catalyst at 10-110 mol %, or stoichiometric reagents, amber; a catalyst "
                 "above 110 mol %, or (without a catalyst) reactants beyond 1.1 times their "
                 "stoichiometric amount, red (CHEM21 first pass)"};
  bool reagents = false;
  std::vector<std::string> catalytic, stoichiometric, catalystExcess, excess, unknownLoading;
  const bool excessKnown = a.limitingReactant >= 0;
  const int limitingCoefficient =
      excessKnown ? a.components[static_cast<std::size_t>(a.limitingReactant)].coefficient : 1;
  for (std::size_t i = 0; i < a.components.size(); ++i) {
    const auto& c = a.components[i];
    if (c.role == "catalyst") {
      if (!c.equivalents) {
        unknownLoading.push_back(componentLabel(c));
      } else if (*c.equivalents <= 0.10 + 1e-12) {
        catalytic.push_back(componentLabel(c) + " " + fmt(*c.equivalents * 100, 1) + " mol %");
      } else if (*c.equivalents <= 1.1) {
        stoichiometric.push_back(componentLabel(c) + " " + fmt(*c.equivalents * 100, 0) +
                                 " mol %");
      } else {
        catalystExcess.push_back(componentLabel(c) + " " + fmt(*c.equivalents, 2) + " equiv.");
      }
    }
    if (c.role == "reagent") reagents = true;
    if (isLeft(c) && static_cast<int>(i) != a.limitingReactant && c.equivalents) {
      const double share = static_cast<double>(c.coefficient) / limitingCoefficient;
      if (*c.equivalents > 1.1 * share) {
        excess.push_back(componentLabel(c) + " " + fmt(*c.equivalents, 2) + " equiv. for " +
                         fmt(share, 2));
      }
    }
  }
  // A catalyst decides the light (catalysis is the criterion); without one, the reagents do.
  if (!catalystExcess.empty()) {
    t.flag = "red";
    t.basis = "a catalyst in excess: " + joinLabels(catalystExcess);
  } else if (!stoichiometric.empty()) {
    t.flag = "amber";
    t.basis = "a catalyst at a stoichiometric loading: " + joinLabels(stoichiometric);
  } else if (!unknownLoading.empty()) {
    t.flag = "not_assessed";
    t.basis = "catalyst loading unknown (give the amount of " + joinLabels(unknownLoading) +
              " and of every reactant)";
  } else if (!catalytic.empty()) {
    t.basis = "catalyst used: " + joinLabels(catalytic);
  } else if (!excess.empty()) {
    t.flag = "red";
    t.basis = "excess: " + joinLabels(excess);
  } else if (reagents) {
    t.flag = "amber";
    t.basis = excessKnown ? "stoichiometric reagents"
                          : "stoichiometric reagents (excess not assessed: amounts missing)";
  } else if (!excessKnown) {
    t.basis = "no catalyst or reagents (excess not assessed: amounts missing)";
  }
  return t;
}

}  // namespace

std::vector<TrafficLight> stepTrafficLights(const ReactionAnalysis& a, const ReactionInput& input) {
  return {percentLight(a, "yield", "no yield"),
          percentLight(a, "atom_economy", "no atom economy"),
          solventsLight(a),
          temperatureLight(input),
          workupLight(input),
          criticalElementsLight(a),
          batchFlowLight(input),
          catalystLight(a)};
}

}  // namespace argan::chem
