/* Reviewer decisions. Each public function is one BEGIN IMMEDIATE transaction: check the
 * versions the UI saw, change the rows, record every changed row's before and after state
 * in one audit_log row, commit. Undo replays that record backwards (docs/REVIEW.md). */
#include <stdlib.h>
#include <string.h>

#include "browse_internal.h"
#include "paymatch/review.h"

/* One row a decision changed: enough to restore it exactly. */
struct change {
	char table;                 /* 'a' allocations, 'e' exceptions */
	int64_t id;
	bool inserted;
	char before_status[12], after_status[12];
	int64_t after_version;
	char *before_by, *before_at;  /* allocations' decided_by/decided_at (NULL = NULL) */
};

struct decision {
	struct store *st;
	const char *user;
	char ts[32];
	struct change *ch;
	size_t nch, alloc;
	struct review_result *res;
	int64_t first_alloc, payment_row, invoice_row;
};

static void decision_init(struct decision *d, struct store *st, struct review_result *res)
{
	memset(d, 0, sizeof *d);
	memset(res, 0, sizeof *res);
	d->st = st;
	d->user = store_user();
	d->res = res;
	store_timestamp(d->ts, sizeof d->ts);
}

static void decision_free(struct decision *d)
{
	for (size_t i = 0; i < d->nch; i++) {
		free(d->ch[i].before_by);
		free(d->ch[i].before_at);
	}
	free(d->ch);
}

static struct change *add_change(struct decision *d, char table, int64_t id)
{
	struct change *c;

	if (PM_GROW(d->ch, d->nch + 1, d->alloc))
		return NULL;
	c = &d->ch[d->nch++];
	memset(c, 0, sizeof *c);
	c->table = table;
	c->id = id;
	return c;
}

static char *col_dup(sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	return t ? strdup((const char *)t) : NULL;
}

/* Builds "who changed it" for a conflict on allocation/payment rows. */
static int conflict(struct store *st, int64_t alloc_id, int64_t payment_row, const char *what,
                    int64_t id, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, "SELECT user, at, action FROM audit_log WHERE undone = 0 AND "
	                  "((?1 > 0 AND allocation_id = ?1) OR (?2 > 0 AND payment_row = ?2)) "
	                  "ORDER BY id DESC LIMIT 1", &stmt, err))
		return err->code;
	sqlite3_bind_int64(stmt, 1, alloc_id);
	sqlite3_bind_int64(stmt, 2, payment_row);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		rc = pm_error_set(err, REVIEW_CONFLICT, "%s %lld was changed by %s at %s (%s): "
		                  "refresh and decide again", what, (long long)id,
		                  sqlite3_column_text(stmt, 0), sqlite3_column_text(stmt, 1),
		                  sqlite3_column_text(stmt, 2));
	else
		rc = pm_error_set(err, REVIEW_CONFLICT, "%s %lld was changed by another session "
		                  "(a match run or import): refresh and decide again", what,
		                  (long long)id);
	sqlite3_finalize(stmt);
	return rc;
}

struct arow {
	int64_t id, payment_row, invoice_row, version, amount, deduction, match_group;
	char status[12], currency[4];
};

