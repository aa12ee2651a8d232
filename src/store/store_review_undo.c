/* Undo of a reviewer's last decision: its audit row's after JSON says which rows it changed
 * and at which version it left them; its before JSON holds their earlier state. A row whose
 * version moved since was changed by someone else, and the whole undo is refused. */
#include <stdlib.h>
#include <string.h>

#include "browse_internal.h"
#include "paymatch/review.h"

struct undo_row {
	char table;
	int64_t id, version;
	bool inserted;
	char *status, *by, *at;     /* state to restore (before JSON) */
};

struct undo {
	int64_t audit_id, alloc_id, payment_row, invoice_row;
	char action[16];
	char *before, *after;
	struct undo_row *rows;
	size_t nrows, alloc;
};

static void undo_free(struct undo *u)
{
	for (size_t i = 0; i < u->nrows; i++) {
		free(u->rows[i].status);
		free(u->rows[i].by);
		free(u->rows[i].at);
	}
	free(u->rows);
	free(u->before);
	free(u->after);
}

static char *dup_col(sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	return t ? strdup((const char *)t) : NULL;
}

/* Finds user's latest decision that is not undone; returns 0, PM_EDATA (none) or PM_EIO. */
static int undo_find(struct store *st, const char *user, struct undo *u, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc = 0;

	if (store_prepare(st, "SELECT id, action, before, after, ifnull(allocation_id, 0), "
	                  "ifnull(payment_row, 0), ifnull(invoice_row, 0) FROM audit_log "
	                  "WHERE user = ? AND undone = 0 AND undoes IS NULL "
	                  "ORDER BY id DESC LIMIT 1", &stmt, err))
		return err->code;
	sqlite3_bind_text(stmt, 1, user, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		u->audit_id = sqlite3_column_int64(stmt, 0);
		snprintf(u->action, sizeof u->action, "%s", sqlite3_column_text(stmt, 1));
		u->before = dup_col(stmt, 2);
		u->after = dup_col(stmt, 3);
		u->alloc_id = sqlite3_column_int64(stmt, 4);
		u->payment_row = sqlite3_column_int64(stmt, 5);
		u->invoice_row = sqlite3_column_int64(stmt, 6);
		if (!u->after)
			u->after = strdup("{\"rows\":[]}");
	} else {
		rc = pm_error_set(err, PM_EDATA, "nothing to undo: %s has no decision left to undo",
		                  user);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Reads the changed rows (after JSON) joined with their earlier state (before JSON). */
static int undo_rows(struct store *st, struct undo *u, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, "SELECT a.value->>'t', a.value->>'id', ifnull(a.value->>'ins', 0), "
	                  "a.value->>'version', b.value->>'status', b.value->>'decided_by', "
	                  "b.value->>'decided_at' FROM json_each(?1, '$.rows') a "
	                  "LEFT JOIN json_each(?2, '$.rows') b ON b.value->>'t' = a.value->>'t' "
	                  "AND b.value->>'id' = a.value->>'id' ORDER BY a.key", &stmt, err))
		return err->code;
	sqlite3_bind_text(stmt, 1, u->after, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, u->before ? u->before : "{\"rows\":[]}", -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct undo_row *r;
		const unsigned char *t = sqlite3_column_text(stmt, 0);

		if (PM_GROW(u->rows, u->nrows + 1, u->alloc)) {
			sqlite3_finalize(stmt);
			return pm_error_set(err, PM_ESOFTWARE, "out of memory");
		}
		r = &u->rows[u->nrows++];
		memset(r, 0, sizeof *r);
		r->table = t && *t == 'e' ? 'e' : 'a';
		r->id = sqlite3_column_int64(stmt, 1);
		r->inserted = sqlite3_column_int(stmt, 2) != 0;
		r->version = sqlite3_column_int64(stmt, 3);
		r->status = dup_col(stmt, 4);
		r->by = dup_col(stmt, 5);
		r->at = dup_col(stmt, 6);
		if (!r->inserted && !r->status) {
			sqlite3_finalize(stmt);
			return pm_error_set(err, PM_EIO, "audit row %lld: no earlier state for %c%lld",
			                    (long long)u->audit_id, r->table, (long long)r->id);
		}
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_sql_error(st, err, 0, "reading the audit log");
}

static int undo_conflict(struct store *st, const struct undo *u, const struct undo_row *r,
                         struct pm_error *err)
{
	sqlite3_stmt *stmt;
	const char *what = r->table == 'a' ? "allocation" : "exception";
	int rc;

	if (store_prepare(st, "SELECT user, at, action FROM audit_log WHERE id > ?1 AND undone = 0 "
	                  "AND ((?2 = 'a' AND allocation_id = ?3) OR payment_row = ?4) "
	                  "ORDER BY id DESC LIMIT 1", &stmt, err))
		return err->code;
	sqlite3_bind_int64(stmt, 1, u->audit_id);
	sqlite3_bind_text(stmt, 2, r->table == 'a' ? "a" : "e", -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, r->id);
	sqlite3_bind_int64(stmt, 4, u->payment_row);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		rc = pm_error_set(err, REVIEW_CONFLICT, "cannot undo %s: %s %lld was changed since by "
		                  "%s at %s (%s)", u->action, what, (long long)r->id,
		                  sqlite3_column_text(stmt, 0), sqlite3_column_text(stmt, 1),
		                  sqlite3_column_text(stmt, 2));
	else
		rc = pm_error_set(err, REVIEW_CONFLICT, "cannot undo %s: %s %lld was changed since "
		                  "(by a match run or another session)", u->action, what,
		                  (long long)r->id);
	sqlite3_finalize(stmt);
	return rc;
}

/* Puts row r back as it was before the decision; 0 rows changed = conflict. */
static int undo_apply(struct store *st, const struct undo *u, const struct undo_row *r,
                      struct pm_error *err)
{
	static const char *const SQL[2][2] = {
		{ "UPDATE allocations SET status = ?3, decided_by = ?4, decided_at = ?5, "
		  "version = version + 1 WHERE id = ?1 AND version = ?2",
		  "DELETE FROM allocations WHERE id = ?1 AND version = ?2" },
		{ "UPDATE exceptions SET status = ?3, version = version + 1 WHERE id = ?1 AND "
		  "version = ?2", "DELETE FROM exceptions WHERE id = ?1 AND version = ?2" },
	};
	sqlite3_stmt *stmt;
	int rc = 0;

	if (store_prepare(st, SQL[r->table == 'e'][r->inserted], &stmt, err))
		return err->code;
	sqlite3_bind_int64(stmt, 1, r->id);
	sqlite3_bind_int64(stmt, 2, r->version);
	if (!r->inserted) {
		sqlite3_bind_text(stmt, 3, r->status, -1, SQLITE_STATIC);
		if (r->table == 'a') {
			store_bind_text(stmt, 4, r->by, -1);
			store_bind_text(stmt, 5, r->at, -1);
		}
	}
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_sql_error(st, err, 0, "undoing");
	else if (sqlite3_changes(st->db) == 0)
		rc = undo_conflict(st, u, r, err);
	sqlite3_finalize(stmt);
	return rc;
}

/* The undo's own after JSON: restored rows at their new version, deleted rows. */
static int undo_after_json(const struct undo *u, struct strbuf *sb)
{
	int rc = strbuf_addstr(sb, "{\"rows\":[");

	for (size_t i = 0; i < u->nrows; i++) {
		const struct undo_row *r = &u->rows[i];

		rc |= strbuf_addf(sb, "%s{\"t\":\"%c\",\"id\":%lld,", i ? "," : "", r->table,
		                  (long long)r->id);
		if (r->inserted)
			rc |= strbuf_addstr(sb, "\"deleted\":1}");
		else
			rc |= strbuf_addf(sb, "\"status\":\"%s\",\"version\":%lld}",
			                  strcmp(r->status, "open") && strcmp(r->status, "resolved") &&
			                  strcmp(r->status, "suggested") && strcmp(r->status, "auto") &&
			                  strcmp(r->status, "confirmed") && strcmp(r->status, "manual") &&
			                  strcmp(r->status, "rejected") ? "?" : r->status,
			                  (long long)r->version + 1);
	}
	return rc | strbuf_addstr(sb, "]}");
}

static int undo_record(struct store *st, const struct undo *u, const char *user,
                       const char *ts, struct review_result *res, struct pm_error *err)
{
	struct strbuf after = STRBUF_INIT;
	sqlite3_stmt *stmt;
	int rc = 0;

	if (undo_after_json(u, &after))
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	if (store_prepare(st, "INSERT INTO audit_log(at, user, action, allocation_id, payment_row, "
	                  "invoice_row, before, after, note, undoes) VALUES(?, ?, 'undo', "
	                  "nullif(?, 0), nullif(?, 0), nullif(?, 0), ?, ?, ?, ?)", &stmt, err)) {
		strbuf_release(&after);
		return err->code;
	}
	sqlite3_bind_text(stmt, 1, ts, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, u->alloc_id);
	sqlite3_bind_int64(stmt, 4, u->payment_row);
	sqlite3_bind_int64(stmt, 5, u->invoice_row);
	sqlite3_bind_text(stmt, 6, u->after, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, strbuf_str(&after), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, u->action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 9, u->audit_id);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_sql_error(st, err, 0, "writing the audit log");
	else
		res->audit_id = sqlite3_last_insert_rowid(st->db);
	sqlite3_finalize(stmt);
	strbuf_release(&after);
	if (rc || store_prepare(st, "UPDATE audit_log SET undone = 1 WHERE id = ?", &stmt, err))
		return rc ? rc : err->code;
	sqlite3_bind_int64(stmt, 1, u->audit_id);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_sql_error(st, err, 0, "marking the decision undone");
	sqlite3_finalize(stmt);
	return rc;
}

int review_undo_last(struct store *st, struct review_result *res, struct pm_error *err)
{
	struct undo u = { 0 };
	const char *user = store_user();
	char ts[32];
	int rc;

	memset(res, 0, sizeof *res);
	store_timestamp(ts, sizeof ts);
	if (store_begin(st, err))
		return err->code;
	rc = undo_find(st, user, &u, err);
	if (rc == 0)
		rc = undo_rows(st, &u, err);
	/* Backwards, so rows a decision inserted go before the rows they depended on. */
	for (size_t i = u.nrows; rc == 0 && i-- > 0;)
		rc = undo_apply(st, &u, &u.rows[i], err);
	if (rc == 0)
		rc = undo_record(st, &u, user, ts, res, err);
	if (rc == 0)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	if (rc == 0) {
		snprintf(res->action, sizeof res->action, "%s", u.action);
		res->count = (int64_t)u.nrows;
	}
	undo_free(&u);
	return rc;
}
