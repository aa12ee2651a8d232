/* pmmkset: builds a synthetic working set for report benchmarks, fast (about 10 s for 1M):
 * N invoices over ~N/50 customers and four currencies (JPY has no decimals), dates over two
 * years, N payments, ~N allocations (mostly auto, some suggested/confirmed/manual/rejected,
 * a few write-offs without a payment), ~3% exceptions, two runs. The schema is the real one
 * (store_open creates it); indexes are dropped for the load and rebuilt after it.
 * Usage: pmmkset DB [N]   (DB must not exist; N defaults to 1000000)
 * A benchmark tool, not a paymatch module: it talks to SQLite directly. */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paymatch/date.h"
#include "paymatch/store.h"

static uint64_t rng_state = 88172645463325252u;

static uint64_t rnd(void)   /* xorshift64: repeatable sets */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int64_t rnd_below(int64_t n)
{
	return (int64_t)(rnd() % (uint64_t)n);
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "pmmkset: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		fprintf(stderr, "pmmkset: %s: %s\n", sql, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int step(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "pmmkset: insert: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static const char *const CUR[] = { "EUR", "USD", "GBP", "JPY" };

static int cur_of(int64_t customer)   /* a customer bills in one currency */
{
	int64_t m = customer % 20;

	return m < 12 ? 0 : m < 17 ? 1 : m < 19 ? 2 : 3;
}

static void cust_name(int64_t c, char *buf, size_t n)
{
	static const char *const STEM[] = { "Müller GmbH", "Dupont SARL", "Smith Ltd", "Nørgaard A/S",
	                                    "Rossi S.p.A.", "Kowalski Sp. z o.o.", "García S.L." };

	snprintf(buf, n, "%s %" PRId64, STEM[c % 7], c);
}

struct set {
	int64_t n, ncust;
	pm_date day0;
	int64_t *inv_amount;   /* by invoice row - 1 */
	int64_t *inv_cust;
	pm_date *inv_date;
};

static int load_customers(sqlite3 *db, const struct set *s)
{
	sqlite3_stmt *st;
	char id[32], name[64];

	if (prep(db, "INSERT INTO customers VALUES(?,?)", &st))
		return -1;
	for (int64_t c = 1; c <= s->ncust; c++) {
		snprintf(id, sizeof id, "C%06" PRId64, c);
		cust_name(c, name, sizeof name);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
		if (step(db, st))
			return -1;
	}
	return sqlite3_finalize(st) == SQLITE_OK ? 0 : -1;
}

static int load_invoices(sqlite3 *db, struct set *s)
{
	sqlite3_stmt *st;
	char id[32], cust[32], name[64], d1[11], d2[11], ref[32];

	if (prep(db, "INSERT INTO invoices(id,invoice_id,customer_id,customer_name,invoice_date,"
	         "due_date,amount,currency,reference_number,line) VALUES(?,?,?,?,?,?,?,?,?,?)", &st))
		return -1;
	for (int64_t i = 1; i <= s->n; i++) {
		int64_t c = 1 + rnd_below(s->ncust);
		pm_date d = s->day0 + (pm_date)rnd_below(730);
		int cu = cur_of(c);
		int64_t amount = 1000 + rnd_below(cu == 3 ? 200000 : 2000000);

		s->inv_amount[i - 1] = amount;
		s->inv_cust[i - 1] = c;
		s->inv_date[i - 1] = d;
		snprintf(id, sizeof id, "INV-%08" PRId64, i);
		snprintf(cust, sizeof cust, "C%06" PRId64, c);
		snprintf(ref, sizeof ref, "RF%010" PRId64, i * 7919 % 1000000007);
		cust_name(c, name, sizeof name);
		date_to_iso(d, d1, sizeof d1);
		date_to_iso(d + 30, d2, sizeof d2);
		sqlite3_bind_int64(st, 1, i);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, cust, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, d1, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, d2, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 7, amount);
		sqlite3_bind_text(st, 8, CUR[cu], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, ref, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 10, i + 1);
		if (step(db, st))
			return -1;
	}
	return sqlite3_finalize(st) == SQLITE_OK ? 0 : -1;
}