/* Loads allocation id into a; returns 0, REVIEW_CONFLICT (gone) or PM_EIO. */
static int alloc_load(struct store *st, int64_t id, struct arow *a, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc = 0;

	if (store_prepare(st, "SELECT ifnull(payment_row, 0), ifnull(invoice_row, 0), version, "
	                  "amount_applied, deduction, ifnull(match_group, 0), status, currency "
	                  "FROM allocations WHERE id = ?", &stmt, err))
		return err->code;
	sqlite3_bind_int64(stmt, 1, id);
	memset(a, 0, sizeof *a);
	a->id = id;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		a->payment_row = sqlite3_column_int64(stmt, 0);
		a->invoice_row = sqlite3_column_int64(stmt, 1);
		a->version = sqlite3_column_int64(stmt, 2);
		a->amount = sqlite3_column_int64(stmt, 3);
		a->deduction = sqlite3_column_int64(stmt, 4);
		a->match_group = sqlite3_column_int64(stmt, 5);
		snprintf(a->status, sizeof a->status, "%s", sqlite3_column_text(stmt, 6));
		snprintf(a->currency, sizeof a->currency, "%s", sqlite3_column_text(stmt, 7));
	} else {
		rc = pm_error_set(err, REVIEW_CONFLICT, "allocation %lld no longer exists (a match "
		                  "run re-derived the suggestions): refresh", (long long)id);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Sets allocation a's status if its version is still a->version; records the change. */
static int alloc_set_status(struct decision *d, const struct arow *a, const char *status,
                            struct pm_error *err)
{
	sqlite3_stmt *stmt;
	struct change *c = add_change(d, 'a', a->id);
	int rc = 0;

	if (!c)
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	if (store_prepare(d->st, "SELECT decided_by, decided_at FROM allocations WHERE id = ?",
	                  &stmt, err))
		return err->code;
	sqlite3_bind_int64(stmt, 1, a->id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		c->before_by = col_dup(stmt, 0);
		c->before_at = col_dup(stmt, 1);
	}
	sqlite3_finalize(stmt);
	snprintf(c->before_status, sizeof c->before_status, "%s", a->status);
	snprintf(c->after_status, sizeof c->after_status, "%s", status);
	c->after_version = a->version + 1;
	if (store_prepare(d->st, "UPDATE allocations SET status = ?, decided_by = ?, "
	                  "decided_at = ?, version = version + 1 WHERE id = ? AND version = ?",
	                  &stmt, err))
		return err->code;
	sqlite3_bind_text(stmt, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, d->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, d->ts, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, a->id);
	sqlite3_bind_int64(stmt, 5, a->version);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_sql_error(d->st, err, 0, "updating an allocation");
	else if (sqlite3_changes(d->st->db) == 0)
		rc = conflict(d->st, a->id, a->payment_row, "allocation", a->id, err);
	sqlite3_finalize(stmt);
	return rc;
}

/* Resolves exception id if still at version (version < 0: whatever it is, if open). */
static int exc_resolve(struct decision *d, int64_t id, int64_t version, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	struct change *c;
	int rc = 0;

	if (version < 0) {
		if (store_prepare(d->st, "SELECT version FROM exceptions WHERE id = ? AND "
		                  "status = 'open'", &stmt, err))
			return err->code;
		sqlite3_bind_int64(stmt, 1, id);
		version = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
		sqlite3_finalize(stmt);
		if (version < 0)
			return 0;
	}
	if (!(c = add_change(d, 'e', id)))
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	strcpy(c->before_status, "open");
	strcpy(c->after_status, "resolved");
	c->after_version = version + 1;
	if (store_prepare(d->st, "UPDATE exceptions SET status = 'resolved', version = version + 1 "
	                  "WHERE id = ? AND version = ? AND status = 'open'", &stmt, err))
		return err->code;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, version);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_sql_error(d->st, err, 0, "resolving an exception");
	else if (sqlite3_changes(d->st->db) == 0)
		rc = conflict(d->st, 0, d->payment_row, "exception", id, err);
	sqlite3_finalize(stmt);
	return rc;
}

