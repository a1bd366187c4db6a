#include "server/api_routes.h"

namespace argan::server {

Router buildApiRouter() {
  Router router;
  addHealthRoutes(router);
  addStartUpRoutes(router);
  addCompoundRoutes(router);
  addSynthesisRoutes(router);
  return router;
}

}  // namespace argan::server
