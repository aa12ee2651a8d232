/* pmquality: scores a working set's matches against pmgen's ground truth (truth.csv).
 *
 * Predicted pairs are the (payment_id, invoice_id) pairs of allocations with status auto,
 * suggested, confirmed or manual that name both a payment and an invoice (write-offs and
 * credit on account are not pairs); a pair counted once however many allocations it has.
 * Truth pairs are the truth rows with an invoice_id. Per situation and overall: truth
 * pairs, predicted pairs, true positives, precision, recall, F1; the precision of auto
 * pairs alone; and for payments whose truth is "no invoice" (duplicate, unrelated,
 * currency_mismatch) how many were matched anyway. A predicted pair that is not true
 * counts as a false positive under its payment's situation (docs/GENERATOR.md).
 *
 * A benchmark tool, not a paymatch module: it reads the working set with SQLite directly,
 * loading the truth into TEMP tables (the working set itself is opened read-only). */
#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/error.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_TRUTH_FILES 16
#define NOT_IN_TRUTH "(not in truth)"

/* pmgen's situations, in the order reports list them; other labels follow alphabetically. */
static const char *const SITUATIONS[] = {
	"exact_ref", "mangled_ref", "memo_ref", "typo_ref", "customer_amount", "name_only",
	"multi_refs", "multi_sum", "partial", "short_pay", "short_pay_big", "over_pay",
	"currency_mismatch", "duplicate", "unrelated",
};

struct sitstat {
	char *name;
	int64_t truth, pred, tp;          /* pairs */
	int64_t auto_pred, auto_tp;
	int64_t nopay, wrong;             /* no-invoice payments, and those matched anyway */
};

struct opts {
	const char *db;
	const char *truth[MAX_TRUTH_FILES];
	int ntruth;
	bool csv;
	double min_f1, min_auto;          /* < 0: not checked */
};

struct loader {                       /* libcsv callbacks' state for one truth file */
	sqlite3_stmt *ins;
	const char *file;
	char *field[4];
	int nfield;
	int64_t row;
	int64_t rows;
	int err;
};

/* ---- loading the truth ---- */

static void on_field(void *s, size_t len, void *data)
{
	struct loader *l = data;

	if (l->nfield < 4) {
		char *f = malloc(len + 1);

		if (f) {
			memcpy(f, s ? s : "", len);
			f[len] = '\0';
		} else {
			l->err = PM_ESOFTWARE;
		}
		l->field[l->nfield] = f;
	}
	l->nfield++;
}

/* Checks the header row or inserts a data row; returns 0 or an exit status. */
static int truth_row(struct loader *l)
{
	static const char *const HEADER[4] = { "payment_id", "invoice_id", "amount_applied",
	                                       "situation" };
	int rc = 0;

	if (l->nfield != 4) {
		fprintf(stderr, "pmquality: %s: row %" PRId64 ": expected 4 fields "
		        "(payment_id,invoice_id,amount_applied,situation), got %d\n", l->file, l->row,
		        l->nfield);
		return PM_EDATA;
	}
	if (l->row == 1) {
		for (int i = 0; i < 4; i++)
			if (strcmp(l->field[i], HEADER[i]) != 0) {
				fprintf(stderr, "pmquality: %s: header must be payment_id,invoice_id,"
				        "amount_applied,situation\n", l->file);
				return PM_EDATA;
			}
		return 0;
	}
	if (!*l->field[0] || !*l->field[3]) {
		fprintf(stderr, "pmquality: %s: row %" PRId64 ": empty payment_id or situation\n",
		        l->file, l->row);
		return PM_EDATA;
	}
	sqlite3_bind_text(l->ins, 1, l->field[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(l->ins, 2, l->field[1], -1, SQLITE_STATIC);
	sqlite3_bind_text(l->ins, 3, l->field[3], -1, SQLITE_STATIC);
	if (sqlite3_step(l->ins) != SQLITE_DONE)
		rc = PM_EIO;
	sqlite3_reset(l->ins);
	l->rows++;
	return rc;
}

/* After the first error the rest of the file is skipped. */
static void on_row(int c, void *data)
{
	struct loader *l = data;

	(void)c;
	l->row++;
	if (!l->err)
		l->err = truth_row(l);
	for (int i = 0; i < 4 && i < l->nfield; i++)
		free(l->field[i]);
	l->nfield = 0;
}

/* Streams one truth file into TEMP table truth; returns 0 or an exit status. */
static int load_truth(sqlite3 *db, sqlite3_stmt *ins, const char *path, int64_t *rows)
{
	struct loader l = { .ins = ins, .file = path };
	struct csv_parser p;
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "pmquality: %s: %s\n", path, strerror(errno));
		return PM_ENOINPUT;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		fclose(f);
		return PM_ESOFTWARE;
	}
	while (!l.err && (n = fread(buf, 1, sizeof buf, f)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, &l) != n) {
			fprintf(stderr, "pmquality: %s: %s\n", path, csv_strerror(csv_error(&p)));
			l.err = PM_EDATA;
		}
	if (!l.err && csv_fini(&p, on_field, on_row, &l) != 0) {
		fprintf(stderr, "pmquality: %s: %s\n", path, csv_strerror(csv_error(&p)));
		l.err = PM_EDATA;
	}
	for (int i = 0; i < 4 && i < l.nfield; i++)
		free(l.field[i]);
	csv_free(&p);
	fclose(f);
	if (l.err == PM_EIO)
		fprintf(stderr, "pmquality: loading %s: %s\n", path, sqlite3_errmsg(db));
	*rows += l.rows;
	return l.err;
}

