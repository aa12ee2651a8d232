/* Streaming CSV records with libcsv.
 *
 * libcsv reports neither line numbers nor record offsets, so the file is fed one physical
 * line at a time (a "piece": up to and including '\n', a bare '\r', or the end of the read
 * buffer); the callbacks fire inside that call, so the current line is exact. Between
 * pieces the size of libcsv's field buffer is checked: a quote that is never closed would
 * otherwise swallow the rest of the file into one field (notes B1, measured). */
#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paymatch/csv_reader.h"
#include "paymatch/sha256.h"
#include "paymatch/strbuf.h"
#include "paymatch/utf8.h"

#define READ_BUF_SIZE (256u * 1024u)
#define CSV_BLOCK     4096u

/* A record being built or waiting in the queue. */
struct rec {
	struct strbuf data;     /* field bytes, each followed by a NUL */
	size_t *off;
	size_t *len;
	const char **field;
	size_t nfields;
	size_t alloc;
	struct strbuf raw;
	struct csv_record pub;
};

enum cb_failure { CB_OK, CB_NOMEM, CB_TOO_MANY_FIELDS };

struct csv_reader {
	FILE *fp;
	char *name;
	struct csv_reader_options opt;
	struct csv_parser parser;
	struct sha256_ctx sha;
	char sha_hex[65];
	int64_t bytes;
	unsigned char *buf;
	size_t buf_len;
	size_t buf_pos;
	const unsigned char *cr_next;   /* next '\r' at or after the position (buf end: none) */
	bool eof;
	bool finished;
	bool started;                   /* encoding checked, BOM skipped */
	bool delim_known;
	bool prev_cr;                   /* the last piece ended with '\r' */
	long line;                      /* line of the piece being fed */
	long skip_remaining;
	const char *encoding;
	/* the record being built */
	struct rec cur;
	bool rec_open;
	long rec_line;
	long field_line;                /* line where the current field started */
	struct strbuf raw;              /* bytes of the open record */
	enum cb_failure failure;
	/* completed records, oldest first */
	struct rec *queue;
	size_t qalloc;
	size_t qhead;
	size_t qlen;
};

void csv_reader_options_init(struct csv_reader_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->trim_spaces = true;
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void rec_init(struct rec *r)
{
	memset(r, 0, sizeof *r);
	strbuf_init(&r->data);
	strbuf_init(&r->raw);
}

static void rec_release(struct rec *r)
{
	strbuf_release(&r->data);
	strbuf_release(&r->raw);
	free(r->off);
	free(r->len);
	free(r->field);
	rec_init(r);
}

static void rec_reset(struct rec *r)
{
	strbuf_reset(&r->data);
	strbuf_reset(&r->raw);
	r->nfields = 0;
}

/* Makes room for one more field in r; returns 0 or -1. */
static int rec_reserve(struct rec *r)
{
	size_t na;

	if (r->nfields < r->alloc)
		return 0;
	na = r->alloc ? r->alloc * 2 : 16;
	size_t *off = realloc(r->off, na * sizeof *off);
	if (!off)
		return -1;
	r->off = off;
	size_t *len = realloc(r->len, na * sizeof *len);
	if (!len)
		return -1;
	r->len = len;
	const char **field = realloc(r->field, na * sizeof *field);
	if (!field)
		return -1;
	r->field = field;
	r->alloc = na;
	return 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct csv_reader *r = data;
	struct rec *c = &r->cur;
	size_t start;

	if (r->failure)
		return;
	if (!r->rec_open) {
		/* A bare '\r' inside a line ended the previous record mid-piece. */
		r->rec_open = true;
		r->rec_line = r->line;
	}
	r->field_line = r->line;
	if (c->nfields >= r->opt.max_fields) {
		r->failure = CB_TOO_MANY_FIELDS;
		return;
	}
	if (rec_reserve(c) < 0 || strbuf_grow(&c->data, 2 * len + 1) < 0) {
		r->failure = CB_NOMEM;
		return;
	}
	start = c->data.len;
	if (r->opt.latin1) {
		c->data.len += utf8_from_latin1(s, len, c->data.buf + start, 2 * len + 1);
	} else {
		if (len)
			memcpy(c->data.buf + start, s, len);
		c->data.len += len;
	}
	c->data.buf[c->data.len++] = '\0';
	c->data.buf[c->data.len] = '\0';
	c->off[c->nfields] = start;
	c->len[c->nfields] = c->data.len - 1 - start;
	c->nfields++;
}

static bool rec_blank(const struct rec *c)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (c->len[i] > 0)
			return false;
	return true;
}

