/* All SQL of importing a file: fingerprints, the fast insert, the by-id update path for
 * re-imported rows, rejected rows and import conflicts.
 *
 * New rows take one statement: INSERT ... ON CONFLICT(id) DO NOTHING. Only when that
 * inserted nothing does the row take the slow path (look up, compare, maybe update), so a
 * first import runs at bulk speed and a re-import pays only for the rows it already has.
 *
 * A large file into an empty table is loaded with a rollback journal instead of the WAL
 * when no other connection has the working set open (store_bulk.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_bulk.h"
#include "store_internal.h"
#include "paymatch/money.h"
#include "paymatch/store_import.h"
#include "paymatch/utf8.h"

/* Statements per kind. Parameters ?1..?8 are the native columns in enum order, then
 * ?9 file_id, ?10 line, ?11 row_hash; lookups return the native columns in the same order,
 * then file_id, line, row_hash, id. */
struct kind_sql {
	const char *table;
	const char *insert;
	const char *lookup;
	const char *update;
	const char *decided;
	int date_col, due_col, amount_col, currency_col;
};

static const struct kind_sql KIND_SQL[2] = {
	[IMPORT_INVOICES] = {
		.table = "invoices",
		.insert = "INSERT INTO invoices(invoice_id, customer_id, customer_name, invoice_date,"
		          " due_date, amount, currency, reference_number, file_id, line, row_hash)"
		          " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		          " ON CONFLICT(invoice_id) DO NOTHING",
		.lookup = "SELECT invoice_id, customer_id, customer_name, invoice_date, due_date,"
		          " amount, currency, reference_number, file_id, line, row_hash, id"
		          " FROM invoices WHERE invoice_id = ?1",
		.update = "UPDATE invoices SET customer_id = ?2, customer_name = ?3,"
		          " invoice_date = ?4, due_date = ?5, amount = ?6, currency = ?7,"
		          " reference_number = ?8, file_id = ?9, line = ?10, row_hash = ?11"
		          " WHERE invoice_id = ?1",
		.decided = "SELECT EXISTS(SELECT 1 FROM allocations WHERE invoice_row = ?1 AND"
		           " status IN ('confirmed', 'manual', 'rejected'))"
		           " OR EXISTS(SELECT 1 FROM audit_log WHERE invoice_row = ?1)",
		.date_col = INV_INVOICE_DATE, .due_col = INV_DUE_DATE, .amount_col = INV_AMOUNT,
		.currency_col = INV_CURRENCY,
	},
	[IMPORT_PAYMENTS] = {
		.table = "payments",
		.insert = "INSERT INTO payments(payment_id, payment_date, amount, currency,"
		          " payer_name, customer_id, reference_number, memo, file_id, line, row_hash)"
		          " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		          " ON CONFLICT(payment_id) DO NOTHING",
		.lookup = "SELECT payment_id, payment_date, amount, currency, payer_name,"
		          " customer_id, reference_number, memo, file_id, line, row_hash, id"
		          " FROM payments WHERE payment_id = ?1",
		.update = "UPDATE payments SET payment_date = ?2, amount = ?3, currency = ?4,"
		          " payer_name = ?5, customer_id = ?6, reference_number = ?7, memo = ?8,"
		          " file_id = ?9, line = ?10, row_hash = ?11 WHERE payment_id = ?1",
		.decided = "SELECT EXISTS(SELECT 1 FROM allocations WHERE payment_row = ?1 AND"
		           " status IN ('confirmed', 'manual', 'rejected'))"
		           " OR EXISTS(SELECT 1 FROM audit_log WHERE payment_row = ?1)",
		.date_col = PAY_PAYMENT_DATE, .due_col = -1, .amount_col = PAY_AMOUNT,
		.currency_col = PAY_CURRENCY,
	},
};

#define NCOLS PM_MAX_NATIVE_COLS

/* Hashes of 64 bits with the line they were first seen on. */
struct hash_slot {
	uint64_t key;              /* 0 = empty slot */
	long line;
};

struct hash_lines {
	struct hash_slot *slot;
	size_t slots;
	size_t n;
};