/* Payment p pays invoice p (p <= 97% of n), in full or partly; the rest pay nothing known. */
static int load_payments(sqlite3 *db, const struct set *s)
{
	sqlite3_stmt *st;
	char id[32], cust[32], payer[64], d[11], memo[64];

	if (prep(db, "INSERT INTO payments(id,payment_id,payment_date,amount,currency,payer_name,"
	         "customer_id,reference_number,memo,line) VALUES(?,?,?,?,?,?,?,?,?,?)", &st))
		return -1;
	for (int64_t p = 1; p <= s->n; p++) {
		int64_t c = s->inv_cust[p - 1], amount = s->inv_amount[p - 1];

		if (rnd_below(10) == 0)
			amount -= amount / 10;   /* a partial payment */
		snprintf(id, sizeof id, "PAY-%08" PRId64, p);
		snprintf(cust, sizeof cust, "C%06" PRId64, c);
		cust_name(c, payer, sizeof payer);
		date_to_iso(s->inv_date[p - 1] + (pm_date)rnd_below(60), d, sizeof d);
		snprintf(memo, sizeof memo, "INV-%08" PRId64 " thank you", p);
		sqlite3_bind_int64(st, 1, p);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, d, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, amount);
		sqlite3_bind_text(st, 5, CUR[cur_of(c)], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, payer, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 7, rnd_below(10) ? cust : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 8, "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, memo, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 10, p + 1);
		if (step(db, st))
			return -1;
	}
	return sqlite3_finalize(st) == SQLITE_OK ? 0 : -1;
}

static const char *pick_status(void)
{
	int64_t r = rnd_below(100);

	return r < 85 ? "auto" : r < 90 ? "suggested" : r < 94 ? "confirmed" : r < 97 ? "manual"
	                                                                         : "rejected";
}

static int load_allocations(sqlite3 *db, const struct set *s)
{
	static const char *const RULE[] = { "reference", "amount", "name", "subset" };
	sqlite3_stmt *st;
	char expl[96], at[32], dec[32];

	if (prep(db, "INSERT INTO allocations(payment_row,invoice_row,amount_applied,deduction,"
	         "currency,confidence,rule,explanation,status,reason_code,run_id,decided_by,"
	         "decided_at,created_at) VALUES(?,?,?,?,?,?,?,?,?,?,1,?,?,?)", &st))
		return -1;
	for (int64_t p = 1; p <= s->n; p++) {
		bool writeoff = p % 500 == 0;
		int64_t inv = p, amount = s->inv_amount[p - 1];
		const char *status = writeoff ? "manual" : pick_status();
		bool decided = strcmp(status, "auto") && strcmp(status, "suggested");
		const char *rule = writeoff ? "writeoff" : RULE[rnd_below(4)];

		if (p > s->n * 97 / 100)
			continue;
		date_to_iso(s->inv_date[p - 1] + 61, at, sizeof at);
		strcat(at, "T08:00:00Z");
		snprintf(dec, sizeof dec, "%.10sT12:%02d:00Z", at, (int)rnd_below(60));
		snprintf(expl, sizeof expl, "%s: INV-%08" PRId64 " in memo, amount %s", rule, inv,
		         rnd_below(3) ? "equal" : "within tolerance, \"short\"");
		if (writeoff)
			sqlite3_bind_null(st, 1);
		else
			sqlite3_bind_int64(st, 1, p);
		sqlite3_bind_int64(st, 2, inv);
		sqlite3_bind_int64(st, 3, writeoff ? 0 : amount - amount / 10);
		sqlite3_bind_int64(st, 4, writeoff ? amount / 20 : 0);
		sqlite3_bind_text(st, 5, CUR[cur_of(s->inv_cust[p - 1])], -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 6, writeoff ? 1.0 : 0.5 + (double)rnd_below(500) / 1000.0);
		sqlite3_bind_text(st, 7, rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, expl, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 9, status, -1, SQLITE_STATIC);
		if (writeoff)
			sqlite3_bind_text(st, 10, "bad_debt", -1, SQLITE_STATIC);
		if (decided) {
			sqlite3_bind_text(st, 11, "anna", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 12, dec, -1, SQLITE_TRANSIENT);
		}
		sqlite3_bind_text(st, 13, at, -1, SQLITE_TRANSIENT);
		if (step(db, st))
			return -1;
	}
	return sqlite3_finalize(st) == SQLITE_OK ? 0 : -1;
}

