/* The accounting invariants `paymatch check` verifies (SQL only here; the CLI prints). */
#include <stdio.h>
#include <string.h>

#include "paymatch/store_report.h"
#include "store_internal.h"

#define APPLIED "('auto','confirmed','manual')"

struct invariant {
	const char *rule;
	const char *sql;   /* each row: one text column describing one violation */
};

/* At most this many violations of one rule are listed; the count says how many more. */
#define CHECK_LIST_MAX 20

static const struct invariant INVARIANTS[] = {
	{ "invoice over-applied",
	  "SELECT i.invoice_id || ': amount ' || i.amount || ', applied + deductions ' || s.t"
	  " || ' (minor units)'"
	  " FROM (SELECT invoice_row r, SUM(amount_applied + deduction) t FROM allocations"
	  "  WHERE status IN " APPLIED " AND invoice_row IS NOT NULL GROUP BY invoice_row) s"
	  " JOIN invoices i ON i.id = s.r WHERE s.t > i.amount AND i.amount >= 0 ORDER BY i.id" },
	{ "payment over-applied",
	  "SELECT p.payment_id || ': amount ' || p.amount || ', applied ' || s.t || ' (minor units)'"
	  " FROM (SELECT payment_row r, SUM(amount_applied) t FROM allocations"
	  "  WHERE status IN " APPLIED " AND payment_row IS NOT NULL GROUP BY payment_row) s"
	  " JOIN payments p ON p.id = s.r WHERE s.t > p.amount AND p.amount >= 0 ORDER BY p.id" },
	{ "allocation currency differs from its invoice",
	  "SELECT 'allocation ' || a.id || ' (' || a.currency || ') on invoice ' || i.invoice_id"
	  " || ' (' || i.currency || ')' FROM allocations a JOIN invoices i ON i.id = a.invoice_row"
	  " WHERE a.currency <> i.currency AND a.status <> 'rejected' ORDER BY a.id" },
	{ "allocation currency differs from its payment",
	  "SELECT 'allocation ' || a.id || ' (' || a.currency || ') of payment ' || p.payment_id"
	  " || ' (' || p.currency || ')' FROM allocations a JOIN payments p ON p.id = a.payment_row"
	  " WHERE a.currency <> p.currency AND a.status <> 'rejected' ORDER BY a.id" },
	{ "applied allocation for a rejected pair",
	  "SELECT 'allocation ' || a.id || ' (' || a.status || ') pairs payment ' || p.payment_id"
	  " || ' with invoice ' || i.invoice_id || ', a pair rejected by allocation ' || r.id"
	  " FROM allocations a JOIN allocations r ON r.payment_row = a.payment_row"
	  "  AND r.invoice_row = a.invoice_row AND r.status = 'rejected'"
	  " JOIN payments p ON p.id = a.payment_row JOIN invoices i ON i.id = a.invoice_row"
	  " WHERE a.status IN " APPLIED " ORDER BY a.id" },
	{ "negative allocation amount",
	  "SELECT 'allocation ' || id || ': amount_applied ' || amount_applied || ', deduction '"
	  " || deduction FROM allocations WHERE amount_applied < 0 OR deduction < 0 ORDER BY id" },
	{ "allocation with neither payment nor invoice",
	  "SELECT 'allocation ' || id FROM allocations"
	  " WHERE payment_row IS NULL AND invoice_row IS NULL ORDER BY id" },
	{ "write-off without a reason",
	  "SELECT 'allocation ' || id || ' on invoice row ' || invoice_row FROM allocations"
	  " WHERE payment_row IS NULL AND status IN " APPLIED " AND deduction > 0"
	  " AND (reason_code IS NULL OR reason_code = '') ORDER BY id" },
	{ "dangling reference",
	  "SELECT \"table\" || ' row ' || rowid || ' refers to a missing ' || parent"
	  " FROM pragma_foreign_key_check" },
};

static int64_t run_invariant(struct store *st, const struct invariant *inv, store_finding_fn fn,
                             void *ctx, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int64_t n = 0;
	int rc;
	char more[96];

	if (store_prepare(st, inv->sql, &stmt, err))
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(stmt, 0);

		if (n++ < CHECK_LIST_MAX && fn(ctx, inv->rule, t ? (const char *)t : "?"))
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_sql_error(st, err, 0, inv->rule);
		return -1;
	}
	if (n > CHECK_LIST_MAX) {
		snprintf(more, sizeof more, "... and %lld more", (long long)(n - CHECK_LIST_MAX));
		fn(ctx, inv->rule, more);
	}
	return n;
}

int64_t store_check_invariants(struct store *st, store_finding_fn fn, void *ctx,
                               struct pm_error *err)
{
	int64_t total = 0;

	/* The invariants read every allocation and look up its invoice and payment: map the
	 * file rather than copy pages through the default 2 MB cache. */
	if (store_exec(st, "PRAGMA mmap_size = 1073741824", err) ||
	    store_exec(st, "PRAGMA cache_size = -65536", err) || store_exec(st, "BEGIN", err))
		return -1;
	for (size_t i = 0; i < sizeof INVARIANTS / sizeof INVARIANTS[0]; i++) {
		int64_t n = run_invariant(st, &INVARIANTS[i], fn, ctx, err);

		if (n < 0) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		total += n;
	}
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return total;
}
