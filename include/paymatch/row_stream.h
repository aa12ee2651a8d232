/* Reading and parsing rows ahead of the importer on a second thread. The reader thread
 * fills chunks of parsed rows (performance.chunk_size each) while the importer's thread
 * writes the previous chunk to SQLite; two cores, one SQLite connection on one thread. */
#ifndef PAYMATCH_ROW_STREAM_H
#define PAYMATCH_ROW_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "paymatch/csv_reader.h"
#include "paymatch/error.h"
#include "paymatch/row_parse.h"

/* One row as the importer sees it; valid until the next row_stream_next. */
struct row_item {
	enum row_status status;
	long line;
	const struct import_row *row;       /* ROW_OK */
	const struct row_problem *bad;      /* ROW_BAD */
	const char *raw;                    /* the row's text as read */
	size_t raw_len;
};

struct row_stream;

/* Starts a thread that reads r's remaining records through rp in chunks of chunk_rows.
 * r and rp belong to that thread until row_stream_free. Returns 0 or PM_ESOFTWARE. */
int row_stream_start(struct csv_reader *r, struct row_parser *rp, size_t chunk_rows,
                     struct row_stream **out, struct pm_error *err);

/* Gets the next row into *item: returns 1, 0 at the end of the file, or the reading
 * error's code with err filled. *bytes gets the bytes read up to the row's chunk. */
int row_stream_next(struct row_stream *s, struct row_item *item, int64_t *bytes,
                    struct pm_error *err);

/* Stops the thread (at its next row if it is still reading), joins it and frees s.
 * NULL is allowed. */
void row_stream_free(struct row_stream *s);

#endif