static int load_exceptions(sqlite3 *db, const struct set *s)
{
	static const char *const KIND[] = { "unmatched_payment", "suggested", "short_pay",
	                                    "over_pay", "duplicate", "ambiguous" };
	sqlite3_stmt *st;
	char detail[96];

	if (prep(db, "INSERT INTO exceptions(kind,payment_row,invoice_row,allocation_id,amount,"
	         "currency,confidence,detail,run_id) VALUES(?,?,?,?,?,?,?,?,1)", &st))
		return -1;
	for (int64_t p = 1; p <= s->n; p += 33) {
		int k = (int)rnd_below(6);
		int64_t q = p;

		snprintf(detail, sizeof detail, "%s: payer name only; amount %" PRId64 " vs %" PRId64,
		         KIND[k], s->inv_amount[q - 1] / 100, s->inv_amount[q - 1] / 90);
		sqlite3_bind_text(st, 1, KIND[k], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, q);
		if (k)
			sqlite3_bind_int64(st, 3, q);
		if (k == 1 || k == 2)
			sqlite3_bind_int64(st, 4, q < s->n * 97 / 100 ? q - q / 500 : 1);
		sqlite3_bind_int64(st, 5, s->inv_amount[q - 1] / 10);
		sqlite3_bind_text(st, 6, CUR[cur_of(s->inv_cust[q - 1])], -1, SQLITE_STATIC);
		if (k)
			sqlite3_bind_double(st, 7, 0.6);
		sqlite3_bind_text(st, 8, detail, -1, SQLITE_TRANSIENT);
		if (step(db, st))
			return -1;
	}
	return sqlite3_finalize(st) == SQLITE_OK ? 0 : -1;
}

static int load(sqlite3 *db, struct set *s)
{
	static const char RUNS[] =
		"INSERT INTO runs(kind,started_at,finished_at,duration_ms,workers,user) VALUES"
		"('import','2026-03-30T08:00:00Z','2026-03-30T08:00:07Z',7021,1,'bench'),"
		"('match','2026-03-30T08:01:00Z','2026-03-30T08:01:41Z',41337,2,'bench')";

	return exec(db, RUNS) || load_customers(db, s) || load_invoices(db, s) ||
	       load_payments(db, s) || load_allocations(db, s) || load_exceptions(db, s);
}

/* Drops every index, runs the load, recreates them from their saved SQL. */
static int load_without_indexes(sqlite3 *db, struct set *s)
{
	sqlite3_stmt *st;
	char *sql[64];
	size_t n = 0;
	int rc = 0;

	if (prep(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
	         &st))
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW && n < 64) {
		char drop[160];

		snprintf(drop, sizeof drop, "DROP INDEX \"%s\"", sqlite3_column_text(st, 0));
		sql[n++] = strdup((const char *)sqlite3_column_text(st, 1));
		sqlite3_reset(st);   /* a drop under a running scan would be refused */
		if (exec(db, drop))
			rc = -1;
	}
	sqlite3_finalize(st);
	rc = rc || load(db, s);
	for (size_t i = 0; i < n; i++) {
		if (!rc && (!sql[i] || exec(db, sql[i])))
			rc = -1;
		free(sql[i]);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct store *store;
	struct pm_error err;
	struct stat sb;
	struct set s = { 0 };
	sqlite3 *db;
	int rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: pmmkset DB [N]\n");
		return 2;
	}
	if (stat(argv[1], &sb) == 0) {
		fprintf(stderr, "pmmkset: %s exists; remove it first\n", argv[1]);
		return 2;
	}
	s.n = argc == 3 ? strtoll(argv[2], NULL, 10) : 1000000;
	if (s.n < 100)
		s.n = 100;
	s.ncust = s.n / 50 > 0 ? s.n / 50 : 1;
	date_from_ymd(2024, 4, 1, &s.day0);
	pm_error_clear(&err);
	if (store_open(argv[1], 0, 5000, &store, &err)) {
		fprintf(stderr, "pmmkset: %s\n", err.msg);
		return 74;
	}
	store_close(store);
	s.inv_amount = malloc((size_t)s.n * sizeof *s.inv_amount);
	s.inv_cust = malloc((size_t)s.n * sizeof *s.inv_cust);
	s.inv_date = malloc((size_t)s.n * sizeof *s.inv_date);
	if (!s.inv_amount || !s.inv_cust || !s.inv_date ||
	    sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "pmmkset: cannot open %s\n", argv[1]);
		return 74;
	}
	rc = exec(db, "PRAGMA cache_size = -262144") || exec(db, "BEGIN") ||
	     load_without_indexes(db, &s) || exec(db, "COMMIT") || exec(db, "ANALYZE") ||
	     exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(db);
	free(s.inv_amount);
	free(s.inv_cust);
	free(s.inv_date);
	return rc ? 74 : 0;
}
