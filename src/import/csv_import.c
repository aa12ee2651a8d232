/* The import driver: one file, one transaction. Reads the header, maps the columns, learns
 * the date order when it must, then streams rows from the CSV reader through the row parser
 * into the store, reporting bad rows and conflicts, and commits or rolls back as a whole. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paymatch/csv_import.h"
#include "paymatch/csv_reader.h"
#include "paymatch/header_alias.h"
#include "paymatch/row_parse.h"
#include "paymatch/row_stream.h"
#include "paymatch/store_import.h"
#include "paymatch/strbuf.h"
#include "paymatch/utf8.h"

#define LEARN_ROWS 100000      /* rows read ahead at most to learn a date order */

struct import_ctx {
	struct store *st;
	const struct import_options *opt;
	struct import_result *res;
	struct import_profile prof;
	const char *profile_name;
	struct csv_reader_options ropt;
	struct csv_reader *reader;
	struct header_map map;
	struct row_parser rp;
	struct store_import *si;
	struct store_import_counts counts;
	struct strbuf detail;
	struct strbuf msg;
	int64_t chunk;
	int64_t size;
	int64_t mtime;
	int64_t started_ns;
};

void import_result_init(struct import_result *res)
{
	memset(res, 0, sizeof *res);
}

void import_result_release(struct import_result *res)
{
	for (size_t i = 0; i < res->nmessages; i++)
		free(res->messages[i]);
	import_result_init(res);
}

const char *import_kind_name(int kind)
{
	return kind == IMPORT_PAYMENTS ? "payments" : "invoices";
}

int import_kind_from_name(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "invoices") == 0 || strcmp(s, "invoice") == 0)
		return IMPORT_INVOICES;
	if (strcmp(s, "payments") == 0 || strcmp(s, "payment") == 0)
		return IMPORT_PAYMENTS;
	return -1;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void reader_options(struct csv_reader_options *ro, const struct import_profile *p)
{
	csv_reader_options_init(ro);
	ro->delimiter = p->delimiter;
	ro->skip_lines = p->skip_lines;
	ro->trim_spaces = p->trim_spaces;
	ro->latin1 = strcmp(p->encoding, "latin-1") == 0;
}

/* Finds the profile named name (NULL: the defaults) and checks it fits kind. */
static int resolve_profile(const struct pm_config *cfg, const char *name, int kind,
                           struct import_profile *out, struct pm_error *err)
{
	const struct import_profile *p;

	if (!name) {
		/* Without a profile the delimiter is whatever the header line uses. */
		import_profile_defaults(out);
		out->delimiter = 0;
		return 0;
	}
	p = cfg ? config_find_profile(cfg, name) : NULL;
	if (!p) {
		struct strbuf sb = STRBUF_INIT;

		for (size_t i = 0; cfg && i < cfg->import.nprofiles; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "", cfg->import.profiles[i].name);
		pm_error_set(err, PM_ECONFIG, "no import profile named '%s' (profiles in the "
		             "configuration: %s)", name, sb.len ? strbuf_str(&sb) : "none");
		strbuf_release(&sb);
		return err->code;
	}
	if (p->kind >= 0 && p->kind != kind)
		return pm_error_set(err, PM_ECONFIG, "import profile '%s' is for %s, not %s", name,
		                    import_kind_name(p->kind), import_kind_name(kind));
	*out = *p;
	return 0;
}

static void add_message(struct import_ctx *c, const char *text)
{
	struct import_result *res = c->res;

	res->nproblems++;
	if (res->nmessages < IMPORT_MAX_MESSAGES) {
		char *m = strdup(text);

		if (m)
			res->messages[res->nmessages++] = m;
	}
}

/* Reads the header record and maps it. */
static int read_header(struct import_ctx *c, struct pm_error *err)
{
	const struct csv_record *h;
	int rc = csv_reader_next(c->reader, &h, err);

	if (rc < 0 || rc > 1)
		return err->code;
	if (rc == 0)
		return pm_error_set(err, PM_EDATA, "%s: empty file: no header line%s",
		                    c->opt->path, c->prof.skip_lines ? " after the skipped lines" : "");
	return header_map_build(&c->map, c->opt->kind, &c->prof, h, c->opt->path, err);
}

/* Reads ahead (a second reader over the same file) until the day/month order of slash
 * dates is known for each date column, or LEARN_ROWS rows were seen. */
