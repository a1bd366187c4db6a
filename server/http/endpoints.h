// Builds the API route table. Each resource module adds its own routes; adding a module is
// one line in buildApiRouter (api_routes.cpp).
#pragma once

#include "server/http/router.h"

namespace argan::server {

Router buildApiRouter();

void addHealthEndpoints(Router& router);
void addStartUpEndpoints(Router& router);
void addCompoundEndpoints(Router& router);
void addSearchEndpoints(Router& router);
void addCompareEndpoints(Router& router);
void addProductEndpoints(Router& router);
void addDocumentEndpoints(Router& router);
void addInquiryEndpoints(Router& router);
void addOverviewEndpoints(Router& router);
void addSessionEndpoints(Router& router);    // /api/session...
void addUserEndpoints(Router& router);       // /api/users, /api/tokens
void addLifecycleEndpoints(Router& router);  // publish, retire, history of compounds/batches/start-ups
void addAuditEndpoints(Router& router);      // /api/audit/verify
void addSynthesisEndpoints(Router& router);
void addImportEndpoints(Router& router);
void addExportEndpoints(Router& router);
void addSubstanceEndpoints(Router& router);  // /api/substances, /api/substance-batches, ...
void addWasteEndpoints(Router& router);  // streams, sources, lots, transfers, circularity
void addNeedEndpoints(Router& router);          // /api/needs, /api/overview/needs
void addNeedResponseEndpoints(Router& router);  // /api/responses (to needs), grants, threads
void addNeedProjectEndpoints(Router& router);   // /api/projects (against needs)
void addNotificationEndpoints(Router& router);  // /api/notifications

}  // namespace argan::server
