/* The report pipeline (report_pipe.h): a producer fills batches, a consumer thread drains
 * them in order. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/thread.h"
#include "report_pipe.h"

#define BATCH_BYTES (256 * 1024)
#define NBATCH 6   /* one filling, one draining, the rest queued */

struct batch {
	unsigned char *data;
	size_t len, alloc;
};

struct report_pipe {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch b[NBATCH];
	size_t head, count;       /* full batches queued, in ring order from head */
	size_t fill;              /* the batch the producer fills: the slot after the queue */
	bool done;                /* the producer finished */
	atomic_int status;        /* consumer's first non-zero result (read without the lock) */
	bool oom;
	pipe_fn fn;
	pipe_peek_fn peek;
	void *ctx;
};

/* Records are [uint32 length][bytes], padded to 8 so that unpacked fields are aligned. */
static size_t rec_size(size_t len)
{
	return (4 + len + 7) & ~(size_t)7;
}

/* Calls fn for the records of b; after a failure they are only skipped, so that the
 * producer, which may be waiting for a free batch, gets one and sees the status. */
static size_t rec_len(const struct batch *b, size_t off)
{
	uint32_t len;

	memcpy(&len, b->data + off, 4);
	return len;
}

static void drain(struct report_pipe *p, const struct batch *b)
{
	size_t ahead = 0;

	/* The peek cursor runs PIPE_AHEAD records ahead, within the batch. */
	for (int i = 0; p->peek && i < PIPE_AHEAD && ahead < b->len; i++)
		ahead += rec_size(rec_len(b, ahead));
	for (size_t off = 0; off < b->len;) {
		uint32_t len;

		if (p->peek && ahead < b->len) {
			p->peek(p->ctx, b->data + ahead + 4);
			ahead += rec_size(rec_len(b, ahead));
		}
		memcpy(&len, b->data + off, 4);
		if (!atomic_load(&p->status)) {
			int rc = p->fn(p->ctx, b->data + off + 4, len);

			if (rc)
				atomic_store(&p->status, rc);
		}
		off += rec_size(len);
	}
}

static void *consumer(void *arg)
{
	struct report_pipe *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->count && !p->done)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->count) {
			pthread_mutex_unlock(&p->mu);
			if (!atomic_load(&p->status)) {
				int rc = p->fn(p->ctx, NULL, 0);

				if (rc)
					atomic_store(&p->status, rc);
			}
			pthread_mutex_lock(&p->mu);
			break;
		}
		struct batch *b = &p->b[p->head];
		pthread_mutex_unlock(&p->mu);
		drain(p, b);
		pthread_mutex_lock(&p->mu);
		b->len = 0;
		p->head = (p->head + 1) % NBATCH;
		p->count--;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct report_pipe *pipe_start(pipe_fn fn, void *ctx)
{
	struct report_pipe *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->fn = fn;
	p->ctx = ctx;
	for (size_t i = 0; i < NBATCH; i++)
		if (!(p->b[i].data = malloc(p->b[i].alloc = BATCH_BYTES)))
			goto fail;
	if (pthread_mutex_init(&p->mu, NULL))
		goto fail;
	if (pthread_cond_init(&p->cv, NULL)) {
		pthread_mutex_destroy(&p->mu);
		goto fail;
	}
	if (pm_thread_start(&p->thread, consumer, p)) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		goto fail;
	}
	return p;
fail:
	for (size_t i = 0; i < NBATCH; i++)
		free(p->b[i].data);
	free(p);
	return NULL;
}

void pipe_set_peek(struct report_pipe *p, pipe_peek_fn peek)
{
	p->peek = peek;
}

/* Queues the filled batch and takes the next free slot, waiting while all are queued. */
static void hand_over(struct report_pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->count++;
	pthread_cond_broadcast(&p->cv);
	while (p->count >= NBATCH)
		pthread_cond_wait(&p->cv, &p->mu);
	p->fill = (p->head + p->count) % NBATCH;
	pthread_mutex_unlock(&p->mu);
}

