#include "server/registry/genealogy.h"

#include <map>
#include <set>
#include <sstream>

#include "common/error.h"
#include "db/identifiers.h"
#include "db/record_codes.h"
#include "db/registry_store.h"
#include "db/route_store.h"
#include "db/start_up_store.h"
#include "db/waste_flow_store.h"
#include "db/waste_store.h"

namespace argan::server {
namespace {

std::string startUpNodeId(std::int64_t id) {
  return "start-up:" + std::to_string(id);
}
std::string routeStepNodeId(std::int64_t route, std::int64_t step) {
  return "route:" + std::to_string(route) + "/step:" + std::to_string(step);
}
std::string routeNodeId(std::int64_t route) {
  return "route:" + std::to_string(route);
}

// Builds one graph inside one read snapshot, remembering what it has added.
class Tracer {
 public:
  Tracer(db::Connection& c, const db::Principal& who) : c_(c), who_(who) {}

  Genealogy result;

  bool full() {
    if (result.nodes.size() >= kMaxTraceNodes) result.truncated = true;
    return result.truncated;
  }

  bool addNode(TraceNode node) {
    if (nodeIds_.count(node.id)) return false;
    if (full()) return false;
    nodeIds_.insert(node.id);
    result.nodes.push_back(std::move(node));
    return true;
  }

  void addEdge(TraceEdge edge) {
    std::string key = edge.from + ">" + edge.to + ">" + edge.relation + ">" +
                      edge.reference.value_or("");
    if (!nodeIds_.count(edge.from) || !nodeIds_.count(edge.to)) return;
    if (edgeKeys_.insert(key).second) result.edges.push_back(std::move(edge));
  }

  void addStartUp(std::int64_t id) {
    if (nodeIds_.count(startUpNodeId(id))) return;
    auto s = db::findStartUp(c_, id);
    TraceNode n;
    n.id = startUpNodeId(id);
    n.kind = "start_up";
    n.label = s ? s->name : "start-up " + std::to_string(id);
    n.startUpId = id;
    n.detail = s ? std::optional<std::string>(s->sector) : std::nullopt;
    addNode(n);
  }

  // The lot node (if the caller may see it); nullopt otherwise.
  std::optional<db::Lot> addLot(std::int64_t id) {
    auto cached = lots_.find(id);
    if (cached != lots_.end()) return cached->second;
    auto lot = db::findLot(c_, who_, id);
    lots_[id] = lot;
    if (!lot) return std::nullopt;
    TraceNode n;
    n.id = lot->code();
    n.kind = "lot";
    n.label = lot->code();
    n.startUpId = lot->startUpId;
    n.stream = lot->streamKey;
    n.massMg = lot->netMassMg;
    if (db::canWriteFor(who_, lot->startUpId)) n.remainingMg = lot->remainingMg();
    n.date = lot->collectedOn;
    n.detail = lot->origin;
    addNode(n);
    return lot;
  }

  // Everything upstream of a lot: parents, transformations, sources, collectors.
  void upstream(std::int64_t lotId) {
    if (!upstreamDone_.insert(lotId).second || full()) return;
    auto lot = addLot(lotId);
    if (!lot) return;
    if (lot->origin == "collection") {
      addStartUp(lot->startUpId);
      addEdge({startUpNodeId(lot->startUpId), lot->code(), "collected_by", std::nullopt,
               std::nullopt, lot->collectedOn});
      if (lot->sourceId) {
        auto source = db::findSource(c_, who_, *lot->sourceId);
        TraceNode n;
        n.id = db::sourceCode(*lot->sourceId);
        n.kind = "source";
        n.label = source ? source->name : db::sourceCode(*lot->sourceId);
        n.startUpId = lot->startUpId;
        n.region = lot->sourceRegion;
        n.detail = lot->sourceKind;
        addNode(n);
        addEdge({n.id, lot->code(), "collected_at", lot->netMassMg, std::nullopt,
                 lot->collectedOn});
      }
    } else if (lot->origin == "transfer" && lot->parentLotId) {
      auto parent = addLot(*lot->parentLotId);
      if (parent) {
        auto transfer = db::findTransfer(c_, db::Principal::system("genealogy"), *lot->transferId);
        addEdge({parent->code(), lot->code(), "transfer",
                 transfer ? std::optional<std::int64_t>(transfer->massMg) : std::nullopt,
                 db::transferCode(*lot->transferId), lot->collectedOn});
        upstream(parent->id);
      }
    } else if (lot->origin == "transformation" && lot->transformationId) {
      auto t = addTransformation(*lot->transformationId);
      if (t) {
        addEdge({t->code(), lot->code(), "output", lot->netMassMg, std::nullopt, t->performedOn});
        for (const auto& in : t->inputs) {
          auto input = addLot(in.lotId);
          if (!input) continue;
          addEdge({input->code(), t->code(), "input", in.massMg, std::nullopt, t->performedOn});
          upstream(in.lotId);
        }
      }
    }
  }

  std::optional<db::Transformation> addTransformation(std::int64_t id) {
    auto t = db::findTransformation(c_, who_, id);
    if (!t) return std::nullopt;
    TraceNode n;
    n.id = t->code();
    n.kind = "transformation";
    n.label = t->code();
    n.startUpId = t->startUpId;
    n.date = t->performedOn;
    n.detail = t->kind;
    addNode(n);
    return t;
  }

