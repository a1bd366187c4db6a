// Export of a genealogy (server/registry/genealogy.h) as CSV: one row per edge, from upstream
// to downstream, with both ends described (id, kind, label, start-up) and the mass, date and
// reference (transfer, use) of the link. Spreadsheet-safe: cells that a spreadsheet would run
// as a formula are quoted with a leading apostrophe.
#pragma once

#include <string>

#include "server/json/waste_json.h"
#include "server/registry/genealogy.h"

namespace argan::server {

std::string genealogyCsv(const Genealogy& g, const StartUpNames& names);

}  // namespace argan::server
