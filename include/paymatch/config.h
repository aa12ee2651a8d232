/* The effective configuration: built-in defaults, overridden by a YAML file. */
#ifndef PAYMATCH_CONFIG_H
#define PAYMATCH_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "paymatch/date.h"
#include "paymatch/error.h"

enum import_kind { IMPORT_INVOICES = 0, IMPORT_PAYMENTS = 1 };

/* Native columns, in the order of the native CSV files. */
enum inv_col {
	INV_INVOICE_ID, INV_CUSTOMER_ID, INV_CUSTOMER_NAME, INV_INVOICE_DATE, INV_DUE_DATE,
	INV_AMOUNT, INV_CURRENCY, INV_REFERENCE, INV_NCOLS
};
enum pay_col {
	PAY_PAYMENT_ID, PAY_PAYMENT_DATE, PAY_AMOUNT, PAY_CURRENCY, PAY_PAYER_NAME,
	PAY_CUSTOMER_ID, PAY_REFERENCE, PAY_MEMO, PAY_NCOLS
};
#define PM_MAX_NATIVE_COLS 8

/* An import profile: how one source's files map onto the native columns. */
struct import_profile {
	char *name;                 /* profile name (key under import.profiles) */
	int kind;                   /* enum import_kind, or -1 when the profile fits either */
	char delimiter;             /* ',', ';', '\t', '|', or 0 = detect from the header line */
	char decimal_sep;           /* '.' or ',' */
	char thousands_sep;         /* 0 = none/any, or ',', '.', ' ', '\'' */
	enum date_format date_format;
	char default_currency[4];   /* used when the file has no currency column; "" = required */
	char *columns[PM_MAX_NATIVE_COLS]; /* source header per native column; NULL = by alias */
	char *debit_column;         /* optional: a separate debit column; debits are skipped */
	long skip_lines;            /* lines before the header (bank preambles) */
	bool trim_spaces;           /* trim spaces around unquoted fields (default true) */
	char encoding[16];          /* "utf-8" (default) or "latin-1" */
};

/* One write-off reason code offered to reviewers. */
struct writeoff_reason {
	char *code;
	char *label;
};

struct pm_config {
	struct {
		int64_t chunk_size;          /* rows per chunk: import batches and matching work units */
		int64_t parallel_workers;    /* 0 = number of online CPUs */
		int64_t max_memory_usage_mb; /* soft cap for in-memory matching state */
		int64_t busy_timeout_ms;     /* SQLite busy timeout */
	} performance;
	struct {
		double confidence_threshold; /* below: not proposed (0.75) */
		double auto_accept;          /* at or above: auto (0.95) */
		double auto_margin;          /* best must beat the runner-up by this (0.05) */
		double fuzzy_threshold;      /* minimum payer-name similarity (0.8) */
		double name_only_cap;        /* confidence cap for name-only evidence (0.9) */
		int64_t batch_size;          /* allocations written per statement batch */
		int64_t tolerance_minor;     /* short-pay tolerance, absolute, in minor units (500) */
		double tolerance_percent;    /* short-pay tolerance, percent of the invoice (2.0) */
		int64_t date_window_days;    /* payment date may be this far after the invoice date */
		int64_t early_days;          /* ... or this far before it */
		int64_t duplicate_window_days;
		int64_t subset_max_k;        /* most invoices in one combined payment (6) */
		int64_t subset_budget;       /* search steps per payment for subset-sum */
		int64_t max_typos;           /* reference edit distance accepted (1) */
	} matching;
	struct {
		struct import_profile *profiles;
		size_t nprofiles;
	} import;
	struct {
		int64_t buckets[8];          /* upper bounds in days past due: 30, 60, 90, 120 */
		size_t nbuckets;
		bool basis_invoice_date;     /* false: days past due date (default) */
	} aging;
	struct {
		char *theme;                 /* theme name or path ("default") */
		bool mouse;
		int64_t refresh_ms;          /* progress/refresh period (100) */
		struct writeoff_reason *writeoff_reasons;
		size_t nwriteoff_reasons;
	} ui;
	char *source;                    /* file the config came from, or NULL for defaults */
};

/* Returns a new configuration holding the built-in defaults, or NULL when out of memory.
 * The caller frees it with config_free. */
struct pm_config *config_new(void);

/* Frees cfg and everything it owns. NULL is allowed. */
void config_free(struct pm_config *cfg);

/* Reads YAML file path over cfg. Returns 0, or PM_ECONFIG/PM_ENOINPUT with err naming
 * file:line:column and the key (unknown key, wrong type, out of range, duplicate key). */
int config_load_file(struct pm_config *cfg, const char *path, struct pm_error *err);

/* As config_load_file from a string; name is used in messages. */
int config_load_string(struct pm_config *cfg, const char *yaml, size_t len, const char *name,
                       struct pm_error *err);

/* Finds and loads the configuration: explicit path if not NULL, else
 * $PAYMATCH_CONFIG, else $XDG_CONFIG_HOME/paymatch/config.yaml (or ~/.config/...) if it
 * exists, else defaults. Returns 0 or an error as config_load_file. */
int config_load_default(struct pm_config *cfg, const char *explicit_path, struct pm_error *err);

/* Writes the effective configuration as YAML that config_load_string accepts. */
int config_print(const struct pm_config *cfg, FILE *out);

/* Returns the profile named name, or NULL. */
const struct import_profile *config_find_profile(const struct pm_config *cfg, const char *name);

/* Fills p with the defaults of a profile (comma, '.', auto dates, trim, utf-8). */
void import_profile_defaults(struct import_profile *p);

/* Returns the number of worker threads to use: parallel_workers, or the CPU count when 0. */
int config_workers(const struct pm_config *cfg);

/* Writes the documentation of every key (name, type, default, meaning) as Markdown. */
void config_print_reference(FILE *out);

/* Returns the native name of column col (enum inv_col or pay_col) of kind
 * ("invoice_id", "payer_name"), or NULL when out of range. */
const char *import_column_name(int kind, int col);

struct strbuf;
/* Appends the user's paymatch directory ($XDG_CONFIG_HOME/paymatch, else
 * ~/.config/paymatch; a relative XDG_CONFIG_HOME is ignored) to out. Returns 0, or -1
 * when no absolute directory is known or out of memory. */
int config_user_dir(struct strbuf *out);

#endif