static int learn_dates(struct import_ctx *c, struct pm_error *err)
{
	struct csv_reader *r;
	const struct csv_record *rec;
	int64_t n = 0;
	int rc;

	if (!row_parser_learning(&c->rp))
		return 0;
	if (csv_reader_open(c->opt->path, &c->ropt, &r, err))
		return err->code;
	rc = csv_reader_next(r, &rec, err);   /* the header */
	while (rc == 1 && row_parser_learning(&c->rp) && n++ < LEARN_ROWS) {
		rc = csv_reader_next(r, &rec, err);
		if (rc == 1 && rec->nfields == c->map.nsource)
			row_parser_learn(&c->rp, rec);
	}
	csv_reader_free(r);
	/* A reading error will surface again, with its line, in the real pass. */
	pm_error_clear(err);
	return 0;
}

static int interrupted(struct import_ctx *c, struct pm_error *err)
{
	return pm_error_set(err, PM_EINTR, "interrupted: %s rolled back, the working set is "
	                    "unchanged", c->opt->path);
}

/* A bad row: reported, stored with its raw text, counted; with strict it ends the file. */
static int reject_row(struct import_ctx *c, const struct row_item *it,
                      const struct row_problem *bad, struct pm_error *err)
{
	strbuf_reset(&c->msg);
	strbuf_addf(&c->msg, "%s:%ld: ", c->opt->path, it->line);
	if (bad->column)
		strbuf_addf(&c->msg, "column %s: ", bad->column);
	strbuf_addstr(&c->msg, bad->reason);
	c->counts.rejected++;
	add_message(c, strbuf_str(&c->msg));
	if (c->opt->strict)
		return pm_error_set(err, PM_EDATA, "%s (--strict: %s not imported)",
		                    strbuf_str(&c->msg), c->opt->path);
	return store_import_reject(c->si, it->line, bad->column, bad->reason, it->raw,
	                           it->raw_len, err);
}

static int report_conflict(struct import_ctx *c, const struct import_row *row,
                           struct pm_error *err)
{
	char id[64];
	size_t n = row->len[0] < 60 ? row->len[0] : 60;

	memcpy(id, row->text[0], n);
	id[n] = '\0';
	strbuf_reset(&c->msg);
	strbuf_addf(&c->msg, "%s:%ld: %s %s changed (%s) but a reviewer decided on it; not "
	            "updated", c->opt->path, row->line,
	            c->opt->kind == IMPORT_PAYMENTS ? "payment" : "invoice", id,
	            strbuf_str(&c->detail));
	c->counts.conflicted++;
	add_message(c, strbuf_str(&c->msg));
	return store_import_conflict(c->si, row, strbuf_str(&c->msg), err);
}

/* Sends one good row to the store and counts the outcome. */
static int store_row(struct import_ctx *c, const struct row_item *it, struct pm_error *err)
{
	const struct import_row *row = it->row;
	enum store_row_outcome out;
	struct row_problem dup;

	if (store_import_row(c->si, row, &out, &c->detail, err))
		return err->code;
	switch (out) {
	case STORE_ROW_INSERTED: c->counts.inserted++; return 0;
	case STORE_ROW_UPDATED: c->counts.updated++; return 0;
	case STORE_ROW_UNCHANGED: c->counts.unchanged++; return 0;
	case STORE_ROW_CONFLICT: return report_conflict(c, row, err);
	case STORE_ROW_DUPLICATE: break;
	}
	dup.column = header_column_name(c->opt->kind, 0);
	snprintf(dup.reason, sizeof dup.reason, "duplicate %s in this file (%s)", dup.column,
	         strbuf_str(&c->detail));
	return reject_row(c, it, &dup, err);
}

static void update_progress(struct import_ctx *c, int64_t bytes)
{
	struct pm_progress *p = c->opt->progress;

	if (!p)
		return;
	/* Rows are not known ahead: estimate them from the bytes read so far. */
	if (bytes > 0 && c->counts.read > 0)
		atomic_store(&p->total, c->size * c->counts.read / bytes);
	atomic_store(&p->done, c->counts.read);
}

static bool cancelled(const struct import_ctx *c)
{
	return c->opt->progress && progress_cancelled(c->opt->progress);
}

