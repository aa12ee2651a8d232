/* Importing a CSV file of invoices or payments into the working set. A file is imported
 * entirely or not at all (one transaction); bad rows are rejected one by one (or refuse the
 * file with strict); an unchanged file is skipped; a changed one updates rows by id, except
 * rows a reviewer decided on, which are reported as conflicts. docs/FORMATS.md describes
 * the files. */
#ifndef PAYMATCH_CSV_IMPORT_H
#define PAYMATCH_CSV_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paymatch/config.h"
#include "paymatch/error.h"
#include "paymatch/progress.h"
#include "paymatch/store.h"

#define IMPORT_MAX_MESSAGES 20

struct import_options {
	int kind;                      /* enum import_kind */
	const char *path;
	const char *profile;           /* import profile name, or NULL: native columns + aliases */
	bool strict;                   /* any bad row refuses the whole file */
	bool dry_run;                  /* read and check everything, then roll back */
	bool force;                    /* import even when the file was imported unchanged */
	struct pm_progress *progress;  /* may be NULL; its cancel flag interrupts the import */
};

struct import_result {
	int64_t rows_read;             /* data rows (not the header, not blank lines) */
	int64_t inserted;
	int64_t updated;
	int64_t unchanged;
	int64_t rejected;              /* bad rows, stored in rejected_rows */
	int64_t conflicted;            /* changed rows a reviewer decided on: not updated */
	int64_t skipped_rows;          /* debit rows of a bank file: not payments */
	bool skipped_unchanged_file;   /* the same file or content was imported before */
	int64_t bytes;
	int64_t duration_ms;
	char *messages[IMPORT_MAX_MESSAGES]; /* the first problems: "FILE:LINE: column C: why" */
	size_t nmessages;
	int64_t nproblems;             /* all problems: rejected + conflicted */
};

/* Clears res for a new import. */
void import_result_init(struct import_result *res);

/* Frees res's messages and clears it. */
void import_result_release(struct import_result *res);

/* Returns "invoices" or "payments". */
const char *import_kind_name(int kind);

/* Returns the kind named by s ("invoices", "invoice", "payments", "payment"), or -1. */
int import_kind_from_name(const char *s);

/* Imports opt->path into st. Returns 0 (see res, including skipped_unchanged_file), or an
 * error with the file left out entirely: PM_ENOINPUT (no file), PM_ECONFIG (unknown
 * profile), PM_EDATA (not CSV, missing columns, a bad row with strict), PM_EINTR
 * ("interrupted: FILE rolled back, the working set is unchanged"), PM_EBUSY, PM_EIO.
 * res is filled either way; release it with import_result_release. */
int csv_import_file(struct store *st, const struct pm_config *cfg,
                    const struct import_options *opt, struct import_result *res,
                    struct pm_error *err);

/* Tells from path's header whether it holds invoices or payments (aliases, then profiles
 * of cfg that name a kind). Returns 0 with *kind set, or PM_EDATA/PM_ENOINPUT naming the
 * columns found when neither or both fit. */
int csv_import_detect_kind(const char *path, const struct pm_config *cfg, int *kind,
                           struct pm_error *err);

#endif
