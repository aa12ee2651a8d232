/* The report kinds (data: --help, the man page and docs/REPORTS.md follow this table) and
 * the driver that checks options, opens the snapshot and runs one kind. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "paymatch/money.h"
#include "report_internal.h"

const struct report_kind REPORT_KINDS[] = {
	{ "summary", "counts, amounts, match rates, open receivables, exceptions, last runs",
	  REPORT_ACCEPTS_CURRENCY, report_summary },
	{ "aging", "open balances by days past due per customer and currency, with a check",
	  REPORT_ACCEPTS_CUSTOMER | REPORT_ACCEPTS_CURRENCY | REPORT_ACCEPTS_BASIS, report_aging },
	{ "exceptions", "every open exception with its payment, invoice and best candidate",
	  REPORT_ACCEPTS_CUSTOMER | REPORT_ACCEPTS_CURRENCY, report_exceptions },
	{ "matches", "one row per allocation with its rule, confidence and decision",
	  REPORT_ACCEPTS_CUSTOMER | REPORT_ACCEPTS_CURRENCY, report_matches },
	{ "customers", "per customer: open balance, overdue share, unapplied cash, exceptions",
	  REPORT_ACCEPTS_CUSTOMER | REPORT_ACCEPTS_CURRENCY | REPORT_ACCEPTS_BASIS,
	  report_customers },
	{ "import-errors", "rejected rows with file, line, reason and raw text", 0,
	  report_import_errors },
};

const size_t NREPORT_KINDS = sizeof REPORT_KINDS / sizeof REPORT_KINDS[0];

static const char *const FORMAT_NAMES[] = { "text", "csv", "json" };

const struct report_kind *report_kind_find(const char *name)
{
	for (size_t i = 0; i < NREPORT_KINDS; i++)
		if (strcmp(REPORT_KINDS[i].name, name) == 0)
			return &REPORT_KINDS[i];
	return NULL;
}

/* Damerau-free Levenshtein distance, case-insensitive; a and b are short words. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] +
			             (((a[i - 1] | 32) == (b[j - 1] | 32)) ? 0 : 1);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof *prev);
	}
	return prev[lb];
}

const char *report_suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i]);
		size_t limit = strlen(cands[i]) / 3 < 2 ? 2 : strlen(cands[i]) / 3;

		/* A prefix ("cust" for "customers") is a likely abbreviation too. */
		if (strlen(word) >= 3 && strncasecmp(word, cands[i], strlen(word)) == 0)
			d = 1;
		if (d <= limit && d < best_d) {
			best = cands[i];
			best_d = d;
		}
	}
	return best;
}

int report_format_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof FORMAT_NAMES / sizeof FORMAT_NAMES[0]; i++)
		if (strcmp(FORMAT_NAMES[i], name) == 0)
			return (int)i;
	return -1;
}

int report_format_from_path(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return -1;
	if (strcasecmp(dot, ".csv") == 0)
		return REPORT_CSV;
	if (strcasecmp(dot, ".json") == 0)
		return REPORT_JSON;
	if (strcasecmp(dot, ".txt") == 0)
		return REPORT_TEXT;
	return -1;
}

void report_options_init(struct report_options *opt)
{
	static const int64_t DEFAULT_BUCKETS[] = { 30, 60, 90, 120 };

	memset(opt, 0, sizeof *opt);
	opt->format = REPORT_TEXT;
	opt->as_of = date_today();
	opt->nbuckets = sizeof DEFAULT_BUCKETS / sizeof DEFAULT_BUCKETS[0];
	memcpy(opt->buckets, DEFAULT_BUCKETS, sizeof DEFAULT_BUCKETS);
}

int report_decimals(const char *currency)
{
	int d = money_currency_decimals(currency);

	return d < 0 ? 2 : d;
}

const char *report_fixed(double v, int places, char *buf, size_t n)
{
	int64_t scale = 1, x;
	uint64_t u;
	char tmp[48], *p = tmp + sizeof tmp;

	for (int i = 0; i < places; i++)
		scale *= 10;
	x = (int64_t)(v * (double)scale + (v < 0 ? -0.5 : 0.5));
	u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
	/* By hand, digits from the right: snprintf per row was a tenth of a 1M-row report. */
	*--p = '\0';
	for (int i = 0; i < places; i++, u /= 10)
		*--p = (char)('0' + u % 10);
	if (places > 0)
		*--p = '.';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (x < 0)
		*--p = '-';
	if (n > 0) {
		size_t len = (size_t)(tmp + sizeof tmp - 1 - p);

		len = len < n - 1 ? len : n - 1;
		memcpy(buf, p, len);
		buf[len] = '\0';
	}
	return buf;
}

int report_write_failed(struct report_ctx *ctx)
{
	return pm_error_set(ctx->err, PM_EIO, "writing the report failed");
}

static int check_customer(struct report_ctx *ctx)
{
	struct strbuf hint = STRBUF_INIT;
	int known;

	strbuf_init(&hint);
	known = store_report_customer_known(ctx->st, ctx->opt->customer, &hint, ctx->err);
	if (known == 0) {
		if (hint.len)
			pm_error_set(ctx->err, PM_EDATA, "unknown customer '%s'; did you mean %s?",
			             ctx->opt->customer, hint.buf);
		else
			pm_error_set(ctx->err, PM_EDATA, "unknown customer '%s' (no invoice or payment "
			             "names it)", ctx->opt->customer);
	}
	strbuf_release(&hint);
	return known == 1 ? 0 : ctx->err->code;
}

static int check_accepts(const struct report_kind *kind, const struct report_options *opt,
                         struct pm_error *err)
{
	static const struct { unsigned bit; const char *option; } OPTS[] = {
		{ REPORT_ACCEPTS_CUSTOMER, "--customer" },
		{ REPORT_ACCEPTS_CURRENCY, "--currency" },
		{ REPORT_ACCEPTS_BASIS, "--basis" },
	};
	bool given[] = { opt->customer != NULL, opt->currency != NULL, opt->basis_given };

	for (size_t i = 0; i < sizeof OPTS / sizeof OPTS[0]; i++)
		if (given[i] && !(kind->accepts & OPTS[i].bit))
			return pm_error_set(err, PM_EUSAGE, "report %s does not take %s", kind->name,
			                    OPTS[i].option);
	return 0;
}

int report_run(struct store *st, const struct report_kind *kind, const struct report_options *opt,
               FILE *out, int *write_errno, struct pm_error *err)
{
	struct report_ctx ctx = { .st = st, .opt = opt, .err = err };
	int rc;

	*write_errno = 0;
	if (check_accepts(kind, opt, err))
		return err->code;
	date_to_iso(opt->as_of, ctx.as_of, sizeof ctx.as_of);
	ctx.filter.customer = opt->customer;
	ctx.filter.currency = opt->currency;
	ctx.filter.basis_invoice_date = opt->basis_invoice_date;
	memcpy(ctx.filter.as_of, ctx.as_of, sizeof ctx.as_of);
	if (store_report_begin(st, err))
		return err->code;
	if (opt->customer && (rc = check_customer(&ctx)) != 0)
		goto done;
	if (!(ctx.w = tw_new(opt->format, out))) {
		rc = pm_error_set(err, PM_ESOFTWARE, "out of memory");
		goto done;
	}
	rc = kind->run(&ctx);
	if (!rc && tw_end(ctx.w))
		rc = report_write_failed(&ctx);
	if (tw_errno(ctx.w))
		*write_errno = tw_errno(ctx.w);
done:
	tw_free(ctx.w);
	store_report_end(st);
	return rc;
}