/* Resolves the open exceptions selected by sql (int64 parameters ?1 and, if used, ?2). */
static int resolve_where(struct decision *d, const char *sql, int64_t param,
                         int64_t param2, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int64_t ids[64];
	size_t n = 0;
	int rc = 0;

	/* Collected first: the statement must be finished before the updates. */
	if (store_prepare(d->st, sql, &stmt, err))
		return err->code;
	sqlite3_bind_int64(stmt, 1, param);
	if (sqlite3_bind_parameter_count(stmt) > 1)
		sqlite3_bind_int64(stmt, 2, param2);
	while (n < 64 && sqlite3_step(stmt) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = exc_resolve(d, ids[i], -1, err);
	return rc;
}

/* Returns a single int64 from sql with one parameter (0 when no row). */
static int64_t query_i64(struct store *st, const char *sql, int64_t param)
{
	sqlite3_stmt *stmt;
	int64_t v = 0;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(stmt, 1, param);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static int64_t invoice_open(struct store *st, int64_t invoice_row)
{
	return query_i64(st, "SELECT " INV_OPEN_EXPR " FROM invoices i WHERE i.id = ?",
	                 invoice_row);
}

static int64_t payment_unapplied(struct store *st, int64_t payment_row)
{
	return query_i64(st, "SELECT " PAY_OPEN_EXPR " FROM payments p WHERE p.id = ?",
	                 payment_row);
}

/* Appends s as a JSON string (or null). */
static int json_str(struct strbuf *sb, const char *s)
{
	int rc = 0;

	if (!s)
		return strbuf_addstr(sb, "null");
	rc |= strbuf_addch(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			rc |= strbuf_addf(sb, "\\%c", c);
		else if (c < 0x20)
			rc |= strbuf_addf(sb, "\\u%04x", c);
		else
			rc |= strbuf_addch(sb, (char)c);
	}
	return rc | strbuf_addch(sb, '"');
}

/* {"rows":[...]} of the changes, before (after = false) or after the decision. */
static int changes_json(const struct decision *d, bool after, struct strbuf *sb)
{
	int rc = strbuf_addstr(sb, "{\"rows\":[");

	for (size_t i = 0; i < d->nch; i++) {
		const struct change *c = &d->ch[i];

		rc |= strbuf_addf(sb, "%s{\"t\":\"%c\",\"id\":%lld", i ? "," : "", c->table,
		                  (long long)c->id);
		if (c->inserted) {
			rc |= strbuf_addf(sb, after ? ",\"ins\":1,\"version\":%lld" : ",\"absent\":1",
			                  (long long)c->after_version);
		} else if (after) {
			rc |= strbuf_addstr(sb, ",\"status\":");
			rc |= json_str(sb, c->after_status);
			rc |= strbuf_addf(sb, ",\"version\":%lld", (long long)c->after_version);
		} else {
			rc |= strbuf_addstr(sb, ",\"status\":");
			rc |= json_str(sb, c->before_status);
			rc |= strbuf_addf(sb, ",\"version\":%lld", (long long)c->after_version - 1);
			if (c->table == 'a') {
				rc |= strbuf_addstr(sb, ",\"decided_by\":");
				rc |= json_str(sb, c->before_by);
				rc |= strbuf_addstr(sb, ",\"decided_at\":");
				rc |= json_str(sb, c->before_at);
			}
		}
		rc |= strbuf_addch(sb, '}');
	}
	return rc | strbuf_addstr(sb, "]}");
}

/* Writes the decision's audit row; undoes > 0 makes it an undo record. */
static int audit_write(struct decision *d, const char *action, const char *note,
                       int64_t undoes, const char *before_json, struct pm_error *err)
{
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;
	sqlite3_stmt *stmt;
	int rc = 0;

	if ((!before_json && changes_json(d, false, &before)) || changes_json(d, true, &after)) {
		rc = pm_error_set(err, PM_ESOFTWARE, "out of memory");
		goto out;
	}
	if (store_prepare(d->st, "INSERT INTO audit_log(at, user, action, allocation_id, "
	                  "payment_row, invoice_row, before, after, note, undoes) "
	                  "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt, err)) {
		rc = err->code;
		goto out;
	}
	sqlite3_bind_text(stmt, 1, d->ts, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, d->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, action, -1, SQLITE_STATIC);
	d->first_alloc ? sqlite3_bind_int64(stmt, 4, d->first_alloc) : sqlite3_bind_null(stmt, 4);
	d->payment_row ? sqlite3_bind_int64(stmt, 5, d->payment_row) : sqlite3_bind_null(stmt, 5);
	d->invoice_row ? sqlite3_bind_int64(stmt, 6, d->invoice_row) : sqlite3_bind_null(stmt, 6);
	sqlite3_bind_text(stmt, 7, before_json ? before_json : strbuf_str(&before), -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, strbuf_str(&after), -1, SQLITE_STATIC);
	store_bind_text(stmt, 9, note && *note ? note : NULL, -1);
	undoes ? sqlite3_bind_int64(stmt, 10, undoes) : sqlite3_bind_null(stmt, 10);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_sql_error(d->st, err, 0, "writing the audit log");
	else
		d->res->audit_id = sqlite3_last_insert_rowid(d->st->db);
	sqlite3_finalize(stmt);
out:
	strbuf_release(&before);
	strbuf_release(&after);
	return rc;
}

/* Runs the decision body fn inside one BEGIN IMMEDIATE transaction with its audit row. */
static int decide(struct decision *d, const char *action, const char *note,
                  int (*fn)(struct decision *, void *, struct pm_error *), void *arg,
                  struct pm_error *err)
{
	int rc;

	if (store_begin(d->st, err))
		return err->code;
	rc = fn(d, arg, err);
	if (rc == 0)
		rc = audit_write(d, action, note, 0, NULL, err);
	if (rc == 0)
		rc = store_commit(d->st, err);
	else
		store_rollback(d->st);
	if (rc == 0)
		snprintf(d->res->action, sizeof d->res->action, "%s", action);
	return rc;
}

/* Refuses a change that left the invoice or payment of a applied past its amount. */
static int check_not_over(struct decision *d, int64_t payment_row, int64_t invoice_row,
                          struct pm_error *err)
{
	if (invoice_row && invoice_open(d->st, invoice_row) < 0)
		return pm_error_set(err, PM_EDATA, "invoice row %lld would be over-applied "
		                    "(its open balance is smaller than the amount)",
		                    (long long)invoice_row);
	if (payment_row && payment_unapplied(d->st, payment_row) < 0)
		return pm_error_set(err, PM_EDATA, "payment row %lld would be over-applied "
		                    "(its unapplied cash is smaller than the amount)",
		                    (long long)payment_row);
	return 0;
}

/* In the lookups by payment, the unary + keeps SQLite on the payment's index: with a bound
 * payment it chose the (status, kind) index instead and read every open exception of that
 * kind (20-70 ms at 1M, measured with sqlite3_trace_v2 on a reject). */

/* Once a payment has no unapplied cash, its "still to match" exceptions are settled. */
static int settle_payment(struct decision *d, int64_t payment_row, struct pm_error *err)
{
	if (!payment_row || payment_unapplied(d->st, payment_row) > 0)
		return 0;
	return resolve_where(d, "SELECT id FROM exceptions WHERE payment_row = ? AND +status = "
	                     "'open' AND +kind IN ('unmatched_payment','suggested','ambiguous')",
	                     payment_row, 0, err);
}

/* Resolves the open exceptions naming allocation a. There is no index on
 * exceptions.allocation_id (one would cost the match run's write): such an exception is about
 * the allocation's payment (store_match writes it so), so the lookup goes through
 * exceptions_payment; only an allocation without a payment falls back to the status index
 * (measured at 1M: 20-100 ms for that scan, 0.1 ms through the payment). */
static int resolve_for_alloc(struct decision *d, const struct arow *a, struct pm_error *err)
{
	if (!a->payment_row)
		return resolve_where(d, "SELECT id FROM exceptions WHERE allocation_id = ?1 AND "
		                     "status = 'open'", a->id, 0, err);
	return resolve_where(d, "SELECT id FROM exceptions WHERE payment_row = ?2 AND "
	                     "allocation_id = ?1 AND +status = 'open'", a->id, a->payment_row, err);
}

static void add_amount(struct review_result *res, int64_t amount, const char *currency)
{
	if (res->count == 0)
		snprintf(res->currency, sizeof res->currency, "%s", currency);
	else if (strcmp(res->currency, currency) != 0)
		res->mixed_currency = true;
	res->count++;
	res->amount = res->mixed_currency ? 0 : res->amount + amount;
}

/* Accepts one allocation and its suggested siblings of the same match group. */
static int accept_one(struct decision *d, struct review_ref ref, struct pm_error *err)
{
	struct arow a;
	int64_t sib[32];
	size_t nsib = 0;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = alloc_load(d->st, ref.id, &a, err)))
		return rc;
	if (a.version != ref.version || (strcmp(a.status, "suggested") && strcmp(a.status, "auto")))
		return conflict(d->st, a.id, a.payment_row, "allocation", a.id, err);
	if (!d->first_alloc) {
		d->first_alloc = a.id;
		d->payment_row = a.payment_row;
		d->invoice_row = a.invoice_row;
	}
	if (a.match_group) {
		if (store_prepare(d->st, "SELECT id FROM allocations WHERE match_group = ? AND "
		                  "payment_row = ? AND +status = 'suggested' AND id <> ?", &stmt, err))
			return err->code;
		sqlite3_bind_int64(stmt, 1, a.match_group);
		sqlite3_bind_int64(stmt, 2, a.payment_row);
		sqlite3_bind_int64(stmt, 3, a.id);
		while (nsib < 32 && sqlite3_step(stmt) == SQLITE_ROW)
			sib[nsib++] = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	for (size_t i = 0; i <= nsib; i++) {
		struct arow s = a;

		if (i > 0 && (rc = alloc_load(d->st, sib[i - 1], &s, err)))
			return rc;
		if ((rc = alloc_set_status(d, &s, "confirmed", err)) ||
		    (rc = check_not_over(d, s.payment_row, s.invoice_row, err)) ||
		    (rc = resolve_for_alloc(d, &s, err)))
			return rc;
		add_amount(d->res, s.amount, s.currency);
	}
	return settle_payment(d, a.payment_row, err);
}

struct refs {
	const struct review_ref *v;
	size_t n;
};

static int accept_body(struct decision *d, void *arg, struct pm_error *err)
{
	const struct refs *r = arg;

	for (size_t i = 0; i < r->n; i++)
		if (accept_one(d, r->v[i], err))
			return err->code;
	return 0;
}

int review_accept(struct store *st, struct review_ref alloc, const char *note,
                  struct review_result *res, struct pm_error *err)
{
	struct decision d;
	struct refs r = { &alloc, 1 };
	int rc;

	decision_init(&d, st, res);
	rc = decide(&d, "accept", note, accept_body, &r, err);
	decision_free(&d);
	return rc;
}

int review_accept_many(struct store *st, const struct review_ref *allocs, size_t n,
                       const char *note, struct review_result *res, struct pm_error *err)
{
	struct decision d;
	struct refs r = { allocs, n };
	int rc;

	if (n == 0)
		return pm_error_set(err, PM_EDATA, "no rows marked");
	decision_init(&d, st, res);
	rc = decide(&d, "accept_many", note, accept_body, &r, err);
	decision_free(&d);
	return rc;
}

/* Opens an unmatched_payment exception for a payment left with nothing applied/proposed. */
static int reopen_payment(struct decision *d, int64_t payment_row, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	struct change *c;
	int rc = 0;

	if (!payment_row ||
	    query_i64(d->st, "SELECT count(*) FROM allocations WHERE payment_row = ? AND +status IN "
	              "('auto','confirmed','manual','suggested')", payment_row) > 0 ||
	    query_i64(d->st, "SELECT count(*) FROM exceptions WHERE payment_row = ? AND +status = "
	              "'open' AND +kind = 'unmatched_payment'", payment_row) > 0)
		return 0;
	if (store_prepare(d->st, "INSERT INTO exceptions(kind, payment_row, amount, currency, "
	                  "detail) SELECT 'unmatched_payment', p.id, p.amount, p.currency, "
	                  "'suggestion rejected by ' || ? FROM payments p WHERE p.id = ?", &stmt, err))
		return err->code;
	sqlite3_bind_text(stmt, 1, d->user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, payment_row);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_sql_error(d->st, err, 0, "opening an exception");
	sqlite3_finalize(stmt);
	if (rc)
		return rc;
	if (!(c = add_change(d, 'e', sqlite3_last_insert_rowid(d->st->db))))
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	c->inserted = true;
	c->after_version = 1;
	return 0;
}

static int reject_body(struct decision *d, void *arg, struct pm_error *err)
{
	const struct review_ref *ref = arg;
	struct arow a;
	int rc;

	if ((rc = alloc_load(d->st, ref->id, &a, err)))
		return rc;
	if (a.version != ref->version || (strcmp(a.status, "suggested") && strcmp(a.status, "auto")))
		return conflict(d->st, a.id, a.payment_row, "allocation", a.id, err);
	d->first_alloc = a.id;
	d->payment_row = a.payment_row;
	d->invoice_row = a.invoice_row;
	if ((rc = alloc_set_status(d, &a, "rejected", err)) ||
	    (rc = resolve_for_alloc(d, &a, err)))
		return rc;
	add_amount(d->res, a.amount, a.currency);
	return reopen_payment(d, a.payment_row, err);
}

int review_reject(struct store *st, struct review_ref alloc, const char *note,
                  struct review_result *res, struct pm_error *err)
{
	struct decision d;
	int rc;

	decision_init(&d, st, res);
	rc = decide(&d, "reject", note, reject_body, &alloc, err);
	decision_free(&d);
	return rc;
}

struct manual_arg {
	int64_t payment_row;
	const struct review_line *lines;
	size_t n;
	struct review_ref exc;
};

static int insert_alloc(struct decision *d, int64_t payment_row, int64_t invoice_row,
                        int64_t applied, int64_t deduction, const char *currency,
                        const char *rule, const char *explanation, const char *reason,
                        struct pm_error *err)
{
	sqlite3_stmt *stmt;
	struct change *c;
	int rc = 0;

	if (store_prepare(d->st, "INSERT INTO allocations(payment_row, invoice_row, amount_applied,"
	                  " deduction, currency, confidence, rule, explanation, status, reason_code,"
	                  " decided_by, decided_at, created_at) VALUES(?, ?, ?, ?, ?, 1.0, ?, ?, "
	                  "'manual', ?, ?, ?, ?)", &stmt, err))
		return err->code;
	payment_row ? sqlite3_bind_int64(stmt, 1, payment_row) : sqlite3_bind_null(stmt, 1);
	sqlite3_bind_int64(stmt, 2, invoice_row);
	sqlite3_bind_int64(stmt, 3, applied);
	sqlite3_bind_int64(stmt, 4, deduction);
	sqlite3_bind_text(stmt, 5, currency, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, explanation, -1, SQLITE_STATIC);
	store_bind_text(stmt, 8, reason, -1);
	sqlite3_bind_text(stmt, 9, d->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 10, d->ts, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 11, d->ts, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_sql_error(d->st, err, 0, "inserting an allocation");
	sqlite3_finalize(stmt);
	if (rc)
		return rc;
	if (!(c = add_change(d, 'a', sqlite3_last_insert_rowid(d->st->db))))
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	c->inserted = true;
	c->after_version = 1;
	if (!d->first_alloc)
		d->first_alloc = c->id;
	return 0;
}

/* Reads the currency of row id of table ("payments"/"invoices" from the callers only). */
static int row_currency(struct store *st, bool invoice, int64_t id, char cur[4])
{
	sqlite3_stmt *stmt;
	int found = 0;

	if (sqlite3_prepare_v2(st->db, invoice ? "SELECT currency FROM invoices WHERE id = ?" :
	                       "SELECT currency FROM payments WHERE id = ?", -1, &stmt,
	                       NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		snprintf(cur, 4, "%s", sqlite3_column_text(stmt, 0));
		found = 1;
	}
	sqlite3_finalize(stmt);
	return found;
}

static int manual_line(struct decision *d, const struct manual_arg *m, size_t i,
                       const char *pcur, const char *why, struct pm_error *err)
{
	const struct review_line *l = &m->lines[i];
	char icur[4];
	int64_t open;

	if (!row_currency(d->st, true, l->invoice_row, icur))
		return pm_error_set(err, PM_EDATA, "line %zu: no invoice row %lld", i + 1,
		                    (long long)l->invoice_row);
	if (strcmp(icur, pcur) != 0)
		return pm_error_set(err, PM_EDATA, "line %zu: the invoice is in %s, the payment in "
		                    "%s: currencies must match", i + 1, icur, pcur);
	if (l->amount <= 0)
		return pm_error_set(err, PM_EDATA, "line %zu: the amount must be more than 0", i + 1);
	open = invoice_open(d->st, l->invoice_row);
	if (l->amount > open)
		return pm_error_set(err, PM_EDATA, "line %zu: %lld is more than the invoice's open "
		                    "balance %lld (minor units)", i + 1, (long long)l->amount,
		                    (long long)open);
	if (!d->invoice_row)
		d->invoice_row = l->invoice_row;
	return insert_alloc(d, m->payment_row, l->invoice_row, l->amount, 0, pcur, "manual", why,
	                    NULL, err);
}

static int manual_body(struct decision *d, void *arg, struct pm_error *err)
{
	const struct manual_arg *m = arg;
	char pcur[4], why[128];
	int64_t total = 0, unapplied;

	if (m->n == 0)
		return pm_error_set(err, PM_EDATA, "no invoice chosen");
	if (!row_currency(d->st, false, m->payment_row, pcur))
		return pm_error_set(err, PM_EDATA, "no payment row %lld", (long long)m->payment_row);
	d->payment_row = m->payment_row;
	unapplied = payment_unapplied(d->st, m->payment_row);
	snprintf(why, sizeof why, "matched by %s", d->user);
	for (size_t i = 0; i < m->n; i++) {
		if (manual_line(d, m, i, pcur, why, err))
			return err->code;
		total += m->lines[i].amount;
		add_amount(d->res, m->lines[i].amount, pcur);
	}
	if (total > unapplied)
		return pm_error_set(err, PM_EDATA, "the lines total %lld, more than the payment's "
		                    "unapplied cash %lld (minor units)", (long long)total,
		                    (long long)unapplied);
	if (m->exc.id && exc_resolve(d, m->exc.id, m->exc.version, err))
		return err->code;
	d->res->remainder = unapplied - total;
	return settle_payment(d, m->payment_row, err);
}

int review_manual(struct store *st, int64_t payment_row, const struct review_line *lines,
                  size_t n, struct review_ref exc, const char *note,
                  struct review_result *res, struct pm_error *err)
{
	struct decision d;
	struct manual_arg m = { payment_row, lines, n, exc };
	int rc;

	decision_init(&d, st, res);
	rc = decide(&d, n > 1 ? "split" : "manual", note, manual_body, &m, err);
	decision_free(&d);
	return rc;
}

struct writeoff_arg {
	int64_t invoice_row, amount;
	const char *code;
	struct review_ref exc;
};

static int writeoff_body(struct decision *d, void *arg, struct pm_error *err)
{
	const struct writeoff_arg *w = arg;
	char cur[4], why[160];
	int64_t open;

	if (!row_currency(d->st, true, w->invoice_row, cur))
		return pm_error_set(err, PM_EDATA, "no invoice row %lld", (long long)w->invoice_row);
	open = invoice_open(d->st, w->invoice_row);
	if (w->amount <= 0 || w->amount > open)
		return pm_error_set(err, PM_EDATA, "write-off of %lld: must be more than 0 and at most "
		                    "the open balance %lld (minor units)", (long long)w->amount,
		                    (long long)open);
	d->invoice_row = w->invoice_row;
	snprintf(why, sizeof why, "written off by %s: %s", d->user, w->code);
	if (insert_alloc(d, 0, w->invoice_row, 0, w->amount, cur, "writeoff", why, w->code, err))
		return err->code;
	add_amount(d->res, w->amount, cur);
	if (w->exc.id && exc_resolve(d, w->exc.id, w->exc.version, err))
		return err->code;
	d->res->remainder = open - w->amount;
	if (d->res->remainder > 0)
		return 0;
	return resolve_where(d, "SELECT id FROM exceptions WHERE invoice_row = ? AND status = "
	                     "'open' AND kind = 'short_pay'", w->invoice_row, 0, err);
}

int review_writeoff(struct store *st, const struct pm_config *cfg, int64_t invoice_row,
                    int64_t amount, const char *reason_code, struct review_ref exc,
                    const char *note, struct review_result *res, struct pm_error *err)
{
	struct writeoff_arg w = { invoice_row, amount, reason_code, exc };
	struct decision d;
	bool known = false;
	int rc;

	for (size_t i = 0; cfg && reason_code && i < cfg->ui.nwriteoff_reasons; i++)
		known |= strcmp(cfg->ui.writeoff_reasons[i].code, reason_code) == 0;
	memset(res, 0, sizeof *res);
	if (!known)
		return pm_error_set(err, PM_EDATA, "write-off reason \"%s\" is not one of ui.writeoff_"
		                    "reasons in the configuration", reason_code ? reason_code : "");
	decision_init(&d, st, res);
	rc = decide(&d, "writeoff", note, writeoff_body, &w, err);
	decision_free(&d);
	return rc;
}

struct note_arg {
	enum review_target target;
	int64_t row;
};

static int note_body(struct decision *d, void *arg, struct pm_error *err)
{
	const struct note_arg *n = arg;
	static const char *const SQL[] = {
		[REVIEW_PAYMENT] = "SELECT id, 0 FROM payments WHERE id = ?",
		[REVIEW_INVOICE] = "SELECT 0, id FROM invoices WHERE id = ?",
		[REVIEW_EXCEPTION] = "SELECT ifnull(payment_row, 0), ifnull(invoice_row, 0) "
		                     "FROM exceptions WHERE id = ?",
	};
	sqlite3_stmt *stmt;
	int found;

	if (store_prepare(d->st, SQL[n->target], &stmt, err))
		return err->code;
	sqlite3_bind_int64(stmt, 1, n->row);
	if ((found = sqlite3_step(stmt) == SQLITE_ROW)) {
		d->payment_row = sqlite3_column_int64(stmt, 0);
		d->invoice_row = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	return found ? 0 : pm_error_set(err, PM_EDATA, "nothing to attach the note to (row %lld)",
	                                (long long)n->row);
}

int review_note(struct store *st, enum review_target target, int64_t row, const char *text,
                struct review_result *res, struct pm_error *err)
{
	struct note_arg n = { target, row };
	struct decision d;
	int rc;

	memset(res, 0, sizeof *res);
	if (!text || !*text)
		return pm_error_set(err, PM_EDATA, "an empty note is not recorded");
	if ((unsigned)target > REVIEW_EXCEPTION)
		return pm_error_set(err, PM_EUSAGE, "bad note target");
	decision_init(&d, st, res);
	rc = decide(&d, "note", text, note_body, &n, err);
	decision_free(&d);
	return rc;
}

bool review_data_changed(struct store *st, int64_t *seen)
{
	int64_t v = store_data_version(st);
	bool changed = *seen >= 0 && v != *seen;

	*seen = v;
	return changed;
}