/* ---- SQL ---- */

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	fprintf(stderr, "pmquality: %s\n", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return PM_EIO;
}

/* The derived tables: truth pairs (deduplicated), each truth payment's situation (its
 * "no invoice" label when it has one) and the predicted pairs. */
static const char DERIVE[] =
	"CREATE TEMP TABLE tpair AS SELECT payment_id AS pid, invoice_id AS iid,"
	"  min(situation) AS sit FROM truth WHERE invoice_id <> '' GROUP BY 1, 2;"
	"CREATE UNIQUE INDEX temp.tpair_key ON tpair(pid, iid);"
	"CREATE TEMP TABLE tpay AS SELECT payment_id AS pid,"
	"  coalesce(min(CASE WHEN invoice_id = '' THEN situation END), min(situation)) AS sit,"
	"  max(invoice_id = '') AS nopay FROM truth GROUP BY 1;"
	"CREATE UNIQUE INDEX temp.tpay_key ON tpay(pid);"
	"CREATE TEMP TABLE pred AS SELECT p.payment_id AS pid, i.invoice_id AS iid,"
	"  max(a.status = 'auto') AS is_auto"
	"  FROM main.allocations a JOIN main.payments p ON p.id = a.payment_row"
	"  JOIN main.invoices i ON i.id = a.invoice_row"
	"  WHERE a.status IN ('auto', 'suggested', 'confirmed', 'manual') GROUP BY 1, 2;"
	"CREATE INDEX temp.pred_pid ON pred(pid);";

/* Each query yields (situation, a, b, c, d); fill() adds them to the named counters. */
static const char Q_TRUTH[] = "SELECT sit, count(*), 0, 0, 0 FROM tpair GROUP BY sit";
static const char Q_PRED[] =
	"SELECT coalesce(t.sit, y.sit, '" NOT_IN_TRUTH "'), count(*), count(t.pid),"
	"  sum(r.is_auto), sum(r.is_auto AND t.pid IS NOT NULL)"
	"  FROM pred r LEFT JOIN tpair t ON t.pid = r.pid AND t.iid = r.iid"
	"  LEFT JOIN tpay y ON y.pid = r.pid GROUP BY 1";
static const char Q_NOPAY[] =
	"SELECT y.sit, count(*), sum(EXISTS(SELECT 1 FROM pred r WHERE r.pid = y.pid)), 0, 0"
	"  FROM tpay y WHERE y.nopay GROUP BY y.sit";
static const char Q_MISSING[] =
	"SELECT (SELECT count(*) FROM tpay WHERE pid NOT IN (SELECT payment_id FROM main.payments)),"
	"       (SELECT count(DISTINCT iid) FROM tpair"
	"          WHERE iid NOT IN (SELECT invoice_id FROM main.invoices)),"
	"       (SELECT count(*) FROM tpay)";

struct table {
	struct sitstat *s;
	size_t n, alloc;
};

static struct sitstat *stat_of(struct table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->s[i].name, name) == 0)
			return &t->s[i];
	if (t->n == t->alloc) {
		size_t na = t->alloc ? 2 * t->alloc : 32;
		struct sitstat *ns = realloc(t->s, na * sizeof *ns);

		if (!ns)
			return NULL;
		t->s = ns;
		t->alloc = na;
	}
	memset(&t->s[t->n], 0, sizeof t->s[t->n]);
	t->s[t->n].name = malloc(strlen(name) + 1);
	if (!t->s[t->n].name)
		return NULL;
	strcpy(t->s[t->n].name, name);
	return &t->s[t->n++];
}

