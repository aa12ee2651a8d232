/* Shared by the src/store/ modules only: the connection behind a struct store. */
#ifndef PAYMATCH_STORE_INTERNAL_H
#define PAYMATCH_STORE_INTERNAL_H

#include <sqlite3.h>

#include "paymatch/store.h"

struct store {
	sqlite3 *db;
	char *path;
	bool readonly;
	int tx_depth;
};

/* Fills err from the connection's last error with context; returns code. */
int store_sql_error(struct store *st, struct pm_error *err, int code, const char *context);

/* Prepares sql on st into *out; returns 0 or PM_EIO with err filled. */
int store_prepare(struct store *st, const char *sql, sqlite3_stmt **out, struct pm_error *err);

/* Executes SQL text without parameters (schema, pragmas); returns 0 or PM_EIO. */
int store_exec(struct store *st, const char *sql, struct pm_error *err);

/* Maps an SQLite result code to a pm_status (BUSY -> PM_EBUSY, INTERRUPT -> PM_EINTR, ...). */
int store_status_from_sqlite(int rc);

/* Binds a text of len bytes (copied) or NULL when s is NULL. */
int store_bind_text(sqlite3_stmt *stmt, int idx, const char *s, int len);

/* Drops the secondary indexes of table ("invoices" or "payments"), for a bulk load. */
int store_drop_secondary_indexes(struct store *st, const char *table, struct pm_error *err);

/* (Re)creates the secondary indexes of table after a bulk load. */
int store_create_secondary_indexes(struct store *st, const char *table, struct pm_error *err);

/* Applies the schema migrations from user_version up to STORE_SCHEMA_VERSION. */
int store_migrate(struct store *st, struct pm_error *err);

#endif
