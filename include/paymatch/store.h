/* The working set: one SQLite file holding invoices, payments, allocations, exceptions,
 * decisions and the audit trail. This header is the whole storage interface the rest of
 * paymatch sees; SQL lives only in src/store/. The kind-specific parts (import, matching,
 * reports, review) have their own store_*.h headers. */
#ifndef PAYMATCH_STORE_H
#define PAYMATCH_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "paymatch/error.h"

struct store;

enum store_open_flags {
	STORE_READWRITE = 0,   /* create if missing, migrate to the current schema */
	STORE_READONLY = 1     /* must exist; never written (reports) */
};

#define STORE_SCHEMA_VERSION 3   /* 3: import merged two invoices indexes */

/* Returns the working-set path: explicit if not NULL, else $PAYMATCH_DB, else "paymatch.db". */
const char *store_default_path(const char *explicit_path);

/* Opens (and for READWRITE creates and migrates) the working set at path into *out.
 * busy_timeout_ms bounds waits on other writers. Returns 0, or PM_ENOINPUT / PM_EIO /
 * PM_EBUSY with err filled. The caller closes *out with store_close. */
int store_open(const char *path, int flags, int64_t busy_timeout_ms, struct store **out,
               struct pm_error *err);

/* Closes st, rolling back any open transaction. NULL is allowed. */
void store_close(struct store *st);

/* Returns the path st was opened with. */
const char *store_path(const struct store *st);

/* Starts a write transaction (BEGIN IMMEDIATE). Returns 0 or PM_EBUSY/PM_EIO. */
int store_begin(struct store *st, struct pm_error *err);

/* Commits the open transaction. Returns 0 or PM_EIO (the transaction is rolled back). */
int store_commit(struct store *st, struct pm_error *err);

/* Rolls back the open transaction, if any. Never fails visibly. */
void store_rollback(struct store *st);

/* Returns true while a transaction is open. */
bool store_in_transaction(const struct store *st);

/* Makes a running statement of st stop soon with an "interrupted" error. Safe to call from
 * another thread or a signal handler. */
void store_interrupt(struct store *st);

/* Returns SQLite's data_version: it changes when another connection commits. */
int64_t store_data_version(struct store *st);

/* Runs PRAGMA quick_check, or integrity_check when full (which also verifies every index
 * against its table: minutes on a large set); returns 0 when "ok", else PM_EIO with the
 * first problem. */
int store_check_integrity(struct store *st, bool full, struct pm_error *err);

/* Records the start of a run of kind ("import", "match") by user; returns its id or -1. */
int64_t store_run_start(struct store *st, const char *kind, struct pm_error *err);

/* Records the end of run id with its duration and a JSON summary (may be NULL). */
int store_run_finish(struct store *st, int64_t run_id, int64_t duration_ms, int workers,
                     const char *summary_json, struct pm_error *err);

/* Returns the name of the current user ($USER, else the login name, else "unknown"). */
const char *store_user(void);

/* Writes the current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
char *store_timestamp(char *buf, unsigned long n);

#endif