  // A use of a lot: the lot feeds a route step (and the batch it made) or the batch itself.
  void addUse(const db::LotUse& u, const std::string& lotNode) {
    std::string target;
    if (u.routeId) {
      auto route = db::findRoute(c_, who_, *u.routeId, /*withSteps=*/false);
      if (route) {
        if (u.stepNumber) {
          auto step = db::findStep(c_, who_, route->id, *u.stepNumber);
          TraceNode n;
          n.id = routeStepNodeId(route->id, *u.stepNumber);
          n.kind = "route_step";
          n.label = route->name + " — " +
                    (step && !step->name.empty() ? step->name
                                                 : "step " + std::to_string(*u.stepNumber));
          n.startUpId = route->startUpId;
          n.detail = "route " + std::to_string(route->id) + ", step " +
                     std::to_string(*u.stepNumber);
          addNode(n);
          target = n.id;
        } else {
          TraceNode n;
          n.id = routeNodeId(route->id);
          n.kind = "route_step";
          n.label = route->name;
          n.startUpId = route->startUpId;
          n.detail = "route " + std::to_string(route->id);
          addNode(n);
          target = n.id;
        }
      }
    }
    std::optional<std::string> batchNode;
    if (u.batchId && u.batchCode) {
      auto code = db::parseCode(*u.batchCode);
      auto batch = db::findBatch(c_, who_, code->compoundId, *code->formNumber, *code->batchNumber);
      if (batch) {
        addBatch(*batch);
        batchNode = batch->code();
      }
    }
    if (!target.empty()) {
      addEdge({lotNode, target, "used_in", u.massMg, u.code(), u.usedOn});
      if (batchNode) addEdge({target, *batchNode, "step_of", std::nullopt, std::nullopt, u.usedOn});
    } else if (batchNode) {
      addEdge({lotNode, *batchNode, "input_of", u.massMg, u.code(), u.usedOn});
    }
  }

  void addBatch(const db::Batch& b) {
    TraceNode n;
    n.id = b.code();
    n.kind = "batch";
    n.label = b.code();
    n.startUpId = b.startUpId;
    if (b.amount && b.amountUnit) {
      std::ostringstream amount;
      amount << *b.amount << " " << *b.amountUnit;
      n.detail = amount.str();
    }
    n.date = b.preparedOn;
    addNode(n);
  }

  // Everything downstream of a lot: transformations, transfers, uses.
  void downstream(std::int64_t lotId) {
    if (!downstreamDone_.insert(lotId).second || full()) return;
    auto lot = addLot(lotId);
    if (!lot) return;
    for (std::int64_t tid : db::transformationsConsuming(c_, lotId)) {
      auto t = addTransformation(tid);
      if (!t) continue;
      for (const auto& in : t->inputs) {
        if (in.lotId == lotId) {
          addEdge({lot->code(), t->code(), "input", in.massMg, std::nullopt, t->performedOn});
        }
      }
      for (const auto& out : t->outputs) {
        auto output = addLot(out.lotId);
        if (!output) continue;
        addEdge({t->code(), output->code(), "output", out.massMg, std::nullopt, t->performedOn});
        downstream(out.lotId);
      }
    }
    db::TransferFilter filter;
    filter.lotId = lotId;
    for (const auto& t : db::listTransfers(c_, who_, filter)) {
      if (t.status != "accepted" && t.status != "pending") continue;
      std::optional<db::Lot> received;
      if (t.receivedLotId) received = addLot(*t.receivedLotId);
      if (received) {
        addEdge({lot->code(), received->code(), "transfer", t.massMg, t.code(), t.decidedOn});
        downstream(received->id);
      } else {
        addStartUp(t.toStartUpId);
        addEdge({lot->code(), startUpNodeId(t.toStartUpId),
                 t.status == "accepted" ? "transferred_to" : "offered_to", t.massMg, t.code(),
                 t.decidedOn ? t.decidedOn : std::optional<std::string>(db::dateOf(t.createdAt))});
      }
    }
    db::LotUseFilter uses;
    uses.lotId = lotId;
    for (const auto& u : db::listLotUses(c_, who_, uses)) addUse(u, lot->code());
  }

 private:
  db::Connection& c_;
  const db::Principal& who_;
  std::set<std::string> nodeIds_;
  std::set<std::string> edgeKeys_;
  std::map<std::int64_t, std::optional<db::Lot>> lots_;
  std::set<std::int64_t> upstreamDone_;
  std::set<std::int64_t> downstreamDone_;
};

}  // namespace

Genealogy batchGenealogy(Runtime& runtime, const db::Principal& who, const std::string& text) {
  return runtime.db.snapshot([&](db::Connection& c) {
    auto code = db::parseCode(text);
    std::optional<db::Batch> batch;
    if (code && code->formNumber && code->batchNumber) {
      batch = db::findBatch(c, who, code->compoundId, *code->formNumber, *code->batchNumber);
    }
    if (!batch) throw notFound("no batch '" + text + "'");
    Tracer tracer(c, who);
    tracer.result.root = batch->code();
    tracer.result.rootKind = "batch";
    tracer.addBatch(*batch);
    db::LotUseFilter direct;
    direct.batchId = batch->id;
    for (const auto& u : db::listLotUses(c, who, direct)) {
      auto lot = tracer.addLot(u.lotId);
      if (!lot) continue;
      tracer.addUse(u, lot->code());
      tracer.upstream(u.lotId);
    }
    return tracer.result;
  });
}

Genealogy lotGenealogy(Runtime& runtime, const db::Principal& who, std::int64_t lotId) {
  return runtime.db.snapshot([&](db::Connection& c) {
    auto lot = db::findLot(c, who, lotId);
    if (!lot) throw notFound("no lot " + db::lotCode(lotId));
    Tracer tracer(c, who);
    tracer.result.root = lot->code();
    tracer.result.rootKind = "lot";
    tracer.upstream(lotId);
    tracer.downstream(lotId);
    return tracer.result;
  });
}

}  // namespace argan::server
