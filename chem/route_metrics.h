// Multi-step and convergent routes: the step graph, cumulative metrics, 12 principles.
//
// A route is a tree of steps: a component of step j may be the product of an earlier step s
// (ComponentInput::fromStep = s); each step's product feeds at most one later step, and one
// step - the final step - feeds none. Cumulative metrics follow the ACS GCI convergent PMI
// convention: to make 1 kg of final product, step j needs m_{s→j}/P_j kg of intermediate s
// per kg of its own product, so
//     F_final = 1,   F_s = F_j · m_{s→j} / P_j           (kg of s's product per kg final)
//     PMI_route = Σ_s F_s · R_s / P_s                    (R_s = raw inputs of s, intermediates
//                                                         excluded; P_s = s's product mass)
// and the route atom economy scales each step by its reaction extent per mole of final
// product: ξ_final = 1/ν_P, ξ_s = ν_{s in j} · ξ_j / ν_P,s.
// docs/metrics.md works an example by hand.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chem/reaction_input_check.h"
#include "chem/reaction_types.h"

namespace argan::chem {

// What the graph check needs to know about one step.
struct StepLink {
  std::int64_t number = 0;
  std::string productKey;     // identity key (InChIKey) of the step's desired product
  std::string productSmiles;  // for messages
  struct Use {
    std::int64_t fromStep = 0;
    std::string key;     // identity key of the component that comes from `fromStep`
    std::string smiles;  // for messages
  };
  std::vector<Use> uses;
};

// Throws argan::Error(InvalidArgument, details {"field": "from_step", "step": n}) when a
// component refers to a step that does not exist, when steps form a cycle (the message
// lists it: "steps 2 → 3 → 2 form a cycle"), when a step uses the product of a later step,
// when one step's product feeds two components, or when the structure of a component
// differs from the product of the step it is said to come from. Pure; any thread.
void checkRouteGraph(const std::vector<StepLink>& steps);

// Cumulative route metrics from analysed steps (given in step order). Pure arithmetic.
// Never throws for incomplete data: `complete` is false and `problems` / metric `missing`
// say what is needed.
RouteAnalysis computeRouteMetrics(std::vector<StepAnalysisResult> steps);

// Analyses every step (analyseReaction; a step that fails is reported, not thrown) and then
// computes the route metrics. Any thread.
RouteAnalysis analyseRoute(const RouteInput& input, const ReactionLimits& limits = {});

}  // namespace argan::chem