static int fill(sqlite3 *db, const char *sql, struct table *t, int what)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "pmquality: %s\n", sqlite3_errmsg(db));
		return PM_EIO;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		struct sitstat *s = stat_of(t, name ? name : "");

		if (!s) {
			sqlite3_finalize(st);
			return PM_ESOFTWARE;
		}
		if (what == 0) {
			s->truth += sqlite3_column_int64(st, 1);
		} else if (what == 1) {
			s->pred += sqlite3_column_int64(st, 1);
			s->tp += sqlite3_column_int64(st, 2);
			s->auto_pred += sqlite3_column_int64(st, 3);
			s->auto_tp += sqlite3_column_int64(st, 4);
		} else {
			s->nopay += sqlite3_column_int64(st, 1);
			s->wrong += sqlite3_column_int64(st, 2);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "pmquality: %s\n", sqlite3_errmsg(db));
		return PM_EIO;
	}
	return 0;
}

/* ---- output ---- */

static double ratio(int64_t a, int64_t b)
{
	return b ? (double)a / (double)b : -1;
}

/* 2TP / (2TP + FP + FN): 0 when nothing true was found, undefined without truth pairs. */
static double f1_of(int64_t tp, int64_t pred, int64_t truth)
{
	return truth ? 2.0 * (double)tp / (double)(pred + truth) : -1;
}

static void print_num(bool csv, double v, int width)
{
	if (csv && v < 0)
		printf(",");
	else if (csv)
		printf(",%.4f", v);
	else if (v < 0)
		printf(" %*s", width, "-");
	else
		printf(" %*.4f", width, v);
}

static void print_row(bool csv, const struct sitstat *s)
{
	double p = ratio(s->tp, s->pred), r = ratio(s->tp, s->truth);

	if (csv)
		printf("%s,%" PRId64 ",%" PRId64 ",%" PRId64, s->name, s->truth, s->pred, s->tp);
	else
		printf("%-18s %7" PRId64 " %9" PRId64 " %7" PRId64, s->name, s->truth, s->pred, s->tp);
	print_num(csv, p, 9);
	print_num(csv, r, 7);
	print_num(csv, f1_of(s->tp, s->pred, s->truth), 7);
	if (csv)
		printf(",%" PRId64 ",%" PRId64 "\n", s->nopay, s->wrong);
	else if (s->nopay)
		printf(" %10" PRId64 " %7" PRId64 "\n", s->nopay, s->wrong);
	else
		putchar('\n');
}

static int cmp_stat(const void *a, const void *b)
{
	const struct sitstat *x = a, *y = b;
	size_t i, j;

	for (i = 0; i < NELEM(SITUATIONS) && strcmp(SITUATIONS[i], x->name); i++)
		;
	for (j = 0; j < NELEM(SITUATIONS) && strcmp(SITUATIONS[j], y->name); j++)
		;
	if (i != j)
		return i < j ? -1 : 1;
	if (strcmp(x->name, NOT_IN_TRUTH) == 0 || strcmp(y->name, NOT_IN_TRUTH) == 0)
		return strcmp(x->name, NOT_IN_TRUTH) == 0 ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Prints the table; returns overall F1 and auto precision through f1/autop (-1 = none). */
static void report(const struct opts *o, struct table *t, const int64_t missing[3],
                   double *f1, double *autop)
{
	char overall[] = "overall", auto_[] = "auto";
	struct sitstat all = { .name = overall }, au = { .name = auto_ };

	qsort(t->s, t->n, sizeof *t->s, cmp_stat);
	for (size_t i = 0; i < t->n; i++) {
		all.truth += t->s[i].truth;
		all.pred += t->s[i].pred;
		all.tp += t->s[i].tp;
		all.nopay += t->s[i].nopay;
		all.wrong += t->s[i].wrong;
		au.pred += t->s[i].auto_pred;
		au.tp += t->s[i].auto_tp;
	}
	*f1 = f1_of(all.tp, all.pred, all.truth);
	*autop = ratio(au.tp, au.pred);
	if (o->csv) {
		puts("situation,truth_pairs,predicted_pairs,true_positives,precision,recall,f1,"
		     "no_invoice_payments,wrongly_matched");
	} else {
		printf("pmquality: %s: %" PRId64 " truth payments", o->db, missing[2]);
		if (missing[0] || missing[1])
			printf(" (not in the working set: %" PRId64 " payments, %" PRId64 " invoices)",
			       missing[0], missing[1]);
		printf("\n%-18s %7s %9s %7s %9s %7s %7s %10s %7s\n", "situation", "truth", "predicted",
		       "tp", "precision", "recall", "f1", "no-invoice", "matched");
	}
	for (size_t i = 0; i < t->n; i++)
		print_row(o->csv, &t->s[i]);
	print_row(o->csv, &all);
	print_row(o->csv, &au);
	if (!o->csv && !au.pred)
		puts("(no auto pairs: auto precision is undefined and passes --min-auto-precision)");
}

/* ---- main ---- */

static int usage(void)
{
	fputs("usage: pmquality --db WORKING_SET --truth truth.csv [--truth more.csv]\n"
	      "                 [--format text|csv] [--min-f1 X] [--min-auto-precision Y]\n",
	      stderr);
	return PM_EUSAGE;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	o->min_f1 = o->min_auto = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!v)
			return usage();
		if (strcmp(a, "--db") == 0)
			o->db = v;
		else if (strcmp(a, "--truth") == 0 && o->ntruth < MAX_TRUTH_FILES)
			o->truth[o->ntruth++] = v;
		else if (strcmp(a, "--format") == 0 && (!strcmp(v, "text") || !strcmp(v, "csv")))
			o->csv = strcmp(v, "csv") == 0;
		else if (strcmp(a, "--min-f1") == 0 || strcmp(a, "--min-auto-precision") == 0) {
			double x = strtod(v, &end);

			if (end == v || *end || x < 0 || x > 1)
				return usage();
			*(strcmp(a, "--min-f1") == 0 ? &o->min_f1 : &o->min_auto) = x;
		} else
			return usage();
		i++;
	}
	return o->db && o->ntruth ? 0 : usage();
}