struct store_import {
	struct store *st;
	const struct kind_sql *sql;
	int kind;
	int64_t file_id;
	char *path;
	char *name;
	char *profile;             /* NULL: none */
	bool force;
	bool indexes_dropped;
	bool bulk_candidate;       /* large file: indexes may still be dropped */
	bool table_empty;
	bool rollback_journal;     /* loading in journal_mode DELETE, WAL restored at the end */
	struct store_bulk_cpu cpu; /* at the start, to see what else runs */
	int64_t probed;            /* rows seen while deciding */
	int64_t probe_inserted;
	int64_t last_id;           /* row found by the last slow path */
	sqlite3_stmt *insert, *lookup, *update, *decided, *customer, *reject, *conflict;
	struct hash_lines missed;     /* customers whose first row was not stored */
	struct hash_lines kept;       /* ids of existing rows this file left as they were */
};

static int hash_lines_grow(struct hash_lines *m)
{
	size_t n = m->slots ? m->slots * 2 : 4096;
	struct hash_slot *slot = calloc(n, sizeof *slot);
	size_t i;

	if (!slot)
		return -1;
	for (size_t k = 0; k < m->slots; k++) {
		if (!m->slot[k].key)
			continue;
		for (i = m->slot[k].key & (n - 1); slot[i].key; i = (i + 1) & (n - 1))
			;
		slot[i] = m->slot[k];
	}
	free(m->slot);
	m->slot = slot;
	m->slots = n;
	return 0;
}

/* Looks up hash h: returns the line stored with it, or stores line and returns 0
 * (also when out of memory: then nothing is remembered). Linear probing, at most half
 * full. */
static long hash_lines_put(struct hash_lines *m, uint64_t h, long line)
{
	size_t mask, i;

	h = h ? h : 1;
	if (m->n * 2 >= m->slots && hash_lines_grow(m) < 0)
		return 0;
	mask = m->slots - 1;
	for (i = h & mask; m->slot[i].key; i = (i + 1) & mask)
		if (m->slot[i].key == h)
			return m->slot[i].line;
	m->slot[i].key = h;
	m->slot[i].line = line;
	m->n++;
	return 0;
}

static void hash_lines_free(struct hash_lines *m)
{
	free(m->slot);
	memset(m, 0, sizeof *m);
}

/* "An import E of this kind is still current": no later import of the kind updated rows. */
#define STILL_CURRENT \
	" AND NOT EXISTS(SELECT 1 FROM imported_files l WHERE l.kind = e.kind AND l.id > e.id" \
	" AND l.id <> ?9 AND l.rows_updated > 0)"

int store_import_seen(struct store *st, int kind, const char *name, int64_t size,
                      int64_t mtime, const char *profile, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	/* A file changed within the second its earlier import started could have the same
	 * size and mtime ("racy git"): such an import does not vouch for the file. */
	if (store_prepare(st, "SELECT 1 FROM imported_files e WHERE e.kind = ?1 AND e.name = ?2"
	                  " AND e.size = ?3 AND e.mtime = ?4 AND e.profile IS ?5"
	                  " AND e.mtime < CAST(strftime('%s', e.imported_at) AS INTEGER)"
	                  STILL_CURRENT, &stmt, err))
		return -1;
	sqlite3_bind_text(stmt, 1, KIND_SQL[kind == IMPORT_PAYMENTS].table, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, size);
	sqlite3_bind_int64(stmt, 4, mtime);
	store_bind_text(stmt, 5, profile, -1);
	sqlite3_bind_int64(stmt, 9, -1);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = 1;
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = -1, store_sql_error(st, err, 0, "looking up imported files");
	sqlite3_finalize(stmt);
	return rc;
}

static int step_done(struct store_import *si, sqlite3_stmt *stmt, const char *what,
                     struct pm_error *err)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sql_error(si->st, err, 0, what);
	return 0;
}

static int record_file(struct store_import *si, const struct store_import_file *f,
                       struct pm_error *err)
{
	sqlite3_stmt *stmt;
	char ts[32];
	int rc;

