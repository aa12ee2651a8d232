/* A reader thread that parses rows into chunks ahead of the importer.
 *
 * NCHUNKS chunks go round a ring: the reader fills chunk i while the importer drains
 * chunk i-1; each chunk is FREE (the reader may fill it) or FULL (the importer may read
 * it), switched under one mutex. A chunk owns copies of its rows' text in an arena, so
 * the reader can move on while the importer binds the text. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/row_stream.h"
#include "paymatch/strbuf.h"
#include "paymatch/thread.h"

#define NCHUNKS 3
#define NO_TEXT ((size_t)-1)

struct entry {
	enum row_status status;
	struct import_row row;               /* text[] is set when the chunk is handed over */
	size_t text_off[PM_MAX_NATIVE_COLS];
	const char *column;                  /* ROW_BAD: static column name or NULL */
	size_t reason_off;
	size_t raw_off;
	size_t raw_len;
	long line;
};

struct chunk {
	struct entry *e;
	size_t n;
	size_t alloc;
	struct strbuf arena;
	int64_t bytes;                       /* bytes read when the chunk was full */
	int end;                             /* 0 more follows, 1 end of file, -1 error */
	struct pm_error err;
	bool full;
};

/* Hashes of the (customer_id, customer_name) pairs read so far: open addressing, at most
 * half full, 0 = empty slot. */
struct pair_set {
	uint64_t *key;
	size_t slots;
	size_t n;
};

struct row_stream {
	pthread_t tid;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct chunk chunks[NCHUNKS];
	size_t fill_at;                      /* the reader's chunk */
	size_t read_at;                      /* the importer's chunk */
	size_t pos;                          /* next entry in the importer's chunk */
	bool holding;                        /* the importer holds chunks[read_at] */
	atomic_int stop;
	struct csv_reader *reader;
	struct row_parser *rp;
	size_t chunk_rows;
	struct row_problem bad;              /* the importer's current problem */
	struct pair_set customers;           /* the reader's */
};

static size_t arena_add(struct chunk *c, const char *s, size_t n, bool *oom)
{
	size_t off = c->arena.len;

	if (strbuf_add(&c->arena, s, n) < 0 || strbuf_addch(&c->arena, '\0') < 0)
		*oom = true;
	return off;
}

/* Copies one record's outcome into the chunk. Returns 0 or -1 (out of memory). */
static int add_entry(struct chunk *c, const struct csv_record *rec, enum row_status st,
                     const struct import_row *row, const struct row_problem *bad)
{
	struct entry *e;
	bool oom = false;

	if (c->n == c->alloc && PM_GROW(c->e, c->n + 1, c->alloc) < 0)
		return -1;
	e = &c->e[c->n];
	e->status = st;
	e->line = rec->line;
	e->raw_off = arena_add(c, rec->raw, rec->raw_len, &oom);
	e->raw_len = rec->raw_len;
	if (st == ROW_OK) {
		e->row = *row;
		for (int k = 0; k < PM_MAX_NATIVE_COLS; k++)
			e->text_off[k] = row->text[k] ? arena_add(c, row->text[k], row->len[k], &oom) :
			                 NO_TEXT;
	} else if (st == ROW_BAD) {
		e->column = bad->column;
		e->reason_off = arena_add(c, bad->reason, strlen(bad->reason), &oom);
	}
	if (oom)
		return -1;
	c->n++;
	return 0;
}

/* Points the rows' text into the finished arena (it no longer moves). */
static void fix_up(struct chunk *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct entry *e = &c->e[i];

		if (e->status != ROW_OK)
			continue;
		for (int k = 0; k < PM_MAX_NATIVE_COLS; k++)
			e->row.text[k] = e->text_off[k] == NO_TEXT ? NULL : c->arena.buf + e->text_off[k];
	}
}

static int pair_set_grow(struct pair_set *m)
{
	size_t n = m->slots ? m->slots * 2 : 4096, i;
	uint64_t *key = calloc(n, sizeof *key);

	if (!key)
		return -1;
	for (size_t k = 0; k < m->slots; k++) {
		if (!m->key[k])
			continue;
		for (i = m->key[k] & (n - 1); key[i]; i = (i + 1) & (n - 1))
			;
		key[i] = m->key[k];
	}
	free(m->key);
	m->key = key;
	m->slots = n;
	return 0;
}

/* Adds h (not 0); returns true when it was not there before, and also when out of memory
 * (the store then merely records that customer once more). */
static bool pair_set_add(struct pair_set *m, uint64_t h)
{
	size_t mask, i;

	if (m->n * 2 >= m->slots && pair_set_grow(m) < 0)
		return true;
	mask = m->slots - 1;
	for (i = h & mask; m->key[i]; i = (i + 1) & mask)
		if (m->key[i] == h)
			return false;
	m->key[i] = h;
	m->n++;
	return true;
}