void *pipe_alloc(struct report_pipe *p, size_t len)
{
	struct batch *b = &p->b[p->fill];
	size_t need = rec_size(len);
	uint32_t len32 = (uint32_t)len;
	void *rec;

	if (atomic_load_explicit(&p->status, memory_order_relaxed) || p->oom)
		return NULL;
	if (len > UINT32_MAX - 16)
		return p->oom = true, NULL;
	if (b->len && b->len + need > b->alloc) {
		hand_over(p);
		b = &p->b[p->fill];
	}
	if (need > b->alloc) {   /* one huge row: a bigger batch */
		unsigned char *d = realloc(b->data, need);

		if (!d)
			return p->oom = true, NULL;
		b->data = d;
		b->alloc = need;
	}
	memcpy(b->data + b->len, &len32, 4);
	rec = b->data + b->len + 4;
	b->len += need;
	return rec;
}

int pipe_status(struct report_pipe *p)
{
	int status = atomic_load_explicit(&p->status, memory_order_relaxed);

	return status ? status : p->oom ? -1 : 0;
}

int pipe_put(struct report_pipe *p, const void *rec, size_t len)
{
	void *dst = pipe_alloc(p, len);

	if (!dst)
		return pipe_status(p);
	memcpy(dst, rec, len);
	return 0;
}

void pipe_close(struct report_pipe *p)
{
	pthread_mutex_lock(&p->mu);
	if (!p->done && p->b[p->fill].len)
		p->count++;
	p->done = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int pipe_finish(struct report_pipe *p)
{
	int status;

	pipe_close(p);
	pthread_join(p->thread, NULL);
	status = p->oom ? -1 : atomic_load(&p->status);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	for (size_t i = 0; i < NBATCH; i++)
		free(p->b[i].data);
	free(p);
	return status;
}

/* Row records: ntext, nnum, the real, nnum int64s, nnum null flags, then each text as a
 * uint32 length (UINT32_MAX for NULL) and its bytes with a NUL. */
int pipe_put_row(struct report_pipe *p, const struct store_row *r, int ntext, int nnum)
{
	size_t len[16], total = 2 + sizeof r->real + (size_t)nnum * (sizeof r->num[0] + 1);
	unsigned char *d;

	if (ntext > 16)
		return p->oom = true, -1;
	for (int i = 0; i < ntext; i++) {
		len[i] = !r->text[i] ? 0 : r->len ? r->len[i] : strlen(r->text[i]);
		total += 4 + (r->text[i] ? len[i] + 1 : 0);
	}
	if (!(d = pipe_alloc(p, total)))
		return pipe_status(p);
	*d++ = (unsigned char)ntext;
	*d++ = (unsigned char)nnum;
	memcpy(d, &r->real, sizeof r->real);
	d += sizeof r->real;
	memcpy(d, r->num, (size_t)nnum * sizeof r->num[0]);
	d += (size_t)nnum * sizeof r->num[0];
	for (int i = 0; i < nnum; i++)
		*d++ = r->is_null[i];
	for (int i = 0; i < ntext; i++) {
		uint32_t n = r->text[i] ? (uint32_t)len[i] : UINT32_MAX;

		memcpy(d, &n, 4);
		d += 4;
		if (r->text[i]) {
			memcpy(d, r->text[i], len[i] + 1);
			d += len[i] + 1;
		}
	}
	return 0;
}

void pipe_unpack_row(const unsigned char *rec, struct store_row *r, const char **text,
                     int64_t *num, bool *is_null)
{
	int ntext = rec[0], nnum = rec[1];
	const unsigned char *p = rec + 2;

	memcpy(&r->real, p, sizeof r->real);
	p += sizeof r->real;
	memcpy(num, p, (size_t)nnum * sizeof num[0]);
	p += (size_t)nnum * sizeof num[0];
	for (int i = 0; i < nnum; i++)
		is_null[i] = *p++ != 0;
	for (int i = 0; i < ntext; i++) {
		uint32_t len;

		memcpy(&len, p, 4);
		p += 4;
		text[i] = len == UINT32_MAX ? NULL : (const char *)p;
		if (len != UINT32_MAX)
			p += len + 1;
	}
	r->text = text;
	r->num = num;
	r->is_null = is_null;
	r->len = NULL;
}
