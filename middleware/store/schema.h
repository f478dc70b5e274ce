// The store's schema and its migrations.
//
// schema_version holds one row: the version the database is at. migrate() applies every
// migration above it, each in its own transaction, so a crash mid-migration leaves the
// database at the previous version and the next start retries. Migrations are append-only:
// a released migration is never edited.
#pragma once

#include "middleware/result.h"
#include "middleware/store/db.h"

namespace mw::core {

inline constexpr int kSchemaVersion = 3;

// migrate brings the database to `target` (kSchemaVersion but in the migrations' own tests).
// A database newer than this code is refused.
Status migrate(Db& db, int target = kSchemaVersion);

// schema_version returns the version the database is at (0 for an empty database).
Result<int> schema_version(Db& db);

}  // namespace mw::core
