#include "chem/element_supply.h"

#include <map>

#include "chem/csv.h"
#include "common/error.h"

namespace argan {
extern const char* const kElementSupplyCsv;  // chem/data/element_supply.csv, embedded
}

namespace argan::chem {
namespace {

const std::map<std::string, std::string>& table() {
  static const std::map<std::string, std::string> supply = [] {
    std::map<std::string, std::string> out;
    auto rows = parseCsv(kElementSupplyCsv);
    if (rows.empty()) throw internalError("element supply table is empty");
    std::size_t cSymbol = csvColumn(rows[0], "symbol");
    std::size_t cSupply = csvColumn(rows[0], "supply");
    for (std::size_t r = 1; r < rows.size(); ++r) {
      out[rows[r].at(cSymbol)] = rows[r].at(cSupply);
    }
    return out;
  }();
  return supply;
}

}  // namespace

std::string elementSupply(const std::string& symbol) {
  auto it = table().find(symbol);
  return it == table().end() ? "+500 years" : it->second;
}

std::string supplyFlag(const std::string& supply) {
  if (supply == "5-50 years") return "red";
  if (supply == "50-500 years") return "amber";
  return "green";
}

const char* elementSupplyReference() {
  return "J. Hunt, A. S. Matharu, A. H. King and J. H. Clark, Green Chem., 2015, 17, "
         "1949-1950 (remaining years of supply), as used by the CHEM21 metrics toolkit "
         "(C. R. McElroy et al., Green Chem., 2015, 17, 3111-3121)";
}

}  // namespace argan::chem
