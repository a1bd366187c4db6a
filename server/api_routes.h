// Builds the API route table. Each resource module adds its own routes; adding a module is
// one line in buildApiRouter (api_routes.cpp).
#pragma once

#include "server/router.h"

namespace argan::server {

Router buildApiRouter();

void addHealthRoutes(Router& router);
void addStartUpRoutes(Router& router);
void addCompoundRoutes(Router& router);
void addImportRoutes(Router& router);
void addExportRoutes(Router& router);

}  // namespace argan::server
