#include "server/api_routes.h"

namespace argan::server {

Router buildApiRouter() {
  Router router;
  addHealthRoutes(router);
  addStartUpRoutes(router);
  addCompoundRoutes(router);
  addSessionRoutes(router);
  addUserRoutes(router);
  addLifecycleRoutes(router);
  addAuditRoutes(router);
  return router;
}

}  // namespace argan::server