/* Moves the finished record into the queue (swapping buffers, no copies). */
static void queue_push(struct csv_reader *r)
{
	struct rec tmp, *q;

	if (r->qlen == r->qalloc) {
		size_t na = r->qalloc ? r->qalloc * 2 : 4;
		struct rec *nq = realloc(r->queue, na * sizeof *nq);

		if (!nq) {
			r->failure = CB_NOMEM;
			return;
		}
		for (size_t i = r->qalloc; i < na; i++)
			rec_init(&nq[i]);
		r->queue = nq;
		r->qalloc = na;
	}
	q = &r->queue[r->qlen++];
	tmp = *q;
	*q = r->cur;
	r->cur = tmp;
	rec_reset(&r->cur);
	/* The record takes the raw bytes; the reader keeps the record's old buffer. */
	struct strbuf sb = q->raw;
	q->raw = r->raw;
	r->raw = sb;
	strbuf_reset(&r->raw);
	while (q->raw.len && (q->raw.buf[q->raw.len - 1] == '\n' || q->raw.buf[q->raw.len - 1] == '\r'))
		q->raw.buf[--q->raw.len] = '\0';
	for (size_t i = 0; i < q->nfields; i++)
		q->field[i] = q->data.buf + q->off[i];
	q->pub.nfields = q->nfields;
	q->pub.field = q->field;
	q->pub.len = q->len;
	q->pub.line = r->rec_line;
	q->pub.raw = q->raw.buf;
	q->pub.raw_len = q->raw.len;
}

static void on_row(int c, void *data)
{
	struct csv_reader *r = data;

	(void)c;
	if (r->failure)
		return;
	if (r->cur.nfields == 0 || rec_blank(&r->cur)) {
		/* Rows of empty fields (",,,") are spreadsheet padding, like blank lines. */
		rec_reset(&r->cur);
		strbuf_reset(&r->raw);
	} else {
		queue_push(r);
	}
	r->rec_open = false;
}

static const char *magic_name(const unsigned char *b, size_t n)
{
	if (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0)
		return "a ZIP archive (an .xlsx or .ods spreadsheet?)";
	if (n >= 4 && memcmp(b, "\xd0\xcf\x11\xe0", 4) == 0)
		return "an old Excel (.xls) workbook";
	if (n >= 5 && memcmp(b, "%PDF-", 5) == 0)
		return "a PDF document";
	return NULL;
}

/* More than a few NULs, and more than 2% of the bytes: binary data, not damaged text. */
static bool nul_heavy(const unsigned char *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] == 0;
	return k > 4 && k * 50 > n;
}

/* Checks the encoding at the very start and skips a UTF-8 BOM. */
static int check_start(struct csv_reader *r, struct pm_error *err)
{
	const char *what = magic_name(r->buf, r->buf_len);
	size_t head = r->buf_len < 4096 ? r->buf_len : 4096;

	r->started = true;
	if (what)
		return pm_error_set(err, PM_EDATA, "%s: not a CSV file: it looks like %s; export "
		                    "it as CSV first", r->name, what);
	r->encoding = utf8_sniff_encoding(r->buf, head);
	if (strncmp(r->encoding, "UTF-16", 6) == 0 || strncmp(r->encoding, "UTF-32", 6) == 0)
		return pm_error_set(err, PM_EDATA, "%s: the file is encoded as %s; paymatch reads "
		                    "UTF-8 (or Latin-1 with an import profile): convert it first, "
		                    "e.g. iconv -f %s -t UTF-8 '%s' > converted.csv", r->name,
		                    r->encoding, r->encoding, r->name);
	/* A stray NUL in a text file only spoils its row; many of them mean binary data. */
	if (strcmp(r->encoding, "binary") == 0 && nul_heavy(r->buf, head))
		return pm_error_set(err, PM_EDATA, "%s: not a CSV file: it holds binary data (NUL "
		                    "bytes near the start)", r->name);
	if (r->buf_len >= 3 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0)
		r->buf_pos = 3;
	return 0;
}

static int fill(struct csv_reader *r, struct pm_error *err)
{
	size_t n = fread(r->buf, 1, READ_BUF_SIZE, r->fp);

	if (n < READ_BUF_SIZE) {
		if (ferror(r->fp))
			return pm_error_set(err, PM_EIO, "%s: read error", r->name);
		r->eof = true;
	}
	sha256_update(&r->sha, r->buf, n);
	r->bytes += (int64_t)n;
	r->buf_len = n;
	r->buf_pos = 0;
	r->cr_next = NULL;
	if (!r->started)
		return check_start(r, err);
	return 0;
}

