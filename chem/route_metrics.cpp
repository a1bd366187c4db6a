#include "chem/route_metrics.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "chem/green_metrics.h"
#include "chem/reaction_analysis.h"
#include "common/error.h"

namespace argan::chem {
namespace {

using std::int64_t;

std::string fmt(double v, int digits = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string stepList(const std::vector<int64_t>& numbers, const char* separator) {
  std::string out;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    out += (i ? separator : "") + std::to_string(numbers[i]);
  }
  return out;
}

Error graphError(const std::string& message, int64_t step) {
  return invalidArgument(message, {{"field", "from_step"}, {"step", step}});
}

using StepLinksByNumber = std::map<int64_t, const StepLink*>;

// The steps by number; two steps with one number are an error.
StepLinksByNumber indexStepLinks(const std::vector<StepLink>& steps) {
  StepLinksByNumber byNumber;
  for (const auto& s : steps) {
    if (!byNumber.emplace(s.number, &s).second) {
      throw graphError("two steps have the number " + std::to_string(s.number), s.number);
    }
  }
  return byNumber;
}

// Missing steps first: a reference to nothing is the plainest mistake.
void checkUsedStepsExist(const std::vector<StepLink>& steps, const StepLinksByNumber& byNumber) {
  for (const auto& s : steps) {
    for (const auto& u : s.uses) {
      if (!byNumber.count(u.fromStep)) {
        throw graphError("step " + std::to_string(s.number) + " uses the product of step " +
                             std::to_string(u.fromStep) + ", which does not exist",
                         s.number);
      }
      if (u.fromStep == s.number) {
        throw graphError("step " + std::to_string(s.number) + " uses its own product: steps " +
                             std::to_string(s.number) + " → " + std::to_string(s.number) +
                             " form a cycle",
                         s.number);
      }
    }
  }
}

// Cycles: depth-first search over "s feeds j" edges. Every used step exists.
void checkNoCycles(const std::vector<StepLink>& steps, const StepLinksByNumber& byNumber) {
  std::map<int64_t, int> colour;  // 0 white, 1 on the stack, 2 done
  std::vector<int64_t> stack;
  std::function<void(int64_t)> visit = [&](int64_t n) {
    colour[n] = 1;
    stack.push_back(n);
    for (const auto& u : byNumber.at(n)->uses) {
      // Edge: u.fromStep -> n; walk backwards along uses (n depends on u.fromStep).
      int64_t next = u.fromStep;
      if (colour[next] == 1) {
        // The stack holds consumers above their producers: next feeds n, n feeds the
        // step below it, ..., back to next.
        std::vector<int64_t> ordered;
        ordered.push_back(next);
        for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
          ordered.push_back(*it);
          if (*it == next) break;
        }
        throw graphError("steps " + stepList(ordered, " → ") +
                             " form a cycle: each uses the product of the one before it",
                         n);
      }
      if (colour[next] == 0) visit(next);
    }
    stack.pop_back();
    colour[n] = 2;
  };
  for (const auto& s : steps) {
    if (colour[s.number] == 0) visit(s.number);
  }
}

// A tree in step order: each product feeds one later step, as the structure that step says.
void checkProductsFeedOneLaterStep(const std::vector<StepLink>& steps,
                                   const StepLinksByNumber& byNumber) {
  std::map<int64_t, std::pair<int64_t, std::string>> usedBy;
  for (const auto& s : steps) {
    for (const auto& u : s.uses) {
      if (u.fromStep > s.number) {
        throw graphError("step " + std::to_string(s.number) + " uses the product of step " +
                             std::to_string(u.fromStep) +
                             ", a later step; a step can only use products of earlier steps "
                             "(renumber or reorder the steps)",
                         s.number);
      }
      auto previous = usedBy.find(u.fromStep);
      if (previous != usedBy.end()) {
        throw graphError("the product of step " + std::to_string(u.fromStep) + " is used by step " +
                             std::to_string(previous->second.first) + " and again by step " +
                             std::to_string(s.number) +
                             "; a route is a tree: each step's product feeds one later step",
                         s.number);
      }
      usedBy[u.fromStep] = {s.number, u.smiles};
      const StepLink* source = byNumber.at(u.fromStep);
      if (!u.key.empty() && !source->productKey.empty() && u.key != source->productKey) {
        throw graphError("step " + std::to_string(s.number) + " says '" + u.smiles +
                             "' comes from step " + std::to_string(u.fromStep) + ", but step " +
                             std::to_string(u.fromStep) + " makes '" + source->productSmiles + "'",
                         s.number);
      }
    }
  }
}

}  // namespace

