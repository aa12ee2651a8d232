/* Mapping a CSV header onto the native columns: a profile's explicit columns first, then
 * the header aliases real exports use ("Invoice No", "Value Date", "Credit Amount"),
 * compared without case, spaces or punctuation. The aliases are a table (data);
 * docs/FORMATS.md lists the same table and a unit test keeps the two in step. */
#ifndef PAYMATCH_HEADER_ALIAS_H
#define PAYMATCH_HEADER_ALIAS_H

#include <stdbool.h>
#include <stddef.h>

#include "paymatch/config.h"
#include "paymatch/csv_reader.h"
#include "paymatch/error.h"

/* A pseudo-column: a bank file's separate debit column (payments only). */
#define HEADER_DEBIT PM_MAX_NATIVE_COLS

/* One recognised header name. Earlier entries of the same column are preferred when a
 * header holds several of them ("Value Date" over "Booking Date"). */
struct header_alias {
	int kind;            /* enum import_kind */
	int column;          /* enum inv_col / enum pay_col, or HEADER_DEBIT */
	const char *name;    /* as written in exports (and in docs/FORMATS.md) */
};

/* How one file's header maps onto the native columns. */
struct header_map {
	int kind;
	int source[PM_MAX_NATIVE_COLS]; /* header field index per native column, -1 = absent */
	int debit;                      /* header field index of the debit column, -1 = none */
	size_t nsource;                 /* fields in the header */
	char **names;                   /* the header's names, made safe to print */
};

/* Returns the native name of column of kind ("invoice_id"), or NULL when out of range. */
const char *header_column_name(int kind, int column);

/* Returns the number of native columns of kind. */
int header_ncolumns(int kind);

/* Returns true when column must be present for kind; currency is required only when the
 * profile (may be NULL) has no default currency. */
bool header_column_required(int kind, int column, const struct import_profile *prof);

/* Returns the number of entries in the alias table. */
size_t header_alias_count(void);

/* Returns entry i of the alias table (i < header_alias_count()). */
const struct header_alias *header_alias_at(size_t i);

/* Writes the comparison key of a header name into key (keylen bytes incl. NUL): ASCII
 * letters lower-cased, digits and non-ASCII bytes kept, '#' read as "no", everything else
 * dropped ("Inv. #" -> "invno"). Returns key. */
char *header_key(const char *name, size_t len, char *key, size_t keylen);

/* Returns the native column (or HEADER_DEBIT) that name stands for in files of kind, or -1;
 * *rank (may be NULL) gets its preference (lower is better). */
int header_alias_lookup(int kind, const char *name, size_t len, int *rank);

/* Maps header onto the native columns of kind using prof (may be NULL). Returns 0, or
 * PM_EDATA/PM_ECONFIG with a message naming what is missing and which columns were found.
 * Release m with header_map_release. */
int header_map_build(struct header_map *m, int kind, const struct import_profile *prof,
                     const struct csv_record *header, const char *file, struct pm_error *err);

/* Frees what header_map_build allocated. */
void header_map_release(struct header_map *m);

#endif
