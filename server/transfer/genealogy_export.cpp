#include "server/transfer/genealogy_export.h"

#include <map>
#include <sstream>

#include "server/registry/waste.h"
#include "server/transfer/import_report.h"

namespace argan::server {

std::string genealogyCsv(const Genealogy& g, const StartUpNames& names) {
  std::map<std::string, const TraceNode*> nodes;
  for (const auto& n : g.nodes) nodes[n.id] = &n;
  auto startUp = [&](const TraceNode* n) -> std::string {
    if (!n || !n->startUpId) return "";
    auto it = names.find(*n->startUpId);
    return it == names.end() ? "#" + std::to_string(*n->startUpId) : it->second;
  };
  std::ostringstream out;
  out << "root,from_id,from_kind,from_label,from_start_up,relation,to_id,to_kind,to_label,"
         "to_start_up,kg,date,reference,stream\r\n";
  for (const auto& e : g.edges) {
    const TraceNode* from = nodes.count(e.from) ? nodes[e.from] : nullptr;
    const TraceNode* to = nodes.count(e.to) ? nodes[e.to] : nullptr;
    std::string kg;
    if (e.massMg) {
      std::ostringstream m;
      m << kgOf(*e.massMg);
      kg = m.str();
    }
    std::string stream = from && from->stream ? *from->stream : (to && to->stream ? *to->stream : "");
    out << csvCell(g.root, true) << ',' << csvCell(e.from, true) << ','
        << csvCell(from ? from->kind : "", true) << ',' << csvCell(from ? from->label : "", true)
        << ',' << csvCell(startUp(from), true) << ',' << csvCell(e.relation, true) << ','
        << csvCell(e.to, true) << ',' << csvCell(to ? to->kind : "", true) << ','
        << csvCell(to ? to->label : "", true) << ',' << csvCell(startUp(to), true) << ',' << kg
        << ',' << csvCell(e.date.value_or(""), true) << ','
        << csvCell(e.reference.value_or(""), true) << ',' << csvCell(stream, true) << "\r\n";
  }
  return out.str();
}

}  // namespace argan::server
