// Plain-data chemistry inputs shared by the server tests (no RDKit here).
#pragma once

#include <string>
#include <vector>

#include "chem/reaction_types.h"

namespace argan::test {

inline chem::ComponentInput grams(const std::string& smiles, double g, const std::string& role = "",
                           const std::string& origin = "") {
  chem::ComponentInput c;
  c.smiles = smiles;
  c.amount = g;
  c.unit = "g";
  c.role = role;
  c.origin = origin;
  return c;
}

// A convergent three-step route with amounts, conditions, work-up and yields: benzoic acid
// -> benzoyl chloride (1); nitrobenzene -> aniline (2); both -> benzanilide (3).
inline chem::RouteInput benzanilideRoute() {
  chem::RouteInput route;
  auto step = [&](std::int64_t n, const std::string& smiles,
                  std::vector<chem::ComponentInput> components) {
    chem::RouteStepInput s;
    s.number = n;
    s.name = "step " + std::to_string(n);
    s.reaction.reactionSmiles = smiles;
    s.reaction.components = std::move(components);
    s.reaction.conditions.temperatureC = 80.0;
    s.reaction.conditions.timeH = 2.5;
    s.reaction.conditions.atmosphere = "N2";
    s.reaction.conditions.mode = "batch";
    s.reaction.workup = {"filtration", "evaporation"};
    s.reaction.isolatedYield = 90.0;
    route.steps.push_back(std::move(s));
  };
  step(1, "OC(=O)c1ccccc1.O=S(Cl)Cl>Cc1ccccc1>ClC(=O)c1ccccc1.O=S=O.Cl",
       {grams("OC(=O)c1ccccc1", 12.21, "", "bio-based"), grams("O=S(Cl)Cl", 14.28),
        grams("Cc1ccccc1", 50.0), grams("ClC(=O)c1ccccc1", 12.65)});
  step(2, "[O-][N+](=O)c1ccccc1.[H][H].[H][H].[H][H]>[Pd].CCO>Nc1ccccc1.O.O",
       {grams("[O-][N+](=O)c1ccccc1", 12.31), grams("[H][H]", 0.61),
        grams("[Pd]", 0.05, "catalyst"), grams("CCO", 40.0, "", "bio-based"),
        grams("Nc1ccccc1", 8.38)});
  chem::ComponentInput acid = grams("ClC(=O)c1ccccc1", 11.25);
  acid.fromStep = 1;
  chem::ComponentInput aniline = grams("Nc1ccccc1", 7.45);
  aniline.fromStep = 2;
  aniline.compound = "CMP-000002";
  chem::ComponentInput base = grams("CCN(CC)CC", 8.90);
  base.equivalents = 1.1;
  chem::ComponentInput dcm;
  dcm.smiles = "ClCCl";
  dcm.amount = 75.5;
  dcm.unit = "mL";
  dcm.density = 1.325;
  chem::ComponentInput silica;
  silica.name = "silica gel";
  silica.role = "reagent";
  silica.amount = 5.0;
  silica.unit = "g";
  step(3,
       "ClC(=O)c1ccccc1.Nc1ccccc1.CCN(CC)CC>ClCCl>O=C(Nc1ccccc1)c1ccccc1.(CC[NH+](CC)CC.[Cl-])",
       {acid, aniline, base, dcm, grams("O", 50.0, "solvent"), silica,
        grams("O=C(Nc1ccccc1)c1ccccc1", 14.20)});
  return route;
}

}  // namespace argan::test
