// Remaining supply of the chemical elements (CHEM21 "critical elements" criterion):
// "5-50 years" (red), "50-500 years" (amber), "+500 years" (green).
// Source: Hunt, Matharu, King and Clark, Green Chem., 2015, 17, 1949-1950 (see
// chem/data/element_supply.csv, embedded at build time). Immutable after first use; any
// thread.
#pragma once

#include <string>

namespace argan::chem {

// "5-50 years", "50-500 years" or "+500 years" for an element symbol ("Pd").
std::string elementSupply(const std::string& symbol);

// "red", "amber" or "green" for a supply class.
std::string supplyFlag(const std::string& supply);

const char* elementSupplyReference();

}  // namespace argan::chem
