// Builds the API route table. Each resource module adds its own routes; adding a module is
// one line in buildApiRouter (api_routes.cpp).
#pragma once

#include "server/router.h"

namespace argan::server {

Router buildApiRouter();

void addHealthRoutes(Router& router);
void addStartUpRoutes(Router& router);
void addCompoundRoutes(Router& router);
void addSearchRoutes(Router& router);
void addCompareRoutes(Router& router);
void addProductRoutes(Router& router);
void addDocumentRoutes(Router& router);
void addInquiryRoutes(Router& router);
void addOverviewRoutes(Router& router);
void addSessionRoutes(Router& router);    // /api/session...
void addUserRoutes(Router& router);       // /api/users, /api/tokens
void addLifecycleRoutes(Router& router);  // publish, retire, history of compounds/batches/start-ups
void addAuditRoutes(Router& router);      // /api/audit/verify
void addSynthesisRoutes(Router& router);
void addImportRoutes(Router& router);
void addExportRoutes(Router& router);

}  // namespace argan::server
