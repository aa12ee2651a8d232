/* A two-thread pipeline for reports: the thread that steps SQLite packs each row into a
 * record; a consumer thread unpacks it and does the rest (hashing into groups, formatting,
 * writing). On two cores the SQL scan and the work on its rows then overlap instead of
 * adding up. One connection, one read transaction: the snapshot stays consistent.
 * Records are copied into 256 KB batches handed over through a small bounded queue, so
 * memory stays bounded (rows are streamed, never collected). Used by src/report/ only. */
#ifndef PAYMATCH_REPORT_PIPE_H
#define PAYMATCH_REPORT_PIPE_H

#include <stddef.h>

#include "paymatch/store_report.h"
#include "paymatch/strbuf.h"

/* Called on the consumer thread for each record, in order, then once with rec NULL after
 * the last one (to finish work off the producer's thread); non-zero stops the pipe. */
typedef int (*pipe_fn)(void *ctx, const unsigned char *rec, size_t len);

/* Optional: called on the consumer thread with the record PIPE_AHEAD places ahead of the one
 * fn gets next, to prefetch what it will touch (hash slots: cache misses dominate). */
typedef void (*pipe_peek_fn)(void *ctx, const unsigned char *rec);
#define PIPE_AHEAD 8

struct report_pipe;

/* Starts the consumer thread calling fn(ctx, ...) for each record. Returns NULL when no
 * thread or memory could be had (the caller then does the work itself). */
struct report_pipe *pipe_start(pipe_fn fn, void *ctx);
/* Sets the lookahead callback (before the first pipe_put). */
void pipe_set_peek(struct report_pipe *p, pipe_peek_fn peek);
/* Queues a copy of rec (len bytes). Returns 0, or the consumer's non-zero status once it
 * stopped (the producer should stop too), or -1 when out of memory. */
int pipe_put(struct report_pipe *p, const void *rec, size_t len);
/* Returns room for a record of len bytes in the batch being filled, for the caller to
 * write at once (no copy through a buffer of its own); NULL once the consumer stopped or
 * when out of memory (pipe_status tells which). */
void *pipe_alloc(struct report_pipe *p, size_t len);
/* Returns the consumer's non-zero status once it stopped, -1 after running out of memory,
 * else 0. */
int pipe_status(struct report_pipe *p);
/* Hands over what is left and tells the consumer no more records come (it then makes its
 * end call) without waiting for it; no pipe_put after this. */
void pipe_close(struct report_pipe *p);
/* Closes p if not yet closed, hands over what is left, waits for the consumer, frees p; returns the consumer's status
 * (0 when every record was consumed), or -1 if a pipe_put ran out of memory. */
int pipe_finish(struct report_pipe *p);

/* Queues a store_row of ntext text columns (lengths from r->len, or strlen when NULL),
 * nnum integer columns and its real. Returns 0, else as pipe_status. */
int pipe_put_row(struct report_pipe *p, const struct store_row *r, int ntext, int nnum);
/* Unpacks a record made by pipe_put_row into *r using the caller's arrays (at least
 * ntext/nnum long); the strings point into rec. */
void pipe_unpack_row(const unsigned char *rec, struct store_row *r, const char **text,
                     int64_t *num, bool *is_null);

#endif