void checkRouteGraph(const std::vector<StepLink>& steps) {
  StepLinksByNumber byNumber = indexStepLinks(steps);
  checkUsedStepsExist(steps, byNumber);
  checkNoCycles(steps, byNumber);
  checkProductsFeedOneLaterStep(steps, byNumber);
}

namespace {

struct StepFacts {
  const StepAnalysisResult* step = nullptr;
  const ResolvedComponent* product = nullptr;
  std::optional<int64_t> feeds;               // step that uses this product
  const ResolvedComponent* usedAs = nullptr;  // the component in `feeds` that is this product
  std::vector<int64_t> fedBy;
};

// Every step by number. The pointers point into RouteAnalysis::steps.
using StepFactsByNumber = std::map<int64_t, StepFacts>;

Metric routeMetric(const std::string& key) {
  return metricDefinition(key);
}

std::string scoreFlag(int score) {
  if (score <= 0) return "not_assessed";
  if (score <= 3) return "green";
  if (score <= 6) return "amber";
  return "red";
}

std::optional<double> valueAt(const std::map<int64_t, std::optional<double>>& values,
                              int64_t step) {
  auto it = values.find(step);
  return it == values.end() ? std::nullopt : it->second;
}

// The facts of every step of r: its desired product, and which steps it feeds and is fed
// by. Steps that cannot be analysed and uses of steps that do not exist go to r.problems
// and make `allOk` false.
StepFactsByNumber linkSteps(RouteAnalysis& r, bool& allOk) {
  StepFactsByNumber facts;
  allOk = !r.steps.empty();
  if (r.steps.empty()) r.problems.push_back("the route has no steps");
  for (const auto& s : r.steps) {
    StepFacts f;
    f.step = &s;
    if (s.ok && s.analysis.desiredProduct >= 0) {
      f.product = &s.analysis.components[static_cast<std::size_t>(s.analysis.desiredProduct)];
    } else {
      allOk = false;
      r.problems.push_back("step " + std::to_string(s.number) + " cannot be analysed: " + s.error);
    }
    facts[s.number] = f;
  }
  for (const auto& s : r.steps) {
    if (!s.ok) continue;
    for (const auto& c : s.analysis.components) {
      if (!c.fromStep) continue;
      auto it = facts.find(*c.fromStep);
      if (it == facts.end()) {
        r.problems.push_back("step " + std::to_string(s.number) + " uses step " +
                             std::to_string(*c.fromStep) + ", which does not exist");
        allOk = false;
        continue;
      }
      it->second.feeds = s.number;
      it->second.usedAs = &c;
      facts[s.number].fedBy.push_back(*c.fromStep);
    }
  }
  return facts;
}

// Sets r.finalStep to the one step whose product no step uses; several such steps are a
// problem (r.problems), none leaves it unset.
void findFinalStep(const StepFactsByNumber& facts, RouteAnalysis& r) {
  std::vector<int64_t> finals;
  for (const auto& [n, f] : facts) {
    if (!f.feeds) finals.push_back(n);
  }
  if (finals.size() == 1) {
    r.finalStep = finals[0];
  } else if (finals.size() > 1) {
    r.problems.push_back("steps " + stepList(finals, ", ") +
                         " all end the route (their products are not used by a later step); "
                         "a route has one final step: set 'from_step' on the components that "
                         "are products of earlier steps");
  }
}

// The yield metric of a step, when the step was analysed and has one.
std::optional<double> stepYield(const StepFactsByNumber& facts, int64_t n) {
  auto found = facts.find(n);
  const StepAnalysisResult* s = found == facts.end() ? nullptr : found->second.step;
  if (!s || !s->ok) return std::nullopt;
  const Metric* y = findMetric(s->analysis.metrics, "yield");
  return y ? y->value : std::nullopt;
}

// Longest linear sequence: the longest chain of steps ending at the final step, first step
// first. Of two equally long branches the one with the lower yield is followed.
std::vector<int64_t> longestChainTo(const StepFactsByNumber& facts, int64_t finalStep) {
  std::map<int64_t, int> depth;
  std::function<int(int64_t)> depthOf = [&](int64_t n) -> int {
    auto it = depth.find(n);
    if (it != depth.end()) return it->second;
    int best = 0;
    for (int64_t p : facts.at(n).fedBy) best = std::max(best, depthOf(p));
    return depth[n] = best + 1;
  };
  std::vector<int64_t> chain;
  int64_t at = finalStep;
  while (true) {
    chain.push_back(at);
    const auto& feeders = facts.at(at).fedBy;
    if (feeders.empty()) break;
    int64_t pick = feeders[0];
    for (int64_t p : feeders) {
      int dp = depthOf(p);
      int dPick = depthOf(pick);
      if (dp > dPick) {
        pick = p;
      } else if (dp == dPick) {
        auto yp = stepYield(facts, p);
        auto yk = stepYield(facts, pick);
        if (yp && yk && *yp < *yk) pick = p;
      }
    }
    at = pick;
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

// Scale factors: kg of each step's product per kg of final product, and reaction extents
// per mole of final product (route_metrics.h gives the recurrences).
struct ScaleFactors {
  std::map<int64_t, std::optional<double>> kgPerKgFinal;
  std::map<int64_t, std::optional<double>> extentPerMol;
  std::vector<std::string> massProblems;  // masses the scaling lacks, for messages
};

ScaleFactors scaleToFinalProduct(const StepFactsByNumber& facts, int64_t finalStep) {
  ScaleFactors scale;
  auto& kgPerKgFinal = scale.kgPerKgFinal;
  auto& extentPerMol = scale.extentPerMol;
  // Steps only feed later steps, so walking numbers downwards visits consumers first.
  std::vector<int64_t> order;
  for (const auto& [n, f] : facts) order.push_back(n);
  std::sort(order.rbegin(), order.rend());
  for (int64_t n : order) {
    const StepFacts& f = facts.at(n);
    if (!f.product) {
      kgPerKgFinal[n] = std::nullopt;
      extentPerMol[n] = std::nullopt;
      continue;
    }
    if (n == finalStep) {
      kgPerKgFinal[n] = 1.0;
      extentPerMol[n] = 1.0 / f.product->coefficient;
      continue;
    }
    if (!f.feeds) {
      kgPerKgFinal[n] = std::nullopt;
      extentPerMol[n] = std::nullopt;
      continue;
    }
    const StepFacts& consumer = facts.at(*f.feeds);
    auto consumerExtent = extentPerMol[*f.feeds];
    extentPerMol[n] = consumerExtent
                          ? std::optional<double>(f.usedAs->coefficient * *consumerExtent /
                                                  f.product->coefficient)
                          : std::nullopt;
    auto consumerKg = kgPerKgFinal[*f.feeds];
    if (consumerKg && f.usedAs->massG && consumer.product && consumer.product->massG &&
        *consumer.product->massG > 0) {
      kgPerKgFinal[n] = *consumerKg * *f.usedAs->massG / *consumer.product->massG;
    } else {
      kgPerKgFinal[n] = std::nullopt;
      if (!f.usedAs->massG) {
        scale.massProblems.push_back("the mass of step " + std::to_string(n) +
                                     "'s product used in step " + std::to_string(*f.feeds));
      }
    }
  }
  return scale;
}

// Route atom economy (stoichiometry only).
Metric routeAtomEconomy(const RouteAnalysis& r, const StepFactsByNumber& facts, bool allOk,
                        const ScaleFactors& scale) {
  Metric m = routeMetric("atom_economy");
  if (!r.finalStep || !allOk) {
    m.missing = r.finalStep ? "every step must be analysed" : "a route with one final step";
    return m;
  }
  for (const auto& [n, f] : facts) {
    if (!f.step->analysis.notStoichiometric.empty()) {
      m.missing = "does not apply: step " + std::to_string(n) + ": " +
                  f.step->analysis.notStoichiometric;
      return m;
    }
  }
  double denominator = 0;
  bool ok = true;
  std::string terms;
  for (const auto& [n, f] : facts) {
    auto x = valueAt(scale.extentPerMol, n);
    if (!x) {
      ok = false;
      continue;
    }
    for (const auto& c : f.step->analysis.components) {
      if (c.side != "reactant" || c.fromStep) continue;
      double contribution = *x * c.coefficient * c.molarMass;
      denominator += contribution;
      terms += (terms.empty() ? "" : " + ") + fmt(contribution, 3);
    }
  }
  const ResolvedComponent* finalProduct = facts.at(*r.finalStep).product;
  if (!ok || denominator <= 0) {
    m.missing = "a step is not connected to the final step";
  } else {
    m.value = finalProduct->molarMass / denominator * 100.0;
    m.detail = fmt(finalProduct->molarMass, 3) + " / (" + terms + ") g per mol of final product";
  }
  return m;
}

// Overall yield along the longest linear sequence.
Metric overallYield(const RouteAnalysis& r, const StepFactsByNumber& facts) {
  Metric m = routeMetric("overall_yield");
  if (r.longestLinearSequence.empty()) {
    m.missing = "a route with one final step";
    return m;
  }
  double y = 1.0;
  std::vector<std::string> parts;
  for (int64_t n : r.longestLinearSequence) {
    auto sy = stepYield(facts, n);
    if (!sy) {
      m.missing = "the yield of step " + std::to_string(n);
      break;
    }
    y *= *sy / 100.0;
    parts.push_back(fmt(*sy, 1) + " %");
  }
  if (m.missing.empty()) {
    m.value = y * 100.0;
    std::string detail;
    for (std::size_t i = 0; i < parts.size(); ++i) detail += (i ? " × " : "") + parts[i];
    m.detail = "steps " + stepList(r.longestLinearSequence, ", ") + ": " + detail;
  }
  return m;
}

// Cumulative masses per kg of final product, by kind of input.
struct RouteMasses {
  std::optional<double> pmi;  // none when a mass is missing
  double simple = 0;          // inputs other than solvents and process water
  double solvents = 0;
  double water = 0;     // process water (not water consumed as a reactant)
  double totalRaw = 0;  // every raw input but water: the base of the origin shares
  double bio = 0;
  double waste = 0;
  double unspecified = 0;
  bool anyOrigin = false;  // some raw input has a feedstock origin
  std::string missing;     // why there is no PMI
};

// Adds the raw inputs of one step (neither products nor intermediates), `scale` kg per g
// each, to the totals; returns their sum.
double addRawInputs(const StepAnalysisResult& step, double scale, RouteMasses& m) {
  double raw = 0;
  for (const auto& c : step.analysis.components) {
    if (c.side == "product" || c.fromStep || !c.massG) continue;
    double kg = *c.massG * scale;
    raw += kg;
    bool processWater = c.water && c.side != "reactant";
    bool solvent = c.role == "solvent" && !c.water;
    if (processWater) m.water += kg;
    if (solvent) m.solvents += kg;
    if (!processWater && !solvent) m.simple += kg;
    if (!c.water) {
      m.totalRaw += kg;
      if (c.origin == "bio-based")
        m.bio += kg;
      else if (c.origin == "waste-derived")
        m.waste += kg;
      else
        m.unspecified += kg;
      if (!c.origin.empty()) m.anyOrigin = true;
    }
  }
  return raw;
}

// Each step's scale factors without masses (when there is no route PMI).
std::vector<StepContribution> contributionsWithoutMasses(const StepFactsByNumber& facts,
                                                         const ScaleFactors& scale) {
  std::vector<StepContribution> contributions;
  for (const auto& [n, f] : facts) {
    StepContribution c;
    c.number = n;
    c.productKgPerKgFinal = valueAt(scale.kgPerKgFinal, n);
    c.extentPerMolFinal = valueAt(scale.extentPerMol, n);
    c.feeds = f.feeds;
    contributions.push_back(c);
  }
  return contributions;
}

// The cumulative PMI and its parts; fills r.contributions (with each step's PMI share when
// there is a PMI).
RouteMasses cumulativeMasses(RouteAnalysis& r, const StepFactsByNumber& facts, bool allOk,
                             const ScaleFactors& scale) {
  RouteMasses m;
  if (!r.finalStep || !allOk) {
    m.missing = r.finalStep ? "every step must be analysed" : "a route with one final step";
  } else if (!scale.massProblems.empty()) {
    m.missing = scale.massProblems.front();
  } else {
    double sum = 0;
    for (const auto& [n, f] : facts) {
      const Metric* stepPmi = findMetric(f.step->analysis.metrics, "pmi");
      std::optional<double> kgPerKgFinal = valueAt(scale.kgPerKgFinal, n);
      if (!stepPmi || !stepPmi->value || !f.product->massG || !kgPerKgFinal) {
        m.missing =
            "step " + std::to_string(n) + ": " +
            (stepPmi && !stepPmi->missing.empty() ? stepPmi->missing : std::string("masses"));
        break;
      }
      double raw = addRawInputs(*f.step, *kgPerKgFinal / *f.product->massG, m);
      StepContribution contribution;
      contribution.number = n;
      contribution.productKgPerKgFinal = kgPerKgFinal;
      contribution.rawInputKg = raw;
      contribution.extentPerMolFinal = valueAt(scale.extentPerMol, n);
      contribution.feeds = f.feeds;
      r.contributions.push_back(contribution);
      sum += raw;
    }
    if (m.missing.empty()) m.pmi = sum;
  }
  if (!m.pmi) {
    r.contributions = contributionsWithoutMasses(facts, scale);
  } else {
    for (auto& c : r.contributions) c.pmiShare = *c.rawInputKg / *m.pmi * 100.0;
  }
  return m;
}

// PMI, E factors, solvent and water intensities and origin shares, per kg of final product.
void addMassMetrics(RouteAnalysis& r, const RouteMasses& masses) {
  auto massMetric = [&](const std::string& key, double value, const std::string& detail) {
    Metric m = routeMetric(key);
    if (masses.pmi) {
      m.value = value;
      m.detail = detail;
    } else {
      m.missing = masses.missing;
    }
    r.metrics.push_back(m);
  };
  const std::optional<double>& pmi = masses.pmi;
  std::string perKg = " kg per kg of final product";
  massMetric("pmi", pmi.value_or(0), "Σ F_s·R_s/P_s = " + fmt(pmi.value_or(0), 3) + perKg);
  massMetric("e_factor_simple", masses.simple - 1.0,
             fmt(masses.simple, 3) + " kg of inputs without solvents and water − 1 kg of product");
  massMetric("e_factor_complete", pmi.value_or(0) - 1.0, "PMI − 1");
  massMetric("solvent_intensity", masses.solvents, fmt(masses.solvents, 3) + perKg);
  massMetric("water_intensity", masses.water, fmt(masses.water, 3) + perKg);
  double totalRaw = masses.totalRaw;
  auto share = [&](double part) { return totalRaw > 0 ? part / totalRaw * 100.0 : 0.0; };
  std::string ofRaw = " of " + fmt(totalRaw, 3) + " kg raw input (water excluded)";
  double bio = masses.bio;
  double waste = masses.waste;
  massMetric("renewable_input_share", share(bio + waste), fmt(bio + waste, 3) + " kg" + ofRaw);
  massMetric("bio_based_input_share", share(bio), fmt(bio, 3) + " kg" + ofRaw);
  massMetric("waste_derived_input_share", share(waste), fmt(waste, 3) + " kg" + ofRaw);
  massMetric("unspecified_origin_share", share(masses.unspecified),
             fmt(masses.unspecified, 3) + " kg" + ofRaw);
}

// Step count and the length of the longest linear sequence.
void addStepCountMetrics(RouteAnalysis& r) {
  Metric m = routeMetric("step_count");
  m.value = static_cast<double>(r.steps.size());
  r.metrics.push_back(m);
  Metric l = routeMetric("longest_linear_sequence");
  if (!r.longestLinearSequence.empty()) {
    l.value = static_cast<double>(r.longestLinearSequence.size());
    l.detail = "steps " + stepList(r.longestLinearSequence, " → ");
  } else {
    l.missing = "a route with one final step";
  }
  r.metrics.push_back(l);
}

// Worst traffic light per criterion over the analysed steps.
std::vector<TrafficLight> worstTrafficLights(const std::vector<StepAnalysisResult>& steps) {
  std::vector<TrafficLight> lights;
  std::vector<std::string> criteria = {"yield",  "atom_economy",      "solvents",   "temperature",
                                       "workup", "critical_elements", "batch_flow", "catalyst"};
  for (const auto& criterion : criteria) {
    TrafficLight worst{criterion, "not_assessed", "", ""};
    std::vector<std::string> basis;
    for (const auto& s : steps) {
      if (!s.ok) continue;
      for (const auto& t : s.analysis.trafficLights) {
        if (t.criterion != criterion) continue;
        worst.rule = t.rule;
        worst.flag = worseFlag(worst.flag, t.flag);
        if (t.flag != "not_assessed") {
          basis.push_back("step " + std::to_string(s.number) + ": " + t.flag);
        }
      }
    }
    for (std::size_t i = 0; i < basis.size(); ++i) worst.basis += (i ? ", " : "") + basis[i];
    if (worst.basis.empty()) worst.basis = "not assessed in any step";
    lights.push_back(worst);
  }
  return lights;
}

const TrafficLight& worstLight(const RouteAnalysis& r, const std::string& criterion) {
  for (const auto& t : r.worstTrafficLights) {
    if (t.criterion == criterion) return t;
  }
  throw internalError("no traffic light " + criterion);
}

// The worst CHEM21 health and safety scores of the recognised solvents of the route.
struct SolventHazards {
  int worstHealth = 0;
  int worstSafety = 0;
  std::string healthSolvent;  // the solvent with the worst health score
  std::string safetySolvent;  // the solvent with the worst safety score
};

SolventHazards solventHazards(const std::vector<StepAnalysisResult>& steps) {
  SolventHazards h;
  for (const auto& s : steps) {
    if (!s.ok) continue;
    for (const auto& c : s.analysis.components) {
      if (c.role != "solvent" || !c.solvent.recognised) continue;
      if (c.solvent.healthScore > h.worstHealth) {
        h.worstHealth = c.solvent.healthScore;
        h.healthSolvent = c.solvent.name;
      }
      if (c.solvent.safetyScore > h.worstSafety) {
        h.worstSafety = c.solvent.safetyScore;
        h.safetySolvent = c.solvent.name;
      }
    }
  }
  return h;
}

// "12.34 unit" for a route metric with a value, else "".
std::string metricText(const RouteAnalysis& r, const std::string& key, const std::string& unit) {
  const Metric* m = findMetric(r.metrics, key);
  return m && m->value ? fmt(*m->value, 2) + " " + unit : "";
}

Principle preventionPrinciple(const RouteAnalysis& r, const RouteMasses& masses) {
  Principle p{1, "Prevention", "not_assessed", ""};
  if (masses.pmi) {
    p.flag = "info";
    p.evidence = "complete E factor " + metricText(r, "e_factor_complete", "kg/kg") +
                 ", simple E factor " + metricText(r, "e_factor_simple", "kg/kg") + ", PMI " +
                 metricText(r, "pmi", "kg/kg") + " (per kg of final product)";
  } else {
    p.evidence = "waste cannot be computed: " + masses.missing;
  }
  return p;
}

Principle atomEconomyPrinciple(const RouteAnalysis& r) {
  Principle p{2, "Atom economy", "not_assessed", ""};
  const Metric* ae = findMetric(r.metrics, "atom_economy");
  if (ae && ae->value) {
    p.flag = percentFlag(*ae->value);
    p.evidence = "route atom economy " + fmt(*ae->value, 1) +
                 " % (≥ 90 % green, ≥ 70 % amber, CHEM21 thresholds)";
  } else {
    p.evidence = ae ? ae->missing : "";
  }
  return p;
}

Principle lessHazardousSynthesesPrinciple(const SolventHazards& h) {
  Principle p{3, "Less hazardous chemical syntheses", scoreFlag(h.worstHealth), ""};
  p.evidence = h.worstHealth > 0
                   ? "worst CHEM21 health score of the solvents: " + std::to_string(h.worstHealth) +
                         " (" + h.healthSolvent +
                         "; 1-3 green, 4-6 amber, 7-10 red); reagent hazards are not "
                         "assessed (Argan holds no hazard data for them)"
                   : "no hazard data: reagent hazards are not assessed and no CHEM21 "
                     "solvent is used";
  return p;
}

Principle renewableFeedstocksPrinciple(const RouteAnalysis& r, const RouteMasses& masses) {
  Principle p{7, "Use of renewable feedstocks", "not_assessed", ""};
  const Metric* rs = findMetric(r.metrics, "renewable_input_share");
  if (rs && rs->value && masses.anyOrigin) {
    double v = *rs->value;
    p.flag = v >= 50 ? "green" : v >= 10 ? "amber" : "red";
    p.evidence = fmt(v, 1) + " % of the raw-material mass is bio-based or waste-derived (" +
                 metricText(r, "unspecified_origin_share", "%") +
                 " without origin); Argan's convention: ≥ 50 % green, ≥ 10 % amber";
  } else {
    p.evidence = rs && rs->value ? "no feedstock origin recorded" : masses.missing;
  }
  return p;
}

Principle accidentPreventionPrinciple(const SolventHazards& h) {
  Principle p{12, "Inherently safer chemistry for accident prevention", scoreFlag(h.worstSafety),
              ""};
  p.evidence = h.worstSafety > 0
                   ? "worst CHEM21 safety score of the solvents: " + std::to_string(h.worstSafety) +
                         " (" + h.safetySolvent + "; 1-3 green, 4-6 amber, 7-10 red)"
                   : "no CHEM21 solvent used; reagent hazards are not assessed";
  return p;
}

// The 12 principles of green chemistry (Anastas and Warner, 1998), as far as the data go.
// Reads r.metrics and r.worstTrafficLights, so it comes last.
std::vector<Principle> greenChemistryPrinciples(const RouteAnalysis& r, const RouteMasses& masses) {
  SolventHazards hazards = solventHazards(r.steps);
  std::vector<Principle> principles;
  principles.push_back(preventionPrinciple(r, masses));
  principles.push_back(atomEconomyPrinciple(r));
  principles.push_back(lessHazardousSynthesesPrinciple(hazards));
  principles.push_back({4, "Designing safer chemicals", "not_assessed",
                        "a property of the product, not of the route"});
  const TrafficLight& solvents = worstLight(r, "solvents");
  principles.push_back({5, "Safer solvents and auxiliaries", solvents.flag,
                        "worst CHEM21 solvent flag over the steps: " + solvents.basis});
  const TrafficLight& temperature = worstLight(r, "temperature");
  principles.push_back({6, "Design for energy efficiency", temperature.flag,
                        "worst CHEM21 temperature flag over the steps: " + temperature.basis});
  principles.push_back(renewableFeedstocksPrinciple(r, masses));
  principles.push_back({8, "Reduce derivatives", "info",
                        std::to_string(r.steps.size()) + " steps, longest linear sequence " +
                            std::to_string(r.longestLinearSequence.size()) +
                            "; protecting-group steps are not detected automatically"});
  const TrafficLight& catalyst = worstLight(r, "catalyst");
  principles.push_back({9, "Catalysis", catalyst.flag,
                        "worst CHEM21 catalyst flag over the steps: " + catalyst.basis});
  principles.push_back({10, "Design for degradation", "not_assessed",
                        "a property of the product, not of the route"});
  principles.push_back({11, "Real-time analysis for pollution prevention", "not_assessed",
                        "in-process monitoring is not recorded"});
  principles.push_back(accidentPreventionPrinciple(hazards));
  return principles;
}

}  // namespace

RouteAnalysis computeRouteMetrics(std::vector<StepAnalysisResult> steps) {
  RouteAnalysis r;
  r.steps = std::move(steps);
  bool allOk = false;
  const StepFactsByNumber facts = linkSteps(r, allOk);
  findFinalStep(facts, r);
  ScaleFactors scale;
  if (r.finalStep) {
    r.longestLinearSequence = longestChainTo(facts, *r.finalStep);
    scale = scaleToFinalProduct(facts, *r.finalStep);
  }
  r.metrics.push_back(routeAtomEconomy(r, facts, allOk, scale));
  r.metrics.push_back(overallYield(r, facts));
  RouteMasses masses = cumulativeMasses(r, facts, allOk, scale);
  addMassMetrics(r, masses);
  addStepCountMetrics(r);
  r.complete = allOk && r.finalStep.has_value() && masses.pmi.has_value();
  if (allOk && r.finalStep && !masses.pmi) {
    r.problems.push_back("mass metrics need " + masses.missing);
  }
  r.worstTrafficLights = worstTrafficLights(r.steps);
  r.principles = greenChemistryPrinciples(r, masses);
  return r;
}

RouteAnalysis analyseRoute(const RouteInput& input, const ReactionLimits& limits) {
  std::vector<StepAnalysisResult> results;
  for (const auto& step : input.steps) {
    StepAnalysisResult s;
    s.number = step.number;
    s.name = step.name;
    try {
      s.analysis = analyseReaction(step.reaction, limits);
      s.ok = true;
    } catch (const Error& e) {
      s.ok = false;
      s.error = e.what();
    }
    results.push_back(std::move(s));
  }
  return computeRouteMetrics(std::move(results));
}

}  // namespace argan::chem
