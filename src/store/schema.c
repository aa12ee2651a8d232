/* The working-set schema and its forward migrations. PRAGMA user_version holds the
 * version; each migration runs once, inside one transaction, in order. */
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

/* Version 1: the base schema. Dates are ISO text (readable in the sqlite3 shell, sortable),
 * money is INTEGER minor units with a currency. Secondary indexes live in
 * secondary_indexes below, so that bulk loads can drop and rebuild them. */
static const char MIGRATION_1[] =
	"CREATE TABLE customers("
	"  customer_id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL);"
	"CREATE TABLE imported_files("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK(kind IN ('invoices','payments')),"
	"  path TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  mtime INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  profile TEXT,"
	"  rows_read INTEGER NOT NULL DEFAULT 0,"
	"  rows_inserted INTEGER NOT NULL DEFAULT 0,"
	"  rows_updated INTEGER NOT NULL DEFAULT 0,"
	"  rows_unchanged INTEGER NOT NULL DEFAULT 0,"
	"  rows_rejected INTEGER NOT NULL DEFAULT 0,"
	"  rows_conflicted INTEGER NOT NULL DEFAULT 0,"
	"  imported_at TEXT NOT NULL,"
	"  imported_by TEXT NOT NULL,"
	"  duration_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE invoices("
	"  id INTEGER PRIMARY KEY,"
	"  invoice_id TEXT NOT NULL UNIQUE,"
	"  customer_id TEXT NOT NULL,"
	"  customer_name TEXT NOT NULL,"
	"  invoice_date TEXT NOT NULL,"
	"  due_date TEXT NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  currency TEXT NOT NULL,"
	"  reference_number TEXT NOT NULL DEFAULT '',"
	"  file_id INTEGER REFERENCES imported_files(id),"
	"  line INTEGER,"
	"  row_hash INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE payments("
	"  id INTEGER PRIMARY KEY,"
	"  payment_id TEXT NOT NULL UNIQUE,"
	"  payment_date TEXT NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  currency TEXT NOT NULL,"
	"  payer_name TEXT NOT NULL DEFAULT '',"
	"  customer_id TEXT NOT NULL DEFAULT '',"
	"  reference_number TEXT NOT NULL DEFAULT '',"
	"  memo TEXT NOT NULL DEFAULT '',"
	"  file_id INTEGER REFERENCES imported_files(id),"
	"  line INTEGER,"
	"  row_hash INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE rejected_rows("
	"  id INTEGER PRIMARY KEY,"
	"  file_id INTEGER REFERENCES imported_files(id),"
	"  file TEXT NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  column_name TEXT,"
	"  reason TEXT NOT NULL,"
	"  raw TEXT NOT NULL);"
	"CREATE TABLE runs("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT,"
	"  duration_ms INTEGER,"
	"  workers INTEGER,"
	"  user TEXT NOT NULL,"
	"  summary TEXT);"
	/* One row per payment<->invoice application. payment_row is NULL for a write-off,
	 * invoice_row NULL for unapplied credit kept on account. Rejected rows stay as
	 * the memory that a pair must never be proposed again. */
	"CREATE TABLE allocations("
	"  id INTEGER PRIMARY KEY,"
	"  payment_row INTEGER REFERENCES payments(id),"
	"  invoice_row INTEGER REFERENCES invoices(id),"
	"  amount_applied INTEGER NOT NULL,"
	"  deduction INTEGER NOT NULL DEFAULT 0,"
	"  currency TEXT NOT NULL,"
	"  confidence REAL NOT NULL,"
	"  rule TEXT NOT NULL,"
	"  explanation TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK(status IN"
	"    ('auto','suggested','confirmed','manual','rejected')),"
	"  match_group INTEGER,"
	"  reason_code TEXT,"
	"  run_id INTEGER REFERENCES runs(id),"
	"  decided_by TEXT,"
	"  decided_at TEXT,"
	"  created_at TEXT NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 1);"
	"CREATE INDEX allocations_payment ON allocations(payment_row);"
	"CREATE INDEX allocations_invoice ON allocations(invoice_row);"
	"CREATE INDEX allocations_status ON allocations(status);"
	/* Exceptions are derived by each match run for the items still open; reviewers'
	 * actions resolve them. */
	"CREATE TABLE exceptions("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK(kind IN ('unmatched_payment','suggested','short_pay',"
	"    'over_pay','duplicate','currency_mismatch','ambiguous','import_conflict')),"
	"  payment_row INTEGER REFERENCES payments(id),"
	"  invoice_row INTEGER REFERENCES invoices(id),"
	"  allocation_id INTEGER,"
	"  amount INTEGER NOT NULL DEFAULT 0,"
	"  currency TEXT NOT NULL DEFAULT '',"
	"  confidence REAL,"
	"  detail TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK(status IN ('open','resolved')),"
	"  run_id INTEGER REFERENCES runs(id),"
	"  version INTEGER NOT NULL DEFAULT 1);"
	"CREATE INDEX exceptions_status_kind ON exceptions(status, kind);"
	"CREATE INDEX exceptions_payment ON exceptions(payment_row);"
	/* Every reviewer decision, never rewritten: an undo is a new row pointing back. */
	"CREATE TABLE audit_log("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  user TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  allocation_id INTEGER,"
	"  payment_row INTEGER,"
	"  invoice_row INTEGER,"
	"  before TEXT,"
	"  after TEXT,"
	"  note TEXT,"
	"  undoes INTEGER REFERENCES audit_log(id),"
	"  undone INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX audit_log_payment ON audit_log(payment_row);"
	"CREATE VIEW matches AS"
	"  SELECT a.id, p.payment_id, i.invoice_id, a.amount_applied, a.deduction, a.currency,"
	"         a.confidence, a.rule, a.status, a.explanation, a.decided_by, a.decided_at"
	"  FROM allocations a LEFT JOIN payments p ON p.id = a.payment_row"
	"  LEFT JOIN invoices i ON i.id = a.invoice_row;";

/* Version 2 (store_browse, review): indexes that keep the table screens' keyset pages and
 * sorts index range scans at 1M rows (docs/REVIEW.md). The invoices one is also listed in
 * SECONDARY_INDEXES so that bulk loads drop and rebuild it. */
static const char MIGRATION_2[] =
	"CREATE INDEX IF NOT EXISTS allocations_confidence ON allocations(confidence);"
	"CREATE INDEX IF NOT EXISTS exceptions_status ON exceptions(status);"
	"CREATE INDEX IF NOT EXISTS exceptions_status_amount ON exceptions(status, currency, amount);"
	"CREATE INDEX IF NOT EXISTS exceptions_status_confidence"
	"  ON exceptions(status, ifnull(confidence, -1));"
	"CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log(user, id);"
	"CREATE INDEX IF NOT EXISTS invoices_customer_currency ON invoices(customer_id, currency);";

/* Version 3 (import): one index fewer to rebuild after every bulk load of invoices.
 * (customer_id, currency, amount) gives the Aging screen its (customer_id, currency) order,
 * answers customer_id lookups, and serves the customer sort (customer_id, amount) as an
 * index range with a small per-customer sort (a customer has hundreds of invoices, not
 * millions). It keeps the name invoices_customer_amount, which tests and tools look for. */
static const char MIGRATION_3[] =
	"DROP INDEX IF EXISTS invoices_customer_currency;"
	"DROP INDEX IF EXISTS invoices_customer_amount;"
	"CREATE INDEX IF NOT EXISTS invoices_customer_amount"
	"  ON invoices(customer_id, currency, amount);";

static const char *const MIGRATIONS[] = { MIGRATION_1, MIGRATION_2, MIGRATION_3 };

/* A new migration must also bump STORE_SCHEMA_VERSION in store.h. */
_Static_assert(sizeof MIGRATIONS / sizeof MIGRATIONS[0] == STORE_SCHEMA_VERSION,
               "MIGRATIONS and STORE_SCHEMA_VERSION disagree");

/* Indexes the report and UI queries need (the matcher reads by rowid scans and needs none).
 * Built after bulk loads: measured 2.5x faster than maintaining them during the insert
 * (docs/PERFORMANCE.md); each one costs ~0.5 s of CPU per 1M rows at import, so an index
 * no query uses must not be here. invoice_id / payment_id are UNIQUE in the tables.
 * Who uses which (queries in src/store/store_browse_defs.c unless named):
 *   invoices_customer_amount  Invoices sort "customer" (customer_id, amount), Aging's
 *                             (customer_id, currency) order (store_browse_aging.c), the
 *                             customer's invoices (customer_id = ? AND currency = ?),
 *                             customer lookups (store_report.c); see MIGRATION_3
 *   invoices_currency_amount  sorts "amount", "currency"; report check by (currency, amount)
 *   invoices_due_date         sort "due"
 *   invoices_invoice_date     sort "date"
 *   invoices_reference        sort "ref", filter ref:
 *   invoices_customer_name    sort "name", filter name:
 *   payments_customer_amount  Payments sort "customer", customer lookups (store_report.c)
 *   payments_currency_amount  sorts "amount", "currency"
 *   payments_date             sort "date"
 *   payments_reference        sort "ref", filter ref:
 *   payments_payer            sort "payer", filter payer: */
struct secondary_index {
	const char *table;
	const char *name;
	const char *columns;
};

static const struct secondary_index SECONDARY_INDEXES[] = {
	{ "invoices", "invoices_customer_amount", "customer_id, currency, amount" },
	{ "invoices", "invoices_currency_amount", "currency, amount" },
	{ "invoices", "invoices_due_date", "due_date" },
	{ "invoices", "invoices_invoice_date", "invoice_date" },
	{ "invoices", "invoices_reference", "reference_number" },
	{ "invoices", "invoices_customer_name", "customer_name" },
	{ "payments", "payments_customer_amount", "customer_id, amount" },
	{ "payments", "payments_currency_amount", "currency, amount" },
	{ "payments", "payments_date", "payment_date" },
	{ "payments", "payments_reference", "reference_number" },
	{ "payments", "payments_payer", "payer_name" },
};

#define NSECONDARY (sizeof SECONDARY_INDEXES / sizeof SECONDARY_INDEXES[0])

int store_drop_secondary_indexes(struct store *st, const char *table, struct pm_error *err)
{
	char sql[256];

	for (size_t i = 0; i < NSECONDARY; i++) {
		if (strcmp(SECONDARY_INDEXES[i].table, table) != 0)
			continue;
		/* Names come from the table above, never from data. */
		snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s", SECONDARY_INDEXES[i].name);
		if (store_exec(st, sql, err))
			return err->code;
	}
	return 0;
}

int store_create_secondary_indexes(struct store *st, const char *table, struct pm_error *err)
{
	char sql[256];

	for (size_t i = 0; i < NSECONDARY; i++) {
		const struct secondary_index *ix = &SECONDARY_INDEXES[i];

		if (table && strcmp(ix->table, table) != 0)
			continue;
		snprintf(sql, sizeof sql, "CREATE INDEX IF NOT EXISTS %s ON %s(%s)", ix->name,
		         ix->table, ix->columns);
		if (store_exec(st, sql, err))
			return err->code;
	}
	return 0;
}

static int user_version(struct store *st, int *out, struct pm_error *err)
{
	sqlite3_stmt *stmt;

	if (store_prepare(st, "PRAGMA user_version", &stmt, err))
		return err->code;
	*out = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	return 0;
}

int store_migrate(struct store *st, struct pm_error *err)
{
	const int target = (int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]);
	int version;
	char sql[64];

	if (user_version(st, &version, err))
		return err->code;
	if (version > target)
		return pm_error_set(err, PM_EIO,
		                    "%s: working set has schema version %d, newer than this paymatch "
		                    "(%d): upgrade paymatch", st->path, version, target);
	if (version == target)
		return 0;
	if (store_begin(st, err))
		return err->code;
	/* Another process may have migrated while we waited for the lock. */
	if (user_version(st, &version, err))
		goto fail;
	for (int v = version; v < target; v++) {
		if (store_exec(st, MIGRATIONS[v], err))
			goto fail;
		if (v == 0 && store_create_secondary_indexes(st, NULL, err))
			goto fail;
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", target);
	if (store_exec(st, sql, err))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return pm_error_wrap(err, "%s: migrating the schema to version %d", st->path, target);
}