/* Opens the working set read-only and loads every truth file; returns 0 or a status. */
static int load(const struct opts *o, sqlite3 **db)
{
	sqlite3_stmt *ins = NULL;
	int64_t rows = 0;
	int rc;

	if (sqlite3_open_v2(o->db, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "pmquality: %s: %s\n", o->db, sqlite3_errmsg(*db));
		return PM_ENOINPUT;
	}
	sqlite3_busy_timeout(*db, 5000);
	if ((rc = exec(*db, "CREATE TEMP TABLE truth(payment_id TEXT NOT NULL,"
	                    " invoice_id TEXT NOT NULL, situation TEXT NOT NULL); BEGIN")))
		return rc;
	if (sqlite3_prepare_v2(*db, "INSERT INTO temp.truth VALUES(?, ?, ?)", -1, &ins, NULL)) {
		fprintf(stderr, "pmquality: %s\n", sqlite3_errmsg(*db));
		return PM_EIO;
	}
	for (int i = 0; i < o->ntruth && !rc; i++)
		rc = load_truth(*db, ins, o->truth[i], &rows);
	sqlite3_finalize(ins);
	if (rc || (rc = exec(*db, "COMMIT")))
		return rc;
	if (exec(*db, DERIVE)) {
		fprintf(stderr, "pmquality: %s: is it a paymatch working set?\n", o->db);
		return PM_EIO;
	}
	return 0;
}

static int missing_counts(sqlite3 *db, int64_t out[3])
{
	sqlite3_stmt *st;
	int rc = PM_EIO;

	if (sqlite3_prepare_v2(db, Q_MISSING, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < 3; i++)
			out[i] = sqlite3_column_int64(st, i);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct table t = { 0 };
	sqlite3 *db = NULL;
	int64_t missing[3] = { 0 };
	double f1 = -1, autop = -1;
	int rc;

	if ((rc = parse_args(argc, argv, &o)))
		return rc;
	for (size_t i = 0; i < NELEM(SITUATIONS); i++)
		if (!stat_of(&t, SITUATIONS[i]))
			rc = PM_ESOFTWARE;
	if (!rc)
		rc = load(&o, &db);
	if (!rc)
		rc = fill(db, Q_TRUTH, &t, 0) || fill(db, Q_PRED, &t, 1) || fill(db, Q_NOPAY, &t, 2) ||
		     missing_counts(db, missing) ? PM_EIO : 0;
	if (!rc)
		report(&o, &t, missing, &f1, &autop);
	sqlite3_close(db);
	for (size_t i = 0; i < t.n; i++)
		free(t.s[i].name);
	free(t.s);
	if (rc)
		return rc;
	if (o.min_f1 >= 0 && f1 < o.min_f1) {
		fprintf(stderr, "pmquality: overall F1 %.4f is below %.4f\n", f1 < 0 ? 0 : f1, o.min_f1);
		rc = 1;
	}
	if (o.min_auto >= 0 && autop >= 0 && autop < o.min_auto) {
		fprintf(stderr, "pmquality: auto precision %.4f is below %.4f\n", autop, o.min_auto);
		rc = 1;
	}
	return rc;
}
