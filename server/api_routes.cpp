#include "server/api_routes.h"

namespace argan::server {

Router buildApiRouter() {
  Router router;
  addHealthRoutes(router);
  addStartUpRoutes(router);
  addCompoundRoutes(router);
  addSearchRoutes(router);
  addCompareRoutes(router);
  addProductRoutes(router);
  addDocumentRoutes(router);
  addInquiryRoutes(router);
  addOverviewRoutes(router);
  addSessionRoutes(router);
  addUserRoutes(router);
  addLifecycleRoutes(router);
  addAuditRoutes(router);
  addSynthesisRoutes(router);
  addImportRoutes(router);
  addExportRoutes(router);
  return router;
}

}  // namespace argan::server
