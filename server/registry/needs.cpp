#include "server/registry/needs.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <variant>

#include "chem/substructure_query.h"
#include "common/error.h"
#include "server/isolation/chem_service.h"
#include "server/registry/need_notices.h"

namespace argan::server {
namespace {

std::string outcomeWordsFr(const std::string& outcome) {
  if (outcome == "solution_found") return "solution trouvée";
  if (outcome == "no_suitable_proposal") return "aucune proposition retenue";
  if (outcome == "solved_elsewhere") return "résolu autrement";
  return "retiré";
}

std::string outcomeWordsEn(const std::string& outcome) {
  if (outcome == "solution_found") return "solution found";
  if (outcome == "no_suitable_proposal") return "no suitable proposal";
  if (outcome == "solved_elsewhere") return "solved elsewhere";
  return "withdrawn";
}

Notice responseNotice(const std::string& kind, const db::Need& need,
                      const db::NeedResponse& response, bool forPartner) {
  Notice n;
  n.kind = kind;
  n.needId = need.id;
  n.responseId = response.id;
  n.params = needParams(need, forPartner);
  n.params->set("response", response.code());
  n.params->set("start_up", response.startUpName);
  n.params->set("status", response.status);
  n.link = "/responses/" + response.code();
  return n;
}

void notifyInvited(db::Connection& c, const Runtime& runtime, const db::Need& need,
                   const std::vector<std::int64_t>& startUps) {
  for (auto startUp : startUps) {
    Notice n;
    n.kind = "need_invited";
    n.needId = need.id;
    n.params = needParams(need, false);
    n.params->set("sector", need.sector);
    n.params->set("function", need.function);
    n.textFr = "Votre start-up est invitée à répondre au besoin " + need.code() + " « " +
               need.title + " »";
    n.textEn = "Your start-up is invited to answer need " + need.code() + " \"" + need.title +
               "\"";
    n.link = "/needs/" + need.code();
    notifyStartUp(c, runtime, startUp, n);
  }
}

db::NeedInput withCriterion(Runtime& runtime, const NeedDraft& draft) {
  db::NeedInput input = draft.input;
  if (draft.structure) {
    if (*draft.structure) {
      input.structure.emplace(prepareCriterion(runtime, **draft.structure));
    } else {
      input.structure.emplace();  // present and empty: remove the criterion
    }
  }
  return input;
}

}  // namespace

db::NeedStructureCriterion prepareCriterion(Runtime& runtime, const StructureCriterionDraft& d) {
  db::NeedStructureCriterion out;
  out.type = d.type;
  out.threshold = d.threshold;
  if (d.type != "substructure" && d.type != "similarity" && d.type != "replace") {
    throw invalidArgument("structure.type must be substructure, similarity or replace",
                          {{"field", "structure.type"}});
  }
  if (d.queries.empty()) {
    throw invalidArgument("structure.query gives the structure (SMILES, SMARTS or Molfile)",
                          {{"field", "structure.query"}});
  }
  if (d.queries.size() > 10) {
    throw invalidArgument("structure.query lists at most 10 molecules",
                          {{"field", "structure.query"}});
  }
  for (std::size_t i = 0; i < d.queries.size(); ++i) {
    const std::string field =
        d.listed ? "structure.query[" + std::to_string(i) + "]" : std::string("structure.query");
    db::NeedStructure m;
    m.input = d.queries[i];
    m.inputFormat = d.format;
    try {
      if (d.type == "substructure") {
        chem::SubstructureQuerySpec spec = runtime.chem.prepareSubstructureQuery(m.input, d.format);
        if (spec.screenBits == 0 || spec.atoms < 2) {
          throw invalidArgument(
              "the substructure is too general: it would match (almost) every structure; "
              "give at least two atoms and a bond",
              {{"limit", "query_too_general"}});
        }
        m.queryFormat = spec.format;
        m.queryText = spec.text;
        m.patternFp = spec.patternFingerprint;
        m.queryAtoms = spec.atoms;
        m.screenBits = spec.screenBits;
      } else {
        chem::SimilarityQuerySpec spec = runtime.chem.prepareSimilarityQuery(m.input, d.format);
        m.canonicalSmiles = spec.canonicalSmiles;
        m.morganFp = spec.morganFingerprint;
      }
    } catch (Error& e) {
      if (e.code() != ErrorCode::InvalidArgument) throw;
      throw e.with("field", field);
    }
    out.molecules.push_back(std::move(m));
  }
  return out;
}

db::Need postNeed(Runtime& runtime, const db::Principal& who, const NeedDraft& draft) {
  db::NeedInput input = withCriterion(runtime, draft);
  return runtime.db.write([&](db::Connection& c) {
    db::Need need = db::createNeed(c, runtime.clock, who, input);
    if (need.visibility == "named") notifyInvited(c, runtime, need, need.audience);
    return need;
  });
}

db::Need changeNeed(Runtime& runtime, const db::Principal& who, std::int64_t id,
                    const NeedDraft& draft) {
  db::NeedInput input = withCriterion(runtime, draft);
  return runtime.db.write([&](db::Connection& c) {
    db::Need before = db::requireNeed(c, who, id);
    db::Need need = db::updateNeed(c, runtime.clock, who, id, input);
    if (need.visibility == "named") {
      std::vector<std::int64_t> added;
      for (auto s : need.audience) {
        bool was = before.visibility == "named" &&
                   std::binary_search(before.audience.begin(), before.audience.end(), s);
        if (!was) added.push_back(s);
      }
      notifyInvited(c, runtime, need, added);
    }
    return need;
  });
}

db::Need closeNeed(Runtime& runtime, const db::Principal& who, std::int64_t id,
                   const std::string& outcome, std::optional<std::int64_t> responseId,
                   const std::string& note) {
  return runtime.db.write([&](db::Connection& c) {
    db::Need need = db::closeNeed(c, runtime.clock, who, id, outcome, responseId, note);
    for (const auto& r : db::listResponses(c, db::Principal::system("needs"), {id, std::nullopt})) {
      if (r.status == "withdrawn") continue;
      const std::int64_t startUp = r.startUpId;
      Notice n;
      n.kind = "need_closed";
      n.needId = need.id;
      n.params = needParams(need, false);
      n.params->set("outcome", outcome);
      n.responseId = r.id;
      const bool chosen = responseId && *responseId == r.id;
      n.params->set("selected", chosen);
      n.textFr = "Le besoin " + need.code() + " est clos : " + outcomeWordsFr(outcome) +
                 (chosen ? " — votre réponse est retenue" : "");
      n.textEn = "Need " + need.code() + " is closed: " + outcomeWordsEn(outcome) +
                 (chosen ? " — your response was chosen" : "");
      n.link = "/needs/" + need.code();
      notifyStartUp(c, runtime, startUp, n);
    }
    return need;
  });
}

db::Need reopenNeed(Runtime& runtime, const db::Principal& who, std::int64_t id) {
  return runtime.db.write(
      [&](db::Connection& c) { return db::reopenNeed(c, runtime.clock, who, id); });
}

db::NeedResponse respondToNeed(Runtime& runtime, const db::Principal& who, std::int64_t needId,
                               std::int64_t startUpId, const std::string& summary,
                               const std::vector<ShareDraft>& shares) {
  return runtime.db.write([&](db::Connection& c) {
    db::NeedResponse r = db::createResponse(c, runtime.clock, who, needId, startUpId, summary);
    for (std::size_t i = 0; i < shares.size(); ++i) {
      try {
        db::addShare(c, runtime.clock, who, r.id, shares[i].kind, shares[i].recordId,
                     shares[i].note);
      } catch (Error& e) {
        auto field = e.details().find("field");
        std::string inner =
            field != e.details().end() && std::holds_alternative<std::string>(field->second)
                ? std::get<std::string>(field->second)
                : "id";
        throw e.with("field", "shares[" + std::to_string(i) + "]." + inner);
      }
    }
    db::Need need = db::requireNeed(c, db::Principal::system("needs"), needId);
    r = db::requireResponse(c, who, r.id);
    Notice n = responseNotice("new_response", need, r, true);
    n.params->set("shares", static_cast<std::int64_t>(r.shares.size()));
    n.textFr = r.startUpName + " répond à votre besoin " + need.code() + " « " + need.title + " »";
    n.textEn = r.startUpName + " answered your need " + need.code() + " \"" + need.title + "\"";
    notifyUsers(c, runtime, {need.partnerId}, n);
    return r;
  });
}

db::NeedResponse changeResponse(Runtime& runtime, const db::Principal& who, std::int64_t id,
                                const std::optional<std::string>& summary,
                                const std::optional<std::string>& status) {
  return runtime.db.write([&](db::Connection& c) {
    db::NeedResponse before = db::requireResponse(c, who, id);
    db::NeedResponse r = db::updateResponse(c, runtime.clock, who, id, summary, status);
    if (status && *status != before.status) {
      db::Need need = db::requireNeed(c, db::Principal::system("needs"), r.needId);
      bool toStartUp = who.role == db::Role::Partner || who.isAdmin();
      Notice n = responseNotice("response_status", need, r, !toStartUp);
      n.textFr = "La réponse " + r.code() + " au besoin " + need.code() + " est maintenant : " +
                 r.status;
      n.textEn = "Response " + r.code() + " to need " + need.code() + " is now: " + r.status;
      if (toStartUp) {
        notifyStartUp(c, runtime, r.startUpId, n);
      } else {
        notifyUsers(c, runtime, {need.partnerId}, n);
      }
    }
    return r;
  });
}

db::NeedResponse postResponseMessage(Runtime& runtime, const db::Principal& who, std::int64_t id,
                                     const std::string& body) {
  return runtime.db.write([&](db::Connection& c) {
    db::NeedResponse r = db::addResponseMessage(c, runtime.clock, who, id, body);
    db::Need need = db::requireNeed(c, db::Principal::system("needs"), r.needId);
    const std::string side = r.messages.back().side;
    std::string excerpt = body.size() > 140 ? body.substr(0, 137) + "..." : body;
    auto notice = [&](bool forPartner) {
      Notice n = responseNotice("message", need, r, forPartner);
      n.params->set("side", side);
      n.params->set("excerpt", excerpt);
      n.textFr = "Nouveau message sur la réponse " + r.code() + " (besoin " + need.code() + ")";
      n.textEn = "New message on response " + r.code() + " (need " + need.code() + ")";
      return n;
    };
    if (side != "partner") notifyUsers(c, runtime, {need.partnerId}, notice(true));
    if (side != "start_up") notifyStartUp(c, runtime, r.startUpId, notice(false));
    return r;
  });
}

db::ResponseShare shareRecord(Runtime& runtime, const db::Principal& who, std::int64_t responseId,
                              const ShareDraft& share) {
  return runtime.db.write([&](db::Connection& c) {
    db::ResponseShare s =
        db::addShare(c, runtime.clock, who, responseId, share.kind, share.recordId, share.note);
    db::NeedResponse r = db::requireResponse(c, who, responseId);
    db::Need need = db::requireNeed(c, db::Principal::system("needs"), r.needId);
    Notice n = responseNotice("new_share", need, r, true);
    n.params->set("record_kind", s.recordType);
    n.params->set("record", s.recordCode);
    n.params->set("label", s.recordLabel);
    n.textFr = r.startUpName + " partage " + s.recordCode + " avec vous (réponse " + r.code() + ")";
    n.textEn = r.startUpName + " shared " + s.recordCode + " with you (response " + r.code() + ")";
    notifyUsers(c, runtime, {need.partnerId}, n);
    return s;
  });
}

db::ResponseShare revokeSharedRecord(Runtime& runtime, const db::Principal& who,
                                     std::int64_t responseId, std::int64_t shareId) {
  return runtime.db.write([&](db::Connection& c) {
    return db::revokeShare(c, runtime.clock, who, responseId, shareId);
  });
}

db::NeedProject openProject(Runtime& runtime, const db::Principal& who, std::int64_t needId,
                            std::int64_t startUpId, const db::ProjectInput& input,
                            const std::vector<LinkDraft>& links) {
  return runtime.db.write([&](db::Connection& c) {
    db::NeedProject p = db::createProject(c, runtime.clock, who, needId, startUpId, input);
    for (std::size_t i = 0; i < links.size(); ++i) {
      try {
        db::linkProjectRecord(c, runtime.clock, who, p.id, links[i].kind, links[i].recordId);
      } catch (Error& e) {
        throw e.with("field", "links[" + std::to_string(i) + "]");
      }
    }
    p = db::requireProject(c, who, p.id);
    if (p.disclosure != "hidden") {
      db::Need need = db::requireNeed(c, db::Principal::system("needs"), needId);
      Notice n;
      n.kind = "project_update";
      n.needId = need.id;
      n.projectId = p.id;
      n.params = needParams(need, true);
      n.params->set("project", p.code());
      if (p.disclosure == "stage" || p.disclosure == "stage_trl") n.params->set("stage", p.stage);
      if (p.disclosure == "stage_trl") n.params->set("trl", p.trl);
      if (p.showStartUp) n.params->set("start_up", p.startUpName);
      n.textFr = "Un projet de recherche est ouvert pour votre besoin " + need.code();
      n.textEn = "A research project was opened for your need " + need.code();
      n.link = "/needs/" + need.code();
      notifyUsers(c, runtime, {need.partnerId}, n);
    }
    return p;
  });
}

db::NeedProject changeProject(Runtime& runtime, const db::Principal& who, std::int64_t id,
                              const db::ProjectInput& input) {
  return runtime.db.write([&](db::Connection& c) {
    db::NeedProject before = db::requireProject(c, who, id);
    db::NeedProject p = db::updateProject(c, runtime.clock, who, id, input);
    const bool stageShown = p.disclosure == "stage" || p.disclosure == "stage_trl";
    const bool trlShown = p.disclosure == "stage_trl";
    bool visibleChange = (before.disclosure == "hidden" && p.disclosure != "hidden") ||
                         (stageShown && before.stage != p.stage) ||
                         (trlShown && before.trl != p.trl) ||
                         (p.disclosure != "hidden" && before.status != p.status);
    if (visibleChange) {
      db::Need need = db::requireNeed(c, db::Principal::system("needs"), p.needId);
      Notice n;
      n.kind = "project_update";
      n.needId = need.id;
      n.projectId = p.id;
      n.params = needParams(need, true);
      n.params->set("project", p.code());
      n.params->set("status", p.status);
      if (stageShown) n.params->set("stage", p.stage);
      if (trlShown) n.params->set("trl", p.trl);
      if (p.showStartUp) n.params->set("start_up", p.startUpName);
      n.textFr = "Un projet avance sur votre besoin " + need.code();
      n.textEn = "A project moved forward on your need " + need.code();
      n.link = "/needs/" + need.code();
      notifyUsers(c, runtime, {need.partnerId}, n);
    }
    return p;
  });
}

db::ProjectLink linkToProject(Runtime& runtime, const db::Principal& who, std::int64_t projectId,
                              const LinkDraft& link) {
  return runtime.db.write([&](db::Connection& c) {
    return db::linkProjectRecord(c, runtime.clock, who, projectId, link.kind, link.recordId);
  });
}

void unlinkFromProject(Runtime& runtime, const db::Principal& who, std::int64_t projectId,
                       std::int64_t linkId) {
  runtime.db.write([&](db::Connection& c) {
    db::unlinkProjectRecord(c, runtime.clock, who, projectId, linkId);
  });
}

}  // namespace argan::server
