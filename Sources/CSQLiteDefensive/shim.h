// sqlite3_db_config is variadic, and Swift cannot call variadic C functions: this wrapper
// turns on SQLITE_DBCONFIG_DEFENSIVE (no writable_schema, no direct writes to shadow tables
// or sqlite_dbpage, no journal_mode=OFF) for one connection. Returns SQLITE_OK or an error.
#include <sqlite3.h>

static inline int cabildo_sqlite3_enable_defensive(sqlite3 *db) {
    int enabled = 0;
    int result = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &enabled);
    return result == SQLITE_OK && enabled != 1 ? SQLITE_ERROR : result;
}