/* Sends every row to the store; the reading and parsing run ahead on another thread. */
static int import_rows(struct import_ctx *c, struct pm_error *err)
{
	struct row_stream *rs;
	struct row_item it;
	int64_t bytes = 0;
	int rc;

	if (row_stream_start(c->reader, &c->rp, (size_t)c->chunk, &rs, err))
		return err->code;
	while ((rc = row_stream_next(rs, &it, &bytes, err)) == 1) {
		if (cancelled(c)) {
			rc = PM_EINTR;
			break;
		}
		c->counts.read++;
		switch (it.status) {
		case ROW_OK: rc = store_row(c, &it, err); break;
		case ROW_BAD: rc = reject_row(c, &it, it.bad, err); break;
		case ROW_SKIP: c->res->skipped_rows++; rc = 0; break;
		}
		if (rc)
			break;
		if (c->counts.read % c->chunk == 0)
			update_progress(c, bytes);
	}
	row_stream_free(rs);
	update_progress(c, bytes);
	if (rc == 0 && cancelled(c))
		rc = PM_EINTR;
	if (rc == PM_EINTR)
		return interrupted(c, err);
	return rc;
}

static void fill_result(struct import_ctx *c)
{
	struct import_result *res = c->res;

	res->rows_read = c->counts.read;
	res->inserted = c->counts.inserted;
	res->updated = c->counts.updated;
	res->unchanged = c->counts.unchanged;
	res->rejected = c->counts.rejected;
	res->conflicted = c->counts.conflicted;
	res->bytes = c->reader ? csv_reader_bytes(c->reader) : 0;
	res->duration_ms = (pm_now_ns() - c->started_ns) / 1000000;
}

/* Commits (or, for a dry run or content imported before, rolls back) the file. */
static int finish_file(struct import_ctx *c, struct pm_error *err)
{
	char sha[65];
	bool duplicate;
	int rc;

	if (cancelled(c))
		return PM_EINTR;
	csv_reader_sha256(c->reader, sha);
	fill_result(c);
	rc = store_import_finish(c->si, sha, &c->counts, c->res->duration_ms, !c->opt->dry_run,
	                         &duplicate, err);
	c->si = NULL;
	if (rc)
		return rc;
	if (duplicate) {
		/* Nothing was kept: report it as the unchanged file it is. */
		int64_t bytes = c->res->bytes;

		import_result_release(c->res);
		c->res->skipped_unchanged_file = true;
		c->res->bytes = bytes;
	}
	return 0;
}

static int stat_file(struct import_ctx *c, struct pm_error *err)
{
	struct stat sb;

	if (stat(c->opt->path, &sb) != 0)
		return pm_error_set(err, PM_ENOINPUT, "%s: no such file", c->opt->path);
	if (!S_ISREG(sb.st_mode))
		return pm_error_set(err, PM_ENOINPUT, "%s: not a regular file", c->opt->path);
	c->size = (int64_t)sb.st_size;
	c->mtime = (int64_t)sb.st_mtime;
	return 0;
}

/* Everything up to the first row: profile, fingerprint, header, transaction. Returns 0,
 * 1 when the file is unchanged and skipped, or an error. */
static int start_file(struct import_ctx *c, const struct pm_config *cfg, struct pm_error *err)
{
	const struct import_options *o = c->opt;
	struct store_import_file f = { .kind = o->kind, .path = o->path, .force = o->force,
	                               .name = base_name(o->path), .profile = o->profile };
	int rc;

	if (resolve_profile(cfg, o->profile, o->kind, &c->prof, err) || stat_file(c, err))
		return err->code;
	rc = o->force ? 0 : store_import_seen(c->st, o->kind, f.name, c->size, c->mtime,
	                                      o->profile, err);
	if (rc != 0)
		return rc < 0 ? err->code : 1;
	reader_options(&c->ropt, &c->prof);
	if (csv_reader_open(o->path, &c->ropt, &c->reader, err) || read_header(c, err))
		return err->code;
	/* The delimiter is known now; the read-ahead must not guess it again. */
	c->ropt.delimiter = csv_reader_delimiter(c->reader);
	row_parser_init(&c->rp, o->kind, &c->map, &c->prof);
	if (learn_dates(c, err))
		return err->code;
	f.size = c->size;
	f.mtime = c->mtime;
	return store_import_begin_file(c->st, &f, &c->si, err);
}

int csv_import_file(struct store *st, const struct pm_config *cfg,
                    const struct import_options *opt, struct import_result *res,
                    struct pm_error *err)
{
	struct import_ctx c = { .st = st, .opt = opt, .res = res };
	int rc;