/* Counts candidate delimiters outside quotes in the header line; the most frequent wins,
 * ties going to the earlier candidate (comma first). */
static char detect_delimiter(const unsigned char *p, size_t n)
{
	static const char CANDIDATES[] = { ',', ';', '\t', '|' };
	size_t count[4] = { 0 };
	bool quoted = false;
	char best = ',';
	size_t best_n = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (!quoted)
			for (int k = 0; k < 4; k++)
				count[k] += p[i] == (unsigned char)CANDIDATES[k];
	}
	for (int k = 0; k < 4; k++) {
		if (count[k] > best_n) {
			best_n = count[k];
			best = CANDIDATES[k];
		}
	}
	return best;
}

/* Returns the length of the next piece at p and whether it ends a line ('\n', '\r' or 0). */
static size_t next_piece(struct csv_reader *r, const unsigned char *p, const unsigned char *end,
                         int *term)
{
	const unsigned char *lf = memchr(p, '\n', (size_t)(end - p));
	const unsigned char *cr;

	if (!r->cr_next || r->cr_next < p) {
		r->cr_next = memchr(p, '\r', (size_t)(end - p));
		if (!r->cr_next)
			r->cr_next = end;
	}
	cr = r->cr_next;
	if (lf && cr >= lf) {
		*term = '\n';
		return (size_t)(lf - p) + 1;
	}
	if (cr < end) {
		if (cr + 1 < end && cr[1] == '\n') {
			*term = '\n';
			return (size_t)(cr - p) + 2;
		}
		*term = '\r';
		return (size_t)(cr - p) + 1;
	}
	*term = 0;
	return (size_t)(end - p);
}

static bool only_line_ends(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\n' && p[i] != '\r')
			return false;
	return true;
}

static int callback_failure(struct csv_reader *r, struct pm_error *err)
{
	if (r->failure == CB_TOO_MANY_FIELDS)
		return pm_error_at(err, PM_EDATA, r->name, r->rec_line, NULL,
		                   "more than %zu fields in one record; is this a CSV file with "
		                   "the right delimiter?", r->opt.max_fields);
	return pm_error_set(err, PM_ESOFTWARE, "%s: out of memory", r->name);
}

/* Feeds one piece to libcsv, keeping line numbers and the open record's raw bytes. */
static int feed_piece(struct csv_reader *r, const unsigned char *p, size_t n, int term,
                      struct pm_error *err)
{
	bool blank = only_line_ends(p, n);

	if (!r->delim_known && !blank) {
		if (!r->opt.delimiter)
			r->opt.delimiter = detect_delimiter(p, n);
		csv_set_delim(&r->parser, (unsigned char)r->opt.delimiter);
		r->delim_known = true;
	}
	if (!r->rec_open && !blank) {
		r->rec_open = true;
		r->rec_line = r->line;
		r->field_line = r->line;
		strbuf_reset(&r->raw);
	}
	if (r->rec_open && strbuf_add(&r->raw, p, n) < 0)
		return pm_error_set(err, PM_ESOFTWARE, "%s: out of memory", r->name);
	if (csv_parse(&r->parser, p, n, on_field, on_row, r) != n)
		return pm_error_at(err, PM_EDATA, r->name, r->line, NULL, "%s",
		                   csv_strerror(csv_error(&r->parser)));
	if (r->failure)
		return callback_failure(r, err);
	if (csv_get_buffer_size(&r->parser) > r->opt.max_field ||
	    r->raw.len > 4 * r->opt.max_field)
		return pm_error_at(err, PM_EDATA, r->name, r->line, NULL,
		                   "the field that starts on line %ld is longer than %zu bytes: "
		                   "a quote opened there is probably never closed", r->field_line,
		                   r->opt.max_field);
	if (term == '\r' || (term == '\n' && !(n == 1 && r->prev_cr)))
		r->line++;
	r->prev_cr = term == '\r';
	return 0;
}

/* Skips one piece of the preamble before the header (profile skip_lines). */
static void skip_piece(struct csv_reader *r, size_t n, int term)
{
	if (term == '\r' || (term == '\n' && !(n == 1 && r->prev_cr))) {
		r->line++;
		r->skip_remaining--;
	}
	r->prev_cr = term == '\r';
}

/* At the end of the file: flushes a last record without a line end, and refuses a quoted
 * field still open (CSV_STRICT_FINI only acts in strict mode, so it is set just here). */
