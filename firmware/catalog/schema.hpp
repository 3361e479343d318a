#pragma once
// The catalog's schema and its migrations. Version 0 is an empty file;
// migration N takes version N-1 to N inside one transaction, so a crash
// during a migration leaves the previous version intact.
#include "firmware/catalog/database.hpp"
#include "hal/result.hpp"

namespace tg::firmware::catalog {

// Brings the database to `target` (Catalog::kSchemaVersion). A database
// newer than this firmware is refused (Errc::unsupported) rather than
// written with a schema it does not know.
Status migrate(Database& db, int target);
Result<int> read_schema_version(Database& db);

}  // namespace tg::firmware::catalog
