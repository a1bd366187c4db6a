#include "server/registry/identity_review.h"

#include <set>
#include <utility>
#include <vector>

#include "common/error.h"
#include "db/compound_names.h"
#include "db/registry_store.h"
#include "server/isolation/chem_service.h"

namespace argan::server {
namespace {

db::Principal administrator() {
  db::Principal admin = db::Principal::system("identity review");
  admin.role = db::Role::Admin;
  return admin;
}

std::string reasonOf(const Error& e) {
  auto it = e.details().find("reason");
  if (it != e.details().end() && std::holds_alternative<std::string>(it->second)) {
    return std::get<std::string>(it->second);
  }
  return "invalid";
}

std::string sectionFor(const std::string& reason) {
  if (reason == "mixture") return "docs/identity.md §3 (rule 4: mixtures)";
  if (reason == "polymer" || reason == "star_atom") return "docs/identity.md §1";
  return "docs/identity.md §1";
}

struct Work {
  db::Compound compound;
  std::vector<db::CompoundForm> forms;
  std::vector<db::Batch> batches;
};

}  // namespace

IdentityReviewSummary reviewIdentities(Runtime& runtime, const IdentityReviewOptions& options,
                                       const std::function<void(const IdentityFinding&)>& report) {
  const db::Principal admin = administrator();
  IdentityReviewSummary summary;
  auto emit = [&](IdentityFinding f) {
    ++summary.findings[f.kind];
    report(f);
  };

  std::vector<std::int64_t> ids;
  runtime.db.read([&](db::Connection& c) {
    db::CompoundFilter all;
    all.includeRetired = false;
    db::forEachCompound(c, admin, all, false,
                        [&](const db::Compound& compound) { ids.push_back(compound.id); });
  });

  // (start-up, full hash under the rule) -> the current parents that hash
  std::map<std::pair<std::int64_t, std::string>, std::set<std::string>> regrouped;
  struct Backfill {
    std::int64_t batchId = 0;
    std::string submittedKey;
    std::int64_t formId = 0;
    std::string formKey;
  };
  std::vector<Backfill> backfills;

  for (std::int64_t id : ids) {
    Work w = runtime.db.read([&](db::Connection& c) {
      Work out;
      out.compound = *db::findCompound(c, admin, id);
      out.forms = db::listForms(c, admin, id);
      out.batches = db::listBatches(c, admin, id);
      return out;
    });
    ++summary.parents;
    const std::string code = w.compound.code();
    try {
      runtime.chem.analyse(w.compound.identity.canonicalSmiles, "smiles");
    } catch (const Error& e) {
      if (e.code() != ErrorCode::InvalidArgument) throw;
      emit({"stored_unreadable", code, "",
            "the stored parent '" + w.compound.identity.canonicalSmiles +
                "' does not read back: " + e.what(),
            "", "docs/identity.md §1 (the parent is re-read before it is stored)"});
    }
    std::map<std::int64_t, const db::CompoundForm*> formById;
    for (const auto& f : w.forms) formById[f.id] = &f;
    for (const auto& b : w.batches) {
      ++summary.batches;
      chem::StructureAnalysis a;
      try {
        a = runtime.chem.analyse(b.submittedStructure, b.submittedFormat);
      } catch (const Error& e) {
        if (e.code() != ErrorCode::InvalidArgument) throw;
        const std::string reason = reasonOf(e);
        emit({"now_refused", code, b.code(), std::string("refused (") + reason + "): " + e.what(),
              "", sectionFor(reason)});
        continue;
      }
      regrouped[{w.compound.startUpId, a.identity.fullHash}].insert(code);
      if (a.identity.fullHash != w.compound.identity.fullHash) {
        std::string detail = "parent " + w.compound.identity.canonicalSmiles + " (" +
                             w.compound.identity.formula + ", " + w.compound.identity.inchiKey +
                             ") would now be " + a.identity.canonicalSmiles + " (" +
                             a.identity.formula + ", " + a.identity.inchiKey + ")";
        emit({"identity_changed", code, b.code(), detail, "",
              "docs/identity.md §2-§5 (see the table row of the same class)"});
      }
      auto form = formById.find(b.formId);
      if (form != formById.end() && a.identity.fullHash == w.compound.identity.fullHash &&
          form->second->key != a.formKey) {
        emit({"form_changed", code, b.code(),
              "form " + form->second->key + " (" + form->second->label + ") would now be " +
                  a.formKey + " (" + a.formLabel + ")",
              "", "docs/identity.md §3"});
      }
      if (options.backfillKeys) {
        Backfill fill;
        if (b.submittedInchiKey.empty()) {
          fill.batchId = b.id;
          fill.submittedKey = a.submittedInchiKey;
        }
        if (form != formById.end() && form->second->inchiKey.empty() &&
            form->second->key == a.formKey && a.identity.fullHash == w.compound.identity.fullHash) {
          fill.formId = form->second->id;
          fill.formKey = a.formInchiKey;
        }
        if (fill.batchId || fill.formId) backfills.push_back(std::move(fill));
      }
    }
  }
  for (const auto& [key, codes] : regrouped) {
    if (codes.size() < 2) continue;
    const std::string first = *codes.begin();
    for (auto it = std::next(codes.begin()); it != codes.end(); ++it) {
      emit({"now_same_parent_as", *it, "", "one substance under the identity rule", first,
            "docs/identity.md §7 (argan identity merge)"});
    }
  }
  for (std::size_t start = 0; start < backfills.size(); start += 200) {
    runtime.db.write([&](db::Connection& c) {
      for (std::size_t i = start; i < std::min(backfills.size(), start + 200); ++i) {
        const Backfill& f = backfills[i];
        db::fillMissingInchiKeys(c, f.formId, f.formKey, f.batchId, f.submittedKey);
      }
      return 0;
    });
  }
  return summary;
}

}  // namespace argan::server
