#include "server/http/endpoints.h"

namespace argan::server {

Router buildApiRouter() {
  Router router;
  addHealthEndpoints(router);
  addStartUpEndpoints(router);
  addCompoundEndpoints(router);
  addSearchEndpoints(router);
  addCompareEndpoints(router);
  addProductEndpoints(router);
  addDocumentEndpoints(router);
  addInquiryEndpoints(router);
  addOverviewEndpoints(router);
  addSessionEndpoints(router);
  addUserEndpoints(router);
  addLifecycleEndpoints(router);
  addAuditEndpoints(router);
  addSynthesisEndpoints(router);
  addImportEndpoints(router);
  addExportEndpoints(router);
  addSubstanceEndpoints(router);
  addWasteEndpoints(router);
  addNeedEndpoints(router);
  addNeedResponseEndpoints(router);
  addNeedProjectEndpoints(router);
  addNotificationEndpoints(router);
  return router;
}

}  // namespace argan::server
