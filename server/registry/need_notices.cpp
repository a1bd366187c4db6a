#include "server/registry/need_notices.h"

#include <sstream>

#include "db/notification_store.h"
#include "db/user_store.h"

namespace argan::server {
namespace {

std::string stringify(const Poco::JSON::Object::Ptr& o) {
  std::ostringstream out;
  if (o) o->stringify(out); else out << "{}";
  return out.str();
}

}  // namespace

Poco::JSON::Object::Ptr needParams(const db::Need& need, bool forPartner) {
  Poco::JSON::Object::Ptr p = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  p->set("need", need.code());
  p->set("title", need.title);
  if (forPartner || need.companyDisclosed) {
    p->set("company", need.company);
  }
  return p;
}

void notifyUsers(db::Connection& c, const Runtime& runtime, const std::vector<std::int64_t>& users,
                 const Notice& notice) {
  db::NewNotification n;
  n.kind = notice.kind;
  n.needId = notice.needId;
  n.responseId = notice.responseId;
  n.projectId = notice.projectId;
  n.paramsJson = stringify(notice.params);
  const bool mail = !runtime.config.smtpHost.empty();
  for (auto userId : users) {
    db::addNotification(c, runtime.clock, userId, n);
    if (!mail) continue;
    auto user = db::findUser(c, userId);
    if (!user || user->disabled() || user->email.empty()) continue;
    std::string subject = "[Argan] " + notice.textFr;
    if (subject.size() > 150) subject = subject.substr(0, 147) + "...";
    std::string link = runtime.config.publicUrl + notice.link;
    std::string body = notice.textFr + "\n" + link +
                       "\n\n-- \n" + notice.textEn + "\n" + link +
                       "\n\nArgan, cluster CISE. Ce message suit votre activité sur le tableau "
                       "des besoins / You receive this because of your activity on the needs "
                       "board.\n";
    db::enqueueMail(c, runtime.clock, userId, user->email, subject, body);
  }
}

void notifyStartUp(db::Connection& c, const Runtime& runtime, std::int64_t startUpId,
                   const Notice& notice) {
  notifyUsers(c, runtime, db::startUpUserIds(c, startUpId), notice);
}

}  // namespace argan::server