	if (store_prepare(si->st, "INSERT INTO imported_files(kind, path, name, size, mtime,"
	                  " sha256, profile, imported_at, imported_by)"
	                  " VALUES(?, ?, ?, ?, ?, '', ?, ?, ?)", &stmt, err))
		return err->code;
	sqlite3_bind_text(stmt, 1, si->sql->table, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, f->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, f->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 4, f->size);
	sqlite3_bind_int64(stmt, 5, f->mtime);
	store_bind_text(stmt, 6, f->profile, -1);
	sqlite3_bind_text(stmt, 7, store_timestamp(ts, sizeof ts), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 8, store_user(), -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 :
	     store_sql_error(si->st, err, 0, "recording the imported file");
	sqlite3_finalize(stmt);
	si->file_id = sqlite3_last_insert_rowid(si->st->db);
	return rc;
}

/* Secondary indexes are dropped for a bulk load and rebuilt once at the end: measured
 * 2.5x faster than maintaining them row by row (notes B3). A load is bulk when the file
 * is large next to the table (a row per 64 bytes of file would outnumber its rows) and
 * it brings new rows: into an empty table at once, else when most of the first
 * PROBE_ROWS rows were new. A re-import of known rows keeps the indexes, which it barely
 * touches, instead of rebuilding them. */
#define PROBE_ROWS 2000

static int count_rows(struct store_import *si, int64_t size, struct pm_error *err)
{
	char sql[64];
	sqlite3_stmt *stmt;
	int64_t rows = 0;

	snprintf(sql, sizeof sql, "SELECT max(id) FROM %s", si->sql->table);
	if (store_prepare(si->st, sql, &stmt, err))
		return err->code;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		rows = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	si->bulk_candidate = size / 64 > rows;
	si->table_empty = rows == 0;
	return 0;
}

static int drop_indexes(struct store_import *si, struct pm_error *err)
{
	si->bulk_candidate = false;
	si->indexes_dropped = true;
	return store_drop_secondary_indexes(si->st, si->sql->table, err);
}

/* Called after each row: decides once whether this load is a bulk load. */
static int maybe_drop_indexes(struct store_import *si, bool inserted, struct pm_error *err)
{
	if (!si->bulk_candidate)
		return 0;
	si->probed++;
	si->probe_inserted += inserted;
	if (si->probed < PROBE_ROWS)
		return 0;
	if (si->probe_inserted * 2 >= si->probed)
		return drop_indexes(si, err);
	si->bulk_candidate = false;
	return 0;
}

static int prepare_all(struct store_import *si, struct pm_error *err)
{
	const struct kind_sql *k = si->sql;

	if (store_prepare(si->st, k->insert, &si->insert, err) ||
	    store_prepare(si->st, k->lookup, &si->lookup, err) ||
	    store_prepare(si->st, k->update, &si->update, err) ||
	    store_prepare(si->st, k->decided, &si->decided, err) ||
	    store_prepare(si->st, "INSERT INTO customers(customer_id, name) VALUES(?1, ?2)"
	                  " ON CONFLICT(customer_id) DO UPDATE SET name = excluded.name"
	                  " WHERE name <> excluded.name", &si->customer, err) ||
	    store_prepare(si->st, "INSERT INTO rejected_rows(file_id, file, line, column_name,"
	                  " reason, raw) VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &si->reject, err) ||
	    store_prepare(si->st, "INSERT INTO exceptions(kind, payment_row, invoice_row, amount,"
	                  " currency, detail, status) VALUES('import_conflict', ?1, ?2, ?3, ?4,"
	                  " ?5, 'open')", &si->conflict, err))
		return err->code;
	return 0;
}

static void free_import(struct store_import *si)
{
	sqlite3_finalize(si->insert);
	sqlite3_finalize(si->lookup);
	sqlite3_finalize(si->update);
	sqlite3_finalize(si->decided);
	sqlite3_finalize(si->customer);
	sqlite3_finalize(si->reject);
	sqlite3_finalize(si->conflict);
	hash_lines_free(&si->missed);
	hash_lines_free(&si->kept);
	free(si->path);
	free(si->name);
	free(si->profile);
	free(si);
}

int store_import_begin_file(struct store *st, const struct store_import_file *f,
                            struct store_import **out, struct pm_error *err)
{
	struct store_import *si = calloc(1, sizeof *si);

	*out = NULL;
	if (!si || !(si->path = strdup(f->path)) || !(si->name = strdup(f->name)) ||
	    (f->profile && !(si->profile = strdup(f->profile)))) {
		if (si)
			free_import(si);
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	si->st = st;
	si->force = f->force;
	si->kind = f->kind == IMPORT_PAYMENTS ? IMPORT_PAYMENTS : IMPORT_INVOICES;
	si->sql = &KIND_SQL[si->kind];
	store_bulk_cpu_mark(&si->cpu);
	if (f->size >= STORE_BULK_JOURNAL_BYTES && !store_in_transaction(st) &&
	    store_bulk_table_empty(st, si->sql->table))
		si->rollback_journal = store_bulk_journal_enter(st);
	/* Every row an import writes references the imported_files row it inserted first or
	 * a row it has just looked up: the per-row foreign key check can only pass, and cost
	 * 6% of the writer's time at 1M rows. (The pragma is a no-op inside a transaction.) */
	sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	/* The default 2 MB page cache makes a bulk load re-read its own pages from the WAL;
	 * 64 MB keeps the working pages of the table and its unique index in memory. */
	if (store_exec(st, "PRAGMA cache_size = -65536", err) || store_begin(st, err)) {
		store_bulk_leave(st, si->rollback_journal);
		free_import(si);
		return err->code;
	}
	if (record_file(si, f, err) || count_rows(si, f->size, err) ||
	    (si->bulk_candidate && si->table_empty && drop_indexes(si, err)) ||
	    prepare_all(si, err)) {
		store_import_abort(si);
		return err->code;
	}
	*out = si;
	return 0;
}

/* Binds the native columns of row as ?1..?8 and file_id, line, row_hash as ?9..?11.
 * SQLITE_STATIC (no copy) is safe here, unlike the general rule: every statement bound
 * with a row is stepped and reset inside store_import_row, while the row is alive, and
 * each use binds every parameter afresh. */
static void bind_row(struct store_import *si, sqlite3_stmt *stmt, const struct import_row *row)
{
	const struct kind_sql *k = si->sql;

	for (int c = 0; c < NCOLS; c++) {
		if (c == k->date_col)
			sqlite3_bind_text(stmt, c + 1, row->date, -1, SQLITE_STATIC);
		else if (c == k->due_col)
			sqlite3_bind_text(stmt, c + 1, row->due_date, -1, SQLITE_STATIC);
		else if (c == k->amount_col)
			sqlite3_bind_int64(stmt, c + 1, row->amount);
		else if (c == k->currency_col)
			sqlite3_bind_text(stmt, c + 1, row->currency, -1, SQLITE_STATIC);
		else if (row->text[c])
			sqlite3_bind_text(stmt, c + 1, row->text[c], (int)row->len[c], SQLITE_STATIC);
		else
			sqlite3_bind_text(stmt, c + 1, "", 0, SQLITE_STATIC);
	}
	sqlite3_bind_int64(stmt, 9, si->file_id);
	sqlite3_bind_int64(stmt, 10, row->line);
	sqlite3_bind_int64(stmt, 11, row->row_hash);
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Returns the slot holding h, or NULL. */
static struct hash_slot *hash_lines_find(const struct hash_lines *m, uint64_t h)
{
	size_t mask = m->slots - 1, i;

	if (!m->n)
		return NULL;
	h = h ? h : 1;
	for (i = h & mask; m->slot[i].key; i = (i + 1) & mask)
		if (m->slot[i].key == h)
			return &m->slot[i];
	return NULL;
}

/* Keeps customers(customer_id, name) filled from invoices, once per distinct pair, at the
 * pair's first stored row. The reader marks the first row of each pair in the file
 * (customer_first); when that row is not stored (a duplicate id or a conflict), the pair
 * waits in si->missed (line 1) for its next stored row (then line 2). */
static int upsert_customer(struct store_import *si, const struct import_row *row,
                           bool stored, struct pm_error *err)
{
	const char *id = row->text[INV_CUSTOMER_ID], *name = row->text[INV_CUSTOMER_NAME];
	bool due = row->customer_first;
	struct hash_slot *m;

	if (!row->customer_hash)
		return 0;
	if (!stored) {
		if (!due)
			return 0;
		hash_lines_put(&si->missed, row->customer_hash, 1);
		if (!hash_lines_find(&si->missed, row->customer_hash))
			return pm_error_set(err, PM_ESOFTWARE, "out of memory");
		return 0;
	}
	if (!due && (m = hash_lines_find(&si->missed, row->customer_hash)) && m->line == 1) {
		m->line = 2;
		due = true;
	}
	if (!due)
		return 0;
	sqlite3_bind_text(si->customer, 1, id, (int)row->len[INV_CUSTOMER_ID], SQLITE_STATIC);
	sqlite3_bind_text(si->customer, 2, name, (int)row->len[INV_CUSTOMER_NAME], SQLITE_STATIC);
	return step_done(si, si->customer, "recording a customer", err);
}

/* Appends "name 'old' -> 'new'" for a text value, made safe to print. */
static void diff_text(struct strbuf *d, const char *name, const char *old, size_t olen,
                      const char *new, size_t nlen)
{
	char a[64], b[64];

	utf8_sanitize(old, olen < 60 ? olen : 60, a, sizeof a);
	utf8_sanitize(new, nlen < 60 ? nlen : 60, b, sizeof b);
	strbuf_addf(d, "%s%s '%s' -> '%s'", d->len ? ", " : "", name, a, b);
}

static void diff_amount(struct strbuf *d, int64_t old, const char *ocur, int64_t new,
                        const char *ncur)
{
	int od = money_currency_decimals(ocur), nd = money_currency_decimals(ncur);
	char a[32], b[32];

	money_to_plain(old, od < 0 ? 2 : od, a, sizeof a);
	money_to_plain(new, nd < 0 ? 2 : nd, b, sizeof b);
	if (strcmp(ocur, ncur) == 0)
		strbuf_addf(d, "%samount %s -> %s", d->len ? ", " : "", a, b);
	else
		strbuf_addf(d, "%samount %s %s -> %s %s", d->len ? ", " : "", a, ocur, b, ncur);
}

/* Describes how the stored row (the lookup's current result) differs from row. */
static void describe_changes(struct store_import *si, const struct import_row *row,
                             struct strbuf *d)
{
	const struct kind_sql *k = si->sql;
	sqlite3_stmt *s = si->lookup;
	const char *ocur = (const char *)sqlite3_column_text(s, k->currency_col);
	int64_t oamount = sqlite3_column_int64(s, k->amount_col);

	strbuf_reset(d);
	ocur = ocur ? ocur : "";
	if (oamount != row->amount || strcmp(ocur, row->currency) != 0)
		diff_amount(d, oamount, ocur, row->amount, row->currency);
	for (int c = 1; c < NCOLS; c++) {
		const char *old = (const char *)sqlite3_column_text(s, c);
		size_t olen = (size_t)sqlite3_column_bytes(s, c);
		const char *new = row->text[c] ? row->text[c] : "";
		size_t nlen = row->text[c] ? row->len[c] : 0;

		if (c == k->amount_col || c == k->currency_col)
			continue;
		if (c == k->date_col || c == k->due_col) {
			new = c == k->date_col ? row->date : row->due_date;
			nlen = strlen(new);
		}
		old = old ? old : "";
		if (olen != nlen || memcmp(old, new, nlen) != 0)
			diff_text(d, sqlite3_column_name(s, c), old, olen, new, nlen);
	}
}

static int is_decided(struct store_import *si, int64_t id, bool *decided, struct pm_error *err)
{
	int rc;

	sqlite3_bind_int64(si->decided, 1, id);
	rc = sqlite3_step(si->decided);
	*decided = rc == SQLITE_ROW && sqlite3_column_int(si->decided, 0) != 0;
	sqlite3_reset(si->decided);
	if (rc != SQLITE_ROW)
		return store_sql_error(si->st, err, 0, "checking reviewer decisions");
	return 0;
}

/* The slow path: the id exists (the lookup statement is stepped on its row). A row this
 * file already inserted or updated carries its file_id; a row it left as it was is
 * remembered in si->kept, so that rows keep pointing at the file that gave them their
 * values and an unchanged re-import writes nothing. */
static int existing_row(struct store_import *si, const struct import_row *row,
                        enum store_row_outcome *outcome, struct strbuf *detail,
                        struct pm_error *err)
{
	sqlite3_stmt *s = si->lookup;
	int64_t old_hash = sqlite3_column_int64(s, NCOLS + 2);
	long first = 0;
	bool decided;

	si->last_id = sqlite3_column_int64(s, NCOLS + 3);
	if (sqlite3_column_int64(s, NCOLS) == si->file_id)
		first = (long)sqlite3_column_int64(s, NCOLS + 1);
	else
		first = hash_lines_put(&si->kept, fnv1a(14695981039346656037ULL, row->text[0],
		                                        row->len[0]), row->line);
	strbuf_reset(detail);
	if (first) {
		*outcome = STORE_ROW_DUPLICATE;
		strbuf_addf(detail, "first on line %ld", first);
		return 0;
	}
	if (old_hash != row->row_hash)
		describe_changes(si, row, detail);
	if (detail->len == 0) {
		*outcome = STORE_ROW_UNCHANGED;
		if (old_hash == row->row_hash)
			return 0;
		/* Same values under another hash (an older paymatch or a hand edit). */
		bind_row(si, si->update, row);
		return step_done(si, si->update, "updating a row", err);
	}
	if (is_decided(si, si->last_id, &decided, err))
		return err->code;
	*outcome = decided ? STORE_ROW_CONFLICT : STORE_ROW_UPDATED;
	if (decided)
		return 0;
	bind_row(si, si->update, row);
	return step_done(si, si->update, "updating a row", err);
}

int store_import_row(struct store_import *si, const struct import_row *row,
                     enum store_row_outcome *outcome, struct strbuf *detail,
                     struct pm_error *err)
{
	int rc;

	bind_row(si, si->insert, row);
	rc = sqlite3_step(si->insert);
	sqlite3_reset(si->insert);
	if (rc != SQLITE_DONE)
		return store_sql_error(si->st, err, 0, "inserting a row");
	if (sqlite3_changes(si->st->db) == 0) {
		sqlite3_bind_text(si->lookup, 1, row->text[0], (int)row->len[0], SQLITE_STATIC);
		rc = sqlite3_step(si->lookup);
		if (rc == SQLITE_ROW)
			rc = existing_row(si, row, outcome, detail, err);
		else
			rc = store_sql_error(si->st, err, rc == SQLITE_DONE ? PM_ESOFTWARE : 0,
			                     "looking up an existing row");
		sqlite3_reset(si->lookup);
		if (rc)
			return rc;
	} else {
		*outcome = STORE_ROW_INSERTED;
	}
	if (si->kind == IMPORT_INVOICES &&
	    upsert_customer(si, row, *outcome != STORE_ROW_DUPLICATE &&
	                    *outcome != STORE_ROW_CONFLICT, err))
		return err->code;
	return maybe_drop_indexes(si, *outcome == STORE_ROW_INSERTED, err);
}

int store_import_conflict(struct store_import *si, const struct import_row *row,
                          const char *detail, struct pm_error *err)
{
	sqlite3_stmt *s = si->conflict;

	sqlite3_bind_null(s, 1);
	sqlite3_bind_null(s, 2);
	sqlite3_bind_int64(s, si->kind == IMPORT_PAYMENTS ? 1 : 2, si->last_id);
	sqlite3_bind_int64(s, 3, row->amount);
	sqlite3_bind_text(s, 4, row->currency, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, detail, -1, SQLITE_TRANSIENT);
	return step_done(si, s, "recording an import conflict", err);
}

int store_import_reject(struct store_import *si, long line, const char *column,
                        const char *reason, const char *raw, size_t raw_len,
                        struct pm_error *err)
{
	sqlite3_stmt *s = si->reject;
	struct strbuf esc = STRBUF_INIT;
	int rc;

	/* NUL would cut the text short in every reader of the table: store it visibly. */
	if (memchr(raw, '\0', raw_len)) {
		for (size_t i = 0; i < raw_len; i++) {
			if (raw[i])
				strbuf_addch(&esc, raw[i]);
			else
				strbuf_addstr(&esc, "\\0");
		}
		raw = strbuf_str(&esc);
		raw_len = esc.len;
	}
	sqlite3_bind_int64(s, 1, si->file_id);
	sqlite3_bind_text(s, 2, si->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, line);
	store_bind_text(s, 4, column, -1);
	sqlite3_bind_text(s, 5, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, raw, (int)raw_len, SQLITE_TRANSIENT);
	rc = step_done(si, s, "recording a rejected row", err);
	strbuf_release(&esc);
	return rc;
}

/* Returns 1 when an earlier, still current import of the kind had this content. */
static int same_content(struct store_import *si, const char *sha, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(si->st, "SELECT 1 FROM imported_files e WHERE e.kind = ?1 AND"
	                  " e.sha256 = ?2 AND e.profile IS ?3 AND e.id <> ?9" STILL_CURRENT,
	                  &stmt, err))
		return -1;
	sqlite3_bind_text(stmt, 1, si->sql->table, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, sha, -1, SQLITE_TRANSIENT);
	store_bind_text(stmt, 3, si->profile, -1);
	sqlite3_bind_int64(stmt, 9, si->file_id);
	rc = sqlite3_step(stmt);
	rc = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 :
	     (store_sql_error(si->st, err, 0, "comparing file contents"), -1);
	sqlite3_finalize(stmt);
	return rc;
}

static int record_counts(struct store_import *si, const char *sha,
                         const struct store_import_counts *c, int64_t duration_ms,
                         struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(si->st, "UPDATE imported_files SET sha256 = ?1, rows_read = ?2,"
	                  " rows_inserted = ?3, rows_updated = ?4, rows_unchanged = ?5,"
	                  " rows_rejected = ?6, rows_conflicted = ?7, duration_ms = ?8"
	                  " WHERE id = ?9", &stmt, err))
		return err->code;
	sqlite3_bind_text(stmt, 1, sha, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, c->read);
	sqlite3_bind_int64(stmt, 3, c->inserted);
	sqlite3_bind_int64(stmt, 4, c->updated);
	sqlite3_bind_int64(stmt, 5, c->unchanged);
	sqlite3_bind_int64(stmt, 6, c->rejected);
	sqlite3_bind_int64(stmt, 7, c->conflicted);
	sqlite3_bind_int64(stmt, 8, duration_ms);
	sqlite3_bind_int64(stmt, 9, si->file_id);
	rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 :
	     store_sql_error(si->st, err, 0, "recording the import counts");
	sqlite3_finalize(stmt);
	return rc;
}

/* Rebuilds the dropped indexes. SQLite's sorter sizes its runs by the page cache: a small
 * cache makes it sort in small runs and merge them, measured 2x less CPU than one huge
 * in-memory sort (64 MB cache: 5.7 s against 2.9 s of CPU for 7 indexes on 1M invoices).
 * PRAGMA threads = 1 sorts the runs on a helper thread while this one scans the table:
 * on 1M invoices it cuts this thread's share from 2.6 s to 1.8 s of CPU (the helper takes
 * 1.5 s), so the builds finish about 0.7 s sooner when the second CPU is idle (the reader
 * thread is done by now), but it costs 0.7 s more CPU in all and is slower when the CPUs
 * are busy with other work. So only with a spare CPU (store_bulk_spare_cpu); threads = 2
 * would add a third busy thread on two CPUs. */
static int build_indexes(struct store_import *si, struct pm_error *err)
{
	const char *threads = store_bulk_spare_cpu(&si->cpu) ? "PRAGMA threads = 1" : "PRAGMA threads = 0";

	if (store_exec(si->st, "PRAGMA cache_size = -2000", err) || store_exec(si->st, threads, err))
		return err->code;
	return store_create_secondary_indexes(si->st, si->sql->table, err);
}

int store_import_finish(struct store_import *si, const char *sha256_hex,
                        const struct store_import_counts *counts, int64_t duration_ms,
                        bool commit, bool *duplicate, struct pm_error *err)
{
	struct store *st = si->st;
	bool rollback_journal = si->rollback_journal;
	bool large = counts->inserted + counts->updated > 100000 && !rollback_journal;
	int rc;

	*duplicate = false;
	if (commit && !si->force) {
		rc = same_content(si, sha256_hex, err);
		if (rc < 0)
			goto fail;
		*duplicate = rc == 1;
	}
	if (!commit || *duplicate) {
		store_import_abort(si);
		return 0;
	}
	if (record_counts(si, sha256_hex, counts, duration_ms, err))
		goto fail;
	if (si->indexes_dropped && build_indexes(si, err))
		goto fail;
	free_import(si);
	rc = store_commit(st, err);
	store_bulk_leave(st, rollback_journal);
	if (rc)
		return rc;
	/* A bulk load leaves a WAL as large as the data: fold it back now, while nobody
	 * else is likely to be reading. */
	if (large)
		sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return 0;
fail:
	store_import_abort(si);
	return err->code;
}

void store_import_abort(struct store_import *si)
{
	if (!si)
		return;
	/* Statements are finalised first so that the rollback has nothing pending. */
	struct store *st = si->st;
	bool rollback_journal = si->rollback_journal;

	free_import(si);
	store_rollback(st);
	store_bulk_leave(st, rollback_journal);
}
