/* Turning one CSV record into a typed invoice or payment row, or naming why it is bad. */
#ifndef PAYMATCH_ROW_PARSE_H
#define PAYMATCH_ROW_PARSE_H

#include <stdbool.h>

#include "paymatch/config.h"
#include "paymatch/csv_reader.h"
#include "paymatch/header_alias.h"
#include "paymatch/money.h"
#include "paymatch/store_import.h"

/* What is known about the day/month order of one date column's slash dates. */
struct date_order {
	enum date_format order;   /* DATE_DMY_SLASH, DATE_MDY_SLASH, or DATE_AUTO = not known */
	long line;                /* line of the value that decided it */
	bool settled;             /* learning may stop: decided, or the column is not slashed */
};

struct row_parser {
	int kind;
	const struct header_map *map;
	const struct import_profile *prof;
	struct money_format money;
	struct date_order dates[2];   /* [0] invoice_date / payment_date, [1] due_date */
};

enum row_status { ROW_OK, ROW_BAD, ROW_SKIP };

/* Why a row is bad. */
struct row_problem {
	const char *column;           /* native column name, or NULL for the whole row */
	char reason[256];
};

/* Prepares rp for rows of kind mapped by map, read with prof (never NULL). */
void row_parser_init(struct row_parser *rp, int kind, const struct header_map *map,
                     const struct import_profile *prof);

/* Learns the day/month order of slash dates from rec (auto date format only). */
void row_parser_learn(struct row_parser *rp, const struct csv_record *rec);

/* Returns true while learning from more rows could still decide a date order. */
bool row_parser_learning(const struct row_parser *rp);

/* Parses rec into *out (text pointing into rec). Returns ROW_OK, ROW_SKIP (a debit row of
 * a bank file: not a payment) or ROW_BAD with *bad filled. */
enum row_status row_parse(struct row_parser *rp, const struct csv_record *rec,
                          struct import_row *out, struct row_problem *bad);

/* Returns the 63-bit hash (never 0) of row's normalised values, for change detection. */
int64_t row_hash(int kind, const struct import_row *row);

#endif
