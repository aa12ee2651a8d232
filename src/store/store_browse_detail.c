/* The detail pane's data: one payment or invoice with its open amount, and a payment's
 * candidate invoices (its allocations of every status, then invoices its exceptions name).
 * Each is a handful of primary-key or index lookups. */
#include <stdlib.h>
#include <string.h>

#include "browse_internal.h"

static void copy_col(char *dst, size_t n, sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

static int read_item(struct store *st, const char *sql, int64_t row, const char *what,
                     struct browse_item *out, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (store_prepare(st, sql, &stmt, err))
		return err->code;
	sqlite3_bind_int64(stmt, 1, row);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		out->row = row;
		copy_col(out->id, sizeof out->id, stmt, 0);
		copy_col(out->name, sizeof out->name, stmt, 1);
		copy_col(out->customer_id, sizeof out->customer_id, stmt, 2);
		copy_col(out->date, sizeof out->date, stmt, 3);
		copy_col(out->reference, sizeof out->reference, stmt, 4);
		out->amount = sqlite3_column_int64(stmt, 5);
		out->open = sqlite3_column_int64(stmt, 6);
		copy_col(out->currency, sizeof out->currency, stmt, 7);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = pm_error_set(err, PM_EDATA, "no %s row %lld", what, (long long)row);
	} else {
		rc = store_sql_error(st, err, 0, "reading a row");
	}
	sqlite3_finalize(stmt);
	return rc;
}

int browse_payment(struct store *st, int64_t payment_row, struct browse_item *out,
                   struct pm_error *err)
{
	return read_item(st, "SELECT p.payment_id, p.payer_name, p.customer_id, p.payment_date, "
	                 "p.reference_number, p.amount, " PAY_OPEN_EXPR ", p.currency "
	                 "FROM payments p WHERE p.id = ?", payment_row, "payment", out, err);
}

int browse_invoice(struct store *st, int64_t invoice_row, struct browse_item *out,
                   struct pm_error *err)
{
	return read_item(st, "SELECT i.invoice_id, i.customer_name, i.customer_id, i.due_date, "
	                 "i.reference_number, i.amount, " INV_OPEN_EXPR ", i.currency "
	                 "FROM invoices i WHERE i.id = ?", invoice_row, "invoice", out, err);
}

/* Allocations first (best confidence first), then invoices named only by exceptions. */
static const char CANDIDATES_SQL[] =
	"SELECT * FROM ("
	" SELECT a.id, a.version, i.id, i.invoice_id, i.customer_name, i.amount, "
	INV_OPEN_EXPR ", a.amount_applied, a.currency, a.confidence, a.status, a.rule, "
	"  a.explanation, 0 AS src"
	" FROM allocations a JOIN invoices i ON i.id = a.invoice_row WHERE a.payment_row = ?1"
	" UNION ALL"
	" SELECT 0, 0, i.id, i.invoice_id, i.customer_name, i.amount, " INV_OPEN_EXPR ", 0, "
	"  i.currency, ifnull(e.confidence, 0), 'exception', e.kind, e.detail, 1"
	" FROM exceptions e JOIN invoices i ON i.id = e.invoice_row"
	" WHERE e.payment_row = ?1 AND e.status = 'open' AND NOT EXISTS (SELECT 1 FROM"
	"  allocations a WHERE a.payment_row = ?1 AND a.invoice_row = e.invoice_row))"
	" ORDER BY src, 10 DESC LIMIT ?2";

static void read_candidate(sqlite3_stmt *stmt, struct browse_candidate *c)
{
	memset(c, 0, sizeof *c);
	c->allocation_id = sqlite3_column_int64(stmt, 0);
	c->allocation_version = sqlite3_column_int64(stmt, 1);
	c->invoice_row = sqlite3_column_int64(stmt, 2);
	copy_col(c->invoice_id, sizeof c->invoice_id, stmt, 3);
	copy_col(c->customer_name, sizeof c->customer_name, stmt, 4);
	c->invoice_amount = sqlite3_column_int64(stmt, 5);
	c->open_balance = sqlite3_column_int64(stmt, 6);
	c->amount_applied = sqlite3_column_int64(stmt, 7);
	copy_col(c->currency, sizeof c->currency, stmt, 8);
	c->confidence = sqlite3_column_double(stmt, 9);
	copy_col(c->status, sizeof c->status, stmt, 10);
	copy_col(c->rule, sizeof c->rule, stmt, 11);
	copy_col(c->explanation, sizeof c->explanation, stmt, 12);
}

int browse_candidates(struct store *st, int64_t payment_row, size_t max,
                      struct browse_candidate **out, size_t *n, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_prepare(st, CANDIDATES_SQL, &stmt, err))
		return err->code;
	sqlite3_bind_int64(stmt, 1, payment_row);
	sqlite3_bind_int64(stmt, 2, (int64_t)(max ? max : 8));
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (PM_GROW(*out, *n + 1, alloc)) {
			sqlite3_finalize(stmt);
			free(*out);
			*out = NULL;
			*n = 0;
			return pm_error_set(err, PM_ESOFTWARE, "out of memory");
		}
		read_candidate(stmt, &(*out)[(*n)++]);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return store_sql_error(st, err, 0, "reading candidates");
	}
	return 0;
}