	import_result_release(res);
	pm_error_clear(err);
	if (opt->kind != IMPORT_INVOICES && opt->kind != IMPORT_PAYMENTS)
		return pm_error_set(err, PM_ESOFTWARE, "import: unknown kind %d", opt->kind);
	c.started_ns = pm_now_ns();
	c.chunk = cfg && cfg->performance.chunk_size > 0 ? cfg->performance.chunk_size : 10000;
	strbuf_init(&c.detail);
	strbuf_init(&c.msg);
	if (opt->progress) {
		atomic_store(&opt->progress->finished, 0);
		progress_stage(opt->progress, opt->kind == IMPORT_PAYMENTS ? "importing payments" :
		               "importing invoices", 0, 0);
	}
	rc = start_file(&c, cfg, err);
	if (rc == 1) {
		res->skipped_unchanged_file = true;
		rc = 0;
	} else if (rc == 0 && (rc = import_rows(&c, err)) == 0) {
		rc = finish_file(&c, err);
	}
	if (rc == PM_EINTR)
		interrupted(&c, err);   /* whichever step saw the signal, the file is rolled back */
	if (rc)
		fill_result(&c);
	store_import_abort(c.si);
	csv_reader_free(c.reader);
	header_map_release(&c.map);
	strbuf_release(&c.detail);
	strbuf_release(&c.msg);
	if (opt->progress)
		atomic_store(&opt->progress->finished, 1);
	return rc;
}

/* Returns how many native columns of kind header maps to with prof, or -1 when a required
 * one is missing. */
static int columns_fitting(int kind, const struct import_profile *prof,
                           const struct csv_record *header)
{
	struct header_map m;
	struct pm_error e;
	int n = 0;

	if (header_map_build(&m, kind, prof, header, "", &e) == 0)
		for (int col = 0; col < header_ncolumns(kind); col++)
			n += m.source[col] >= 0;
	else
		n = -1;
	header_map_release(&m);
	return n;
}

/* Opens path with prof's reading options and returns columns_fitting for its header
 * (adding the header's names to found when not NULL), or -1 when the file cannot be read
 * (err filled). */
static int with_header(const char *path, const struct import_profile *prof, int kind,
                       struct strbuf *found, struct pm_error *err)
{
	struct csv_reader_options ro;
	struct csv_reader *r;
	const struct csv_record *h;
	int n = -1;

	reader_options(&ro, prof);
	if (csv_reader_open(path, &ro, &r, err))
		return -1;
	if (csv_reader_next(r, &h, err) == 1) {
		n = columns_fitting(kind, prof, h);
		for (size_t i = 0; found && i < h->nfields; i++) {
			char name[64];

			utf8_sanitize(h->field[i], h->len[i] < 60 ? h->len[i] : 60, name, sizeof name);
			strbuf_addf(found, "%s\"%s\"", i ? ", " : "", name);
		}
	}
	csv_reader_free(r);
	return n;
}

int csv_import_detect_kind(const char *path, const struct pm_config *cfg, int *kind,
                           struct pm_error *err)
{
	struct import_profile def;
	struct strbuf found = STRBUF_INIT;
	int inv, pay;

	pm_error_clear(err);
	import_profile_defaults(&def);
	def.delimiter = 0;
	inv = with_header(path, &def, IMPORT_INVOICES, &found, err);
	if (err->code)
		goto out;
	pay = with_header(path, &def, IMPORT_PAYMENTS, NULL, err);
	if (inv != pay && (inv >= 0 || pay >= 0)) {
		*kind = inv > pay ? IMPORT_INVOICES : IMPORT_PAYMENTS;
		goto out;
	}
	for (size_t i = 0; inv < 0 && cfg && i < cfg->import.nprofiles; i++) {
		const struct import_profile *p = &cfg->import.profiles[i];

		if (p->kind >= 0 && with_header(path, p, p->kind, NULL, err) >= 0) {
			*kind = p->kind;
			goto out;
		}
		pm_error_clear(err);
	}
	pm_error_set(err, PM_EDATA, "%s: cannot tell whether it holds invoices or payments: "
	             "%s; found columns: %s (invoices need invoice_id, customer_id, "
	             "customer_name, invoice_date, amount, currency; payments need payment_id, "
	             "payment_date, amount, currency)", path,
	             inv >= 0 ? "it fits both" : "it fits neither",
	             found.len ? strbuf_str(&found) : "(none)");
out:
	strbuf_release(&found);
	return err->code;
}
