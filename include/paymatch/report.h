/* Headless reports: a table of report kinds, one driver, and a table writer that renders
 * the same rows as text (80 columns), CSV (RFC 4180) or JSON (one document).
 * docs/REPORTS.md documents every kind's columns. */
#ifndef PAYMATCH_REPORT_H
#define PAYMATCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "paymatch/date.h"
#include "paymatch/error.h"
#include "paymatch/store.h"

enum report_format { REPORT_TEXT = 0, REPORT_CSV, REPORT_JSON };

/* What a report kind accepts besides --format and -o (the driver refuses the others). */
enum report_accepts {
	REPORT_ACCEPTS_CUSTOMER = 1,
	REPORT_ACCEPTS_CURRENCY = 2,
	REPORT_ACCEPTS_BASIS = 4
};

#define REPORT_MAX_BUCKETS 8

struct report_options {
	enum report_format format;
	pm_date as_of;                    /* day the report is computed at */
	const char *customer;             /* customer_id filter, or NULL */
	const char *currency;             /* ISO currency filter, or NULL */
	bool basis_invoice_date;          /* aging by invoice date instead of due date */
	bool basis_given;                 /* --basis was on the command line */
	int64_t buckets[REPORT_MAX_BUCKETS]; /* aging upper bounds in days, increasing */
	size_t nbuckets;
};

struct report_ctx;

struct report_kind {
	const char *name;
	const char *summary;              /* one line for --help and the man page */
	unsigned accepts;                 /* enum report_accepts bits */
	int (*run)(struct report_ctx *ctx);
};

/* The report kinds, in the order --help lists them. */
extern const struct report_kind REPORT_KINDS[];
extern const size_t NREPORT_KINDS;

/* Returns the kind named name, or NULL. */
const struct report_kind *report_kind_find(const char *name);

/* Returns the candidate closest to word (edit distance <= 1/3 of its length, at least 2),
 * or NULL when none is close: used for "did you mean" hints. */
const char *report_suggest(const char *word, const char *const *cands, size_t n);

/* Returns the format named name ("text", "csv", "json"), or -1. */
int report_format_from_name(const char *name);

/* Returns the format implied by path's extension (.txt, .csv, .json), or -1. */
int report_format_from_path(const char *path);

/* Fills opt with the defaults: text, today, due-date basis, buckets 30/60/90/120. */
void report_options_init(struct report_options *opt);

/* Runs kind on st (opened read-only) writing to out. Returns 0, PM_EDATA (unknown customer),
 * PM_EUSAGE (option the kind does not accept) or PM_EIO; a write failure sets
 * *write_errno (EPIPE for a closed pipe) and returns PM_EIO. */
int report_run(struct store *st, const struct report_kind *kind, const struct report_options *opt,
               FILE *out, int *write_errno, struct pm_error *err);

/* The aging bucket of a basis date (ISO) at as_of: 0 = current (not yet due, or due on
 * as_of), k = 1..n for bounds[k-1] >= days past > bounds[k-2], n+1 = over the last bound. */
size_t report_aging_bucket(const char *date, pm_date as_of, const int64_t *bounds, size_t n);

/* ---- The table writer: each report emits rows once, every format renders them. ---- */

enum tw_type {
	TW_TEXT,     /* text paymatch made (kinds, statuses, dates): sanitised in text output */
	TW_SOURCE,   /* text from bank/ERP files: sanitised, and formula-guarded in CSV */
	TW_INT,      /* int64 count */
	TW_MONEY,    /* int64 minor units with the cell's decimals; a decimal string in JSON */
	TW_NUMBER    /* a decimal number already formatted ("0.953", "87.50") */
};

struct tw_column {
	const char *name;      /* stable CSV header / JSON key */
	const char *title;     /* text header */
	enum tw_type type;
	unsigned width;        /* text width in columns (minimum for flex) */
	bool flex;             /* text: takes the spare width of its line */
	bool text_hidden;      /* CSV/JSON only (e.g. row_type: text shows it otherwise) */
};

struct tw_table {
	const char *name;      /* JSON key of the table */
	const char *title;     /* text heading above the table, or NULL */
	const struct tw_column *cols;
	size_t ncols;
	bool csv;              /* the one table a report's CSV holds */
};

/* One cell. null: empty in text/CSV, null in JSON. */
struct tw_value {
	const char *s;         /* TW_TEXT, TW_SOURCE, TW_NUMBER */
	int64_t n;             /* TW_INT, TW_MONEY */
	int decimals;          /* TW_MONEY */
	bool null;
};

#define TW_STR(str) ((struct tw_value){ .s = (str), .null = (str) == NULL })
#define TW_INTV(v) ((struct tw_value){ .n = (v) })
#define TW_MONEYV(v, dec) ((struct tw_value){ .n = (v), .decimals = (dec) })
#define TW_NULL ((struct tw_value){ .null = true })

struct tw_writer;

/* Returns a writer of format fmt onto out (not closed by tw_free), or NULL when out of memory. */
struct tw_writer *tw_new(enum report_format fmt, FILE *out);
/* Frees w. NULL is allowed. */
void tw_free(struct tw_writer *w);
/* Starts the document: report name, the title line (text), and meta key/value pairs
 * (NULL-terminated list; a NULL value is JSON null) for the JSON header. */
int tw_begin(struct tw_writer *w, const char *report, const char *title, const char *const *meta);
/* Starts table t (t must stay valid until tw_table_end). */
int tw_table_begin(struct tw_writer *w, const struct tw_table *t);
/* Writes one row of t->ncols values. */
int tw_row(struct tw_writer *w, const struct tw_value *vals);
/* Ends the current table. */
int tw_table_end(struct tw_writer *w);
/* Ends the document and flushes. */
int tw_end(struct tw_writer *w);
/* All tw_* writing calls return 0, or -1 once a write failed; this is that errno. */
int tw_errno(const struct tw_writer *w);

/* Width of the text output. */
#define TW_TEXT_WIDTH 80

#endif
