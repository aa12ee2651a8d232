/* The storage side of importing one CSV file: every statement the importer needs, behind
 * calls that take typed rows. One file = one BEGIN IMMEDIATE transaction, from
 * store_import_begin_file to store_import_finish (commit) or store_import_abort. */
#ifndef PAYMATCH_STORE_IMPORT_H
#define PAYMATCH_STORE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paymatch/config.h"
#include "paymatch/error.h"
#include "paymatch/store.h"
#include "paymatch/strbuf.h"

/* One parsed row. Text fields are indexed by the native column (enum inv_col / pay_col)
 * and point into the reader's buffers; dates and amounts are typed. */
struct import_row {
	long line;
	int64_t row_hash;              /* hash of the normalised fields, never 0 */
	int64_t amount;                /* minor units */
	char currency[4];
	char date[11];                 /* invoice_date / payment_date, ISO */
	char due_date[11];             /* invoices only, ISO */
	const char *text[PM_MAX_NATIVE_COLS];
	size_t len[PM_MAX_NATIVE_COLS];
	uint64_t customer_hash;        /* invoices: hash of (customer_id, customer_name), 0 when
	                                * either is missing and for payments */
	bool customer_first;           /* the file's first row with that pair (row_stream) */
};

/* The file being imported. */
struct store_import_file {
	int kind;                      /* enum import_kind */
	const char *path;              /* as given on the command line */
	const char *name;              /* base name */
	int64_t size;
	int64_t mtime;
	const char *profile;           /* may be NULL */
	bool force;                    /* keep it even when its content was imported before */
};

/* What happened to one row. */
enum store_row_outcome {
	STORE_ROW_INSERTED,
	STORE_ROW_UPDATED,
	STORE_ROW_UNCHANGED,
	STORE_ROW_CONFLICT,            /* changed, but a reviewer decided on it: not updated */
	STORE_ROW_DUPLICATE            /* its id came earlier in the same file */
};

struct store_import_counts {
	int64_t read, inserted, updated, unchanged, rejected, conflicted;
};

struct store_import;

/* Returns 1 when an import of kind with this base name, size, mtime and profile (may be
 * NULL) still stands for the file (it is unchanged), 0 when not, or -1 with err filled. */
int store_import_seen(struct store *st, int kind, const char *name, int64_t size,
                      int64_t mtime, const char *profile, struct pm_error *err);

/* Starts importing f: BEGIN IMMEDIATE, records the file and prepares the statements. When
 * the load turns out to be a bulk load (a large file bringing mostly new rows) the table's
 * secondary indexes are dropped and rebuilt at finish. Returns 0 or PM_EBUSY/PM_EIO; the
 * caller ends *out with store_import_finish or store_import_abort. */
int store_import_begin_file(struct store *st, const struct store_import_file *f,
                            struct store_import **out, struct pm_error *err);

/* Inserts row, or when its id exists compares and updates it. On STORE_ROW_DUPLICATE
 * detail gets "first on line N"; on STORE_ROW_CONFLICT it names the changes
 * ("amount 100.00 -> 120.00"). Returns 0, or PM_EIO/PM_EINTR. */
int store_import_row(struct store_import *si, const struct import_row *row,
                     enum store_row_outcome *outcome, struct strbuf *detail,
                     struct pm_error *err);

/* Records an open import_conflict exception about the row store_import_row just reported
 * as STORE_ROW_CONFLICT, with the new amount and detail. */
int store_import_conflict(struct store_import *si, const struct import_row *row,
                          const char *detail, struct pm_error *err);

/* Stores a rejected row with its raw text (NUL bytes are stored as "\0"). */
int store_import_reject(struct store_import *si, long line, const char *column,
                        const char *reason, const char *raw, size_t raw_len,
                        struct pm_error *err);

/* Ends the import: when another import of the same kind and profile had the same content
 * (sha256, unless f->force) or commit is false (dry run), rolls back (*duplicate says
 * which); else
 * records the counts, rebuilds dropped indexes and commits. Frees si. Returns 0 or an
 * error (rolled back). */
int store_import_finish(struct store_import *si, const char *sha256_hex,
                        const struct store_import_counts *counts, int64_t duration_ms,
                        bool commit, bool *duplicate, struct pm_error *err);

/* Rolls back and frees si. NULL is allowed. */
void store_import_abort(struct store_import *si);

#endif