static int finish(struct csv_reader *r, struct pm_error *err)
{
	r->finished = true;
	csv_set_opts(&r->parser, (unsigned char)(csv_get_opts(&r->parser) | CSV_STRICT |
	                                          CSV_STRICT_FINI));
	if (csv_fini(&r->parser, on_field, on_row, r) != 0)
		return pm_error_at(err, PM_EDATA, r->name, r->field_line, NULL,
		                   "unterminated quoted field: the quote opened on line %ld is "
		                   "never closed", r->field_line);
	if (r->failure)
		return callback_failure(r, err);
	sha256_final_hex(&r->sha, r->sha_hex);
	return 0;
}

/* Feeds pieces until a record is queued or the file ends. */
static int feed(struct csv_reader *r, struct pm_error *err)
{
	while (r->qlen == 0 && !r->finished) {
		const unsigned char *p, *end;
		size_t n;
		int term;

		if (r->buf_pos == r->buf_len) {
			if (r->eof)
				return finish(r, err);
			if (fill(r, err))
				return err->code;
			continue;
		}
		p = r->buf + r->buf_pos;
		end = r->buf + r->buf_len;
		n = next_piece(r, p, end, &term);
		r->buf_pos += n;
		if (r->skip_remaining > 0)
			skip_piece(r, n, term);
		else if (feed_piece(r, p, n, term, err))
			return err->code;
	}
	return 0;
}

int csv_reader_next(struct csv_reader *r, const struct csv_record **rec, struct pm_error *err)
{
	*rec = NULL;
	if (r->qhead == r->qlen) {
		r->qhead = r->qlen = 0;
		if (feed(r, err))
			return err->code;
		if (r->qlen == 0)
			return 0;
	}
	*rec = &r->queue[r->qhead++].pub;
	return 1;
}

int csv_reader_open_stream(FILE *fp, const char *name, const struct csv_reader_options *opt,
                           struct csv_reader **out, struct pm_error *err)
{
	struct csv_reader *r = calloc(1, sizeof *r);

	*out = NULL;
	if (!r || !(r->name = strdup(name)) || !(r->buf = malloc(READ_BUF_SIZE))) {
		if (r)
			free(r->name);
		free(r);
		fclose(fp);
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	r->fp = fp;
	r->opt = *opt;
	if (!r->opt.max_field)
		r->opt.max_field = CSV_READER_MAX_FIELD;
	if (!r->opt.max_fields)
		r->opt.max_fields = CSV_READER_MAX_FIELDS;
	r->skip_remaining = r->opt.skip_lines;
	r->line = 1;
	r->encoding = "UTF-8";
	rec_init(&r->cur);
	strbuf_init(&r->raw);
	sha256_init(&r->sha);
	csv_init(&r->parser, 0);
	csv_set_blk_size(&r->parser, CSV_BLOCK);
	if (!r->opt.trim_spaces)
		csv_set_space_func(&r->parser, no_space);
	*out = r;
	/* Read the first block now so that encoding problems surface at open. */
	if (fill(r, err)) {
		csv_reader_free(r);
		*out = NULL;
		return err->code;
	}
	return 0;
}

int csv_reader_open(const char *path, const struct csv_reader_options *opt,
                    struct csv_reader **out, struct pm_error *err)
{
	struct stat sb;
	FILE *fp;

	*out = NULL;
	if (stat(path, &sb) != 0)
		return pm_error_set(err, PM_ENOINPUT, "%s: no such file", path);
	if (S_ISDIR(sb.st_mode))
		return pm_error_set(err, PM_ENOINPUT, "%s: is a directory, not a CSV file", path);
	fp = fopen(path, "rb");
	if (!fp)
		return pm_error_set(err, PM_ENOINPUT, "%s: cannot open: %s", path, strerror(errno));
	return csv_reader_open_stream(fp, path, opt, out, err);
}

char csv_reader_delimiter(const struct csv_reader *r)
{
	return r->opt.delimiter;
}

const char *csv_reader_encoding(const struct csv_reader *r)
{
	return r->encoding;
}

int64_t csv_reader_bytes(const struct csv_reader *r)
{
	return r->bytes - (int64_t)(r->buf_len - r->buf_pos);
}

void csv_reader_sha256(struct csv_reader *r, char hex[65])
{
	memcpy(hex, r->sha_hex, 65);
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	if (r->fp)
		fclose(r->fp);
	csv_free(&r->parser);
	rec_release(&r->cur);
	for (size_t i = 0; i < r->qalloc; i++)
		rec_release(&r->queue[i]);
	free(r->queue);
	strbuf_release(&r->raw);
	free(r->buf);
	free(r->name);
	free(r);
}
