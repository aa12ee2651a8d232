/* Streaming CSV records from a file with libcsv: exact line numbers, encoding checks,
 * size caps and a SHA-256 of every byte read, in one pass and bounded memory. */
#ifndef PAYMATCH_CSV_READER_H
#define PAYMATCH_CSV_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "paymatch/error.h"

#define CSV_READER_MAX_FIELD  (1u << 20)   /* bytes in one field */
#define CSV_READER_MAX_FIELDS 1024         /* fields in one record */

struct csv_reader_options {
	char delimiter;        /* ',', ';', '\t', '|', or 0 = detect from the header line */
	long skip_lines;       /* physical lines to skip before the header */
	bool trim_spaces;      /* trim spaces and tabs around unquoted fields */
	bool latin1;           /* the file is Latin-1: fields are transcoded to UTF-8 */
	size_t max_field;      /* 0 = CSV_READER_MAX_FIELD */
	size_t max_fields;     /* 0 = CSV_READER_MAX_FIELDS */
};

/* One record. Its memory belongs to the reader and is valid until the next call. */
struct csv_record {
	size_t nfields;
	const char *const *field;   /* NUL-terminated copies; a field may hold NUL bytes (see len) */
	const size_t *len;
	long line;                  /* physical line (1-based) where the record starts */
	const char *raw;            /* the record's bytes as read, without the final line end */
	size_t raw_len;
};

struct csv_reader;

/* Fills opt with the defaults: detect the delimiter, trim spaces, UTF-8, default caps. */
void csv_reader_options_init(struct csv_reader_options *opt);

/* Opens path for reading records. Refuses files that are UTF-16/UTF-32 or binary with a
 * message naming the encoding. Returns 0, or PM_ENOINPUT/PM_EIO/PM_EDATA with err filled.
 * The caller frees *out with csv_reader_free. */
int csv_reader_open(const char *path, const struct csv_reader_options *opt,
                    struct csv_reader **out, struct pm_error *err);

/* As csv_reader_open on an open stream (which the reader closes); name is used in
 * messages. */
int csv_reader_open_stream(FILE *fp, const char *name, const struct csv_reader_options *opt,
                           struct csv_reader **out, struct pm_error *err);

/* Reads the next record into *rec: returns 1, 0 at the end of the file, or an error code
 * with err filled ("FILE:LINE: ..."): runaway quoted field, too many fields, I/O error. */
int csv_reader_next(struct csv_reader *r, const struct csv_record **rec, struct pm_error *err);

/* Returns the delimiter in use (detected once the header line was read). */
char csv_reader_delimiter(const struct csv_reader *r);

/* Returns the encoding seen at the start of the file ("UTF-8", "UTF-8 with BOM", ...). */
const char *csv_reader_encoding(const struct csv_reader *r);

/* Returns the number of bytes parsed so far (the file's size once it was read to the end). */
int64_t csv_reader_bytes(const struct csv_reader *r);

/* Writes the lowercase hex SHA-256 of the whole file into hex (65 bytes); valid once
 * csv_reader_next returned 0. */
void csv_reader_sha256(struct csv_reader *r, char hex[65]);

/* Closes the file and frees r. NULL is allowed. */
void csv_reader_free(struct csv_reader *r);

#endif