/* Fills c with up to chunk_rows rows; sets c->end. */
static void fill_chunk(struct row_stream *s, struct chunk *c)
{
	const struct csv_record *rec;
	struct import_row row;
	struct row_problem bad;
	enum row_status st;
	int rc;

	c->n = 0;
	c->end = 0;
	strbuf_reset(&c->arena);
	while (c->n < s->chunk_rows && !atomic_load_explicit(&s->stop, memory_order_relaxed)) {
		rc = csv_reader_next(s->reader, &rec, &c->err);
		if (rc != 1) {
			c->end = rc == 0 ? 1 : -1;
			break;
		}
		st = row_parse(s->rp, rec, &row, &bad);
		/* Finding a customer's first row here, on the reader thread, spares the store's
		 * thread a hash probe a row (a cache miss: 10% of its time at 1M invoices). */
		if (st == ROW_OK && row.customer_hash)
			row.customer_first = pair_set_add(&s->customers, row.customer_hash);
		if (add_entry(c, rec, st, &row, &bad) < 0) {
			pm_error_set(&c->err, PM_ESOFTWARE, "out of memory");
			c->end = -1;
			break;
		}
	}
	fix_up(c);
	c->bytes = csv_reader_bytes(s->reader);
}

static void *reader_main(void *arg)
{
	struct row_stream *s = arg;

	for (;;) {
		struct chunk *c = &s->chunks[s->fill_at];

		pthread_mutex_lock(&s->mu);
		while (c->full && !atomic_load(&s->stop))
			pthread_cond_wait(&s->cv, &s->mu);
		pthread_mutex_unlock(&s->mu);
		if (atomic_load(&s->stop))
			break;
		fill_chunk(s, c);
		pthread_mutex_lock(&s->mu);
		c->full = true;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		if (c->end)
			break;
		s->fill_at = (s->fill_at + 1) % NCHUNKS;
	}
	return NULL;
}

int row_stream_start(struct csv_reader *r, struct row_parser *rp, size_t chunk_rows,
                     struct row_stream **out, struct pm_error *err)
{
	struct row_stream *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s)
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	s->reader = r;
	s->rp = rp;
	s->chunk_rows = chunk_rows ? chunk_rows : 10000;
	for (int i = 0; i < NCHUNKS; i++)
		strbuf_init(&s->chunks[i].arena);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	/* signals are the importer thread's business (it owns the store) */
	if (pm_thread_start(&s->tid, reader_main, s) != 0) {
		row_stream_free(s);
		return pm_error_set(err, PM_ESOFTWARE, "cannot start the reader thread");
	}
	s->started = true;
	*out = s;
	return 0;
}

static void take_entry(struct row_stream *s, const struct entry *e, const struct chunk *c,
                       struct row_item *item)
{
	item->status = e->status;
	item->line = e->line;
	item->raw = c->arena.buf + e->raw_off;
	item->raw_len = e->raw_len;
	item->row = e->status == ROW_OK ? &e->row : NULL;
	item->bad = NULL;
	if (e->status == ROW_BAD) {
		s->bad.column = e->column;
		snprintf(s->bad.reason, sizeof s->bad.reason, "%s", c->arena.buf + e->reason_off);
		item->bad = &s->bad;
	}
}

int row_stream_next(struct row_stream *s, struct row_item *item, int64_t *bytes,
                    struct pm_error *err)
{
	for (;;) {
		struct chunk *c = &s->chunks[s->read_at];

		if (s->holding) {
			*bytes = c->bytes;
			if (s->pos < c->n) {
				take_entry(s, &c->e[s->pos++], c, item);
				return 1;
			}
			if (c->end > 0)
				return 0;
			if (c->end < 0) {
				*err = c->err;
				return err->code ? err->code : PM_ESOFTWARE;
			}
			pthread_mutex_lock(&s->mu);
			c->full = false;
			pthread_cond_broadcast(&s->cv);
			pthread_mutex_unlock(&s->mu);
			s->read_at = (s->read_at + 1) % NCHUNKS;
			s->holding = false;
			s->pos = 0;
			continue;
		}
		pthread_mutex_lock(&s->mu);
		while (!c->full)
			pthread_cond_wait(&s->cv, &s->mu);
		pthread_mutex_unlock(&s->mu);
		s->holding = true;
	}
}

void row_stream_free(struct row_stream *s)
{
	if (!s)
		return;
	if (s->started) {
		pthread_mutex_lock(&s->mu);
		atomic_store(&s->stop, 1);
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->tid, NULL);
	}
	for (int i = 0; i < NCHUNKS; i++) {
		free(s->chunks[i].e);
		strbuf_release(&s->chunks[i].arena);
	}
	free(s->customers.key);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}
