/* The browsable tables as data (columns, sort keys, filter keys) and the filter-line parser.
 * Every SQL fragment here is a fixed identifier or expression; user text only ever becomes a
 * bound parameter. A sortable column's keys must match an index (see MIGRATION_2 and the
 * secondary indexes in schema.c) so that a keyset page is an index range scan. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "browse_internal.h"
#include "paymatch/money.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct col_def MATCH_COLS[] = {
	{ { "id", "ID", 8, true, true }, "a.id", FMT_INT, { NULL } },
	{ { "payment", "Payment", 12, false, true }, "coalesce(p.payment_id, '(write-off)')",
	  FMT_TEXT, { "a.payment_row", NULL } },
	{ { "invoice", "Invoice", 12, false, true }, "coalesce(i.invoice_id, '')", FMT_TEXT,
	  { "a.invoice_row", NULL } },
	{ { "customer", "Customer", 20, false, false }, "coalesce(i.customer_name, '')", FMT_TEXT,
	  { NULL } },
	{ { "amount", "Applied", 12, true, false }, "a.amount_applied", FMT_MONEY, { NULL } },
	{ { "deduction", "Deduct", 9, true, false }, "a.deduction", FMT_MONEY, { NULL } },
	{ { "currency", "Cur", 3, false, false }, "a.currency", FMT_TEXT, { NULL } },
	{ { "confidence", "Conf", 5, true, true }, "a.confidence", FMT_CONF,
	  { "a.confidence", NULL } },
	{ { "rule", "Rule", 12, false, false }, "a.rule", FMT_TEXT, { NULL } },
	{ { "status", "Status", 9, false, true }, "a.status", FMT_TEXT, { "a.status", NULL } },
	{ { "explanation", "Explanation", 30, false, false }, "a.explanation", FMT_TEXT,
	  { NULL } },
};

static const struct filter_key MATCH_KEYS[] = {
	{ "status", "a.status", FK_TEXT, false }, { "currency", "a.currency", FK_TEXT, false },
	{ "rule", "a.rule", FK_TEXT, false }, { "customer", "i.customer_id", FK_TEXT, false },
	{ "id", "p.payment_id", FK_TEXT, false }, { "invoice", "i.invoice_id", FK_TEXT, false },
	{ "amount", "a.amount_applied", FK_AMOUNT, false },
};

static const struct col_def EXC_COLS[] = {
	{ { "id", "#", 7, true, true }, "e.id", FMT_INT, { NULL } },
	{ { "kind", "Kind", 17, false, true }, "e.kind", FMT_TEXT, { "e.kind", NULL } },
	{ { "payment", "Payment", 12, false, true }, "coalesce(p.payment_id, '')", FMT_TEXT,
	  { "e.payment_row", NULL } },
	{ { "date", "Date", 10, false, false }, "coalesce(p.payment_date, '')", FMT_TEXT,
	  { NULL } },
	{ { "payer", "Payer", 20, false, false }, "coalesce(p.payer_name, '')", FMT_TEXT,
	  { NULL } },
	{ { "amount", "Amount", 12, true, true }, "e.amount", FMT_MONEY,
	  { "e.currency", "e.amount", NULL } },
	{ { "currency", "Cur", 3, false, true }, "e.currency", FMT_TEXT,
	  { "e.currency", "e.amount", NULL } },
	{ { "invoice", "Candidate", 12, false, false }, "coalesce(i.invoice_id, '')", FMT_TEXT,
	  { NULL } },
	{ { "customer", "Customer", 18, false, false }, "coalesce(i.customer_name, '')",
	  FMT_TEXT, { NULL } },
	{ { "confidence", "Conf", 5, true, true }, "e.confidence", FMT_CONF,
	  { "ifnull(e.confidence, -1)", NULL } },
	{ { "detail", "Detail", 30, false, false }, "e.detail", FMT_TEXT, { NULL } },
};

static const struct filter_key EXC_KEYS[] = {
	{ "kind", "e.kind", FK_TEXT, false }, { "currency", "e.currency", FK_TEXT, false },
	{ "customer", "p.customer_id", FK_TEXT, false }, { "id", "p.payment_id", FK_TEXT, false },
	{ "invoice", "i.invoice_id", FK_TEXT, false }, { "ref", "p.reference_number", FK_TEXT, false },
	{ "amount", "e.amount", FK_AMOUNT, false },
};

/* The invoice columns; only how the open amount is computed differs between the Invoices
 * screen (now) and the Aging drill-down (as of its date). */
#define INVOICE_COLS(open_expr) \
	{ { "id", "Invoice", 12, false, true }, "i.invoice_id", FMT_TEXT, \
	  { "i.invoice_id", NULL } }, \
	{ { "customer", "Cust", 8, false, true }, "i.customer_id", FMT_TEXT, \
	  { "i.customer_id", "i.amount", NULL } }, \
	{ { "name", "Customer", 20, false, true }, "i.customer_name", FMT_TEXT, \
	  { "i.customer_name", NULL } }, \
	{ { "date", "Date", 10, false, true }, "i.invoice_date", FMT_TEXT, \
	  { "i.invoice_date", NULL } }, \
	{ { "due", "Due", 10, false, true }, "i.due_date", FMT_TEXT, { "i.due_date", NULL } }, \
	{ { "amount", "Amount", 12, true, true }, "i.amount", FMT_MONEY, \
	  { "i.currency", "i.amount", NULL } }, \
	{ { "currency", "Cur", 3, false, true }, "i.currency", FMT_TEXT, \
	  { "i.currency", "i.amount", NULL } }, \
	{ { "open", "Open", 12, true, false }, open_expr, FMT_MONEY, { NULL } }, \
	{ { "ref", "Reference", 14, false, true }, "i.reference_number", FMT_TEXT, \
	  { "i.reference_number", NULL } }

static const struct col_def INV_COLS[] = { INVOICE_COLS(INV_OPEN_EXPR) };

/* The Aging drill-down: the invoices that make up the Aging row, open as of its date. */
static const struct col_def CUST_INV_COLS[] = { INVOICE_COLS(AGING_OPEN_EXPR) };

static const struct filter_key INV_KEYS[] = {
	{ "currency", "i.currency", FK_TEXT, false }, { "customer", "i.customer_id", FK_TEXT, true },
	{ "id", "i.invoice_id", FK_TEXT, true }, { "ref", "i.reference_number", FK_TEXT, true },
	{ "name", "i.customer_name", FK_TEXT, true }, { "amount", "i.amount", FK_AMOUNT, false },
	{ "open", INV_OPEN_EXPR, FK_AMOUNT, false }, { "status", NULL, FK_STATUS, false },
};

static const char *const INV_STATUS[] = { "open", "paid", NULL };
static const char *const INV_STATUS_SQL[] = { INV_OPEN_EXPR " > 0", INV_OPEN_EXPR " <= 0", NULL };

static const struct col_def PAY_COLS[] = {
	{ { "id", "Payment", 12, false, true }, "p.payment_id", FMT_TEXT,
	  { "p.payment_id", NULL } },
	{ { "date", "Date", 10, false, true }, "p.payment_date", FMT_TEXT,
	  { "p.payment_date", NULL } },
	{ { "payer", "Payer", 22, false, true }, "p.payer_name", FMT_TEXT,
	  { "p.payer_name", NULL } },
	{ { "customer", "Cust", 8, false, true }, "p.customer_id", FMT_TEXT,
	  { "p.customer_id", "p.amount", NULL } },
	{ { "amount", "Amount", 12, true, true }, "p.amount", FMT_MONEY,
	  { "p.currency", "p.amount", NULL } },
	{ { "currency", "Cur", 3, false, true }, "p.currency", FMT_TEXT,
	  { "p.currency", "p.amount", NULL } },
	{ { "unapplied", "Unapplied", 12, true, false }, PAY_OPEN_EXPR, FMT_MONEY, { NULL } },
	{ { "ref", "Reference", 14, false, true }, "p.reference_number", FMT_TEXT,
	  { "p.reference_number", NULL } },
	{ { "memo", "Memo", 20, false, false }, "p.memo", FMT_TEXT, { NULL } },
};

static const struct filter_key PAY_KEYS[] = {
	{ "currency", "p.currency", FK_TEXT, false }, { "customer", "p.customer_id", FK_TEXT, true },
	{ "id", "p.payment_id", FK_TEXT, true }, { "ref", "p.reference_number", FK_TEXT, true },
	{ "payer", "p.payer_name", FK_TEXT, true }, { "amount", "p.amount", FK_AMOUNT, false },
	{ "unapplied", PAY_OPEN_EXPR, FK_AMOUNT, false }, { "status", NULL, FK_STATUS, false },
};

static const char *const PAY_STATUS[] = { "open", "unapplied", "matched", NULL };
static const char *const PAY_STATUS_SQL[] = { PAY_OPEN_EXPR " > 0", PAY_OPEN_EXPR " > 0",
	PAY_OPEN_EXPR " < p.amount", NULL };

/* Aging: the bucket columns are added per browse from the configuration. */
static const struct col_def AGING_COLS[] = {
	{ { "customer", "Cust", 8, false, true }, "i.customer_id", FMT_TEXT,
	  { "i.customer_id", "i.currency", NULL } },
	{ { "name", "Customer", 22, false, false }, "max(i.customer_name)", FMT_TEXT, { NULL } },
	{ { "currency", "Cur", 3, false, false }, "i.currency", FMT_TEXT, { NULL } },
	{ { "open", "Open", 13, true, false }, "sum(" INV_OPEN_EXPR ")", FMT_MONEY, { NULL } },
};

static const struct filter_key AGING_KEYS[] = {
	{ "currency", "i.currency", FK_TEXT, false }, { "customer", "i.customer_id", FK_TEXT, true },
	{ "name", "i.customer_name", FK_TEXT, true },
};

#define INV_FIXED "i.id, 0, 0, 0, 0, 0, i.id, i.currency, i.customer_id"
#define INV_TEXT "i.invoice_id || ' ' || i.customer_id || ' ' || i.customer_name || ' ' || " \
	"i.reference_number"

static const struct table_def DEFS[BROWSE_NTABLES] = {
	[BROWSE_MATCHES] = {
		"a.id, a.id, a.version, 0, 0, a.payment_row, a.invoice_row, a.currency, "
		"coalesce(i.customer_id, '')",
		"allocations a LEFT JOIN payments p ON p.id = a.payment_row "
		"LEFT JOIN invoices i ON i.id = a.invoice_row", "", NULL, NULL, "a.id",
		"coalesce(p.payment_id, '') || ' ' || coalesce(i.invoice_id, '') || ' ' || "
		"coalesce(i.customer_name, '') || ' ' || coalesce(p.payer_name, '') || ' ' || "
		"a.rule || ' ' || a.explanation",
		MATCH_COLS, N(MATCH_COLS), 0, MATCH_KEYS, N(MATCH_KEYS), NULL, NULL,
		"SELECT max(id) FROM allocations" },
	[BROWSE_EXCEPTIONS] = {
		"e.id, coalesce(a.id, 0), coalesce(a.version, 0), e.id, e.version, "
		"coalesce(e.payment_row, 0), coalesce(e.invoice_row, 0), e.currency, "
		"coalesce(i.customer_id, p.customer_id, '')",
		"exceptions e LEFT JOIN payments p ON p.id = e.payment_row "
		"LEFT JOIN invoices i ON i.id = e.invoice_row "
		"LEFT JOIN allocations a ON a.id = e.allocation_id", "e.status = 'open'", NULL, NULL,
		"e.id",
		"e.kind || ' ' || coalesce(p.payment_id, '') || ' ' || coalesce(p.payer_name, '') "
		"|| ' ' || coalesce(p.reference_number, '') || ' ' || coalesce(p.memo, '') || ' ' "
		"|| coalesce(i.invoice_id, '') || ' ' || coalesce(i.customer_name, '') || ' ' || "
		"e.detail",
		EXC_COLS, N(EXC_COLS), 0, EXC_KEYS, N(EXC_KEYS), NULL, NULL,
		"SELECT max(id) FROM exceptions" },
	[BROWSE_INVOICES] = {
		INV_FIXED, "invoices i", "", NULL, NULL, "i.id", INV_TEXT,
		INV_COLS, N(INV_COLS), 0, INV_KEYS, N(INV_KEYS), INV_STATUS, INV_STATUS_SQL,
		"SELECT max(id) FROM invoices" },
	[BROWSE_PAYMENTS] = {
		"p.id, 0, 0, 0, 0, p.id, 0, p.currency, p.customer_id", "payments p", "", NULL,
		NULL, "p.id",
		"p.payment_id || ' ' || p.payer_name || ' ' || p.customer_id || ' ' || "
		"p.reference_number || ' ' || p.memo",
		PAY_COLS, N(PAY_COLS), 0, PAY_KEYS, N(PAY_KEYS), PAY_STATUS, PAY_STATUS_SQL,
		"SELECT max(id) FROM payments" },
	[BROWSE_AGING] = {
		"0, 0, 0, 0, 0, 0, 0, i.currency, i.customer_id", "invoices i", "",
		"i.customer_id, i.currency", "sum(" INV_OPEN_EXPR ") > 0", NULL,
		"i.customer_id || ' ' || i.customer_name",
		AGING_COLS, N(AGING_COLS), 0, AGING_KEYS, N(AGING_KEYS), NULL, NULL, NULL,
		/* Words on Aging pick customers from the small customers table once per filter
		 * (80k rows, ~15 ms; aging_words_apply), then their invoices by customer id over
		 * the index: never a scan of the invoices, whose order here is the customer's. */
		"i.customer_id IN (SELECT w.customer_id FROM temp.pm_aging_words w "
		"WHERE w.owner = #)" },
	[BROWSE_CUSTOMER_INVOICES] = {
		INV_FIXED, "invoices i", AGING_DATED " AND " AGING_OPEN_EXPR " > 0", NULL, NULL,
		"i.id", INV_TEXT, CUST_INV_COLS, N(CUST_INV_COLS), 4, INV_KEYS, N(INV_KEYS),
		INV_STATUS, INV_STATUS_SQL, "SELECT max(id) FROM invoices" },
	[BROWSE_PICKER] = {
		INV_FIXED, "invoices i", INV_OPEN_EXPR " > 0", NULL, NULL, "i.id", INV_TEXT,
		INV_COLS, N(INV_COLS), 4, INV_KEYS, N(INV_KEYS), INV_STATUS, INV_STATUS_SQL,
		"SELECT max(id) FROM invoices" },
};

const struct table_def *browse_def(enum browse_table t)
{
	return &DEFS[t];
}

size_t browse_table_ncols(enum browse_table table)
{
	return DEFS[table].ncols;
}

const struct browse_column *browse_table_column(enum browse_table table, size_t i)
{
	return &DEFS[table].cols[i].meta;
}

int browse_table_find_column(enum browse_table table, const char *name)
{
	for (size_t i = 0; i < DEFS[table].ncols; i++)
		if (strcmp(DEFS[table].cols[i].meta.name, name) == 0)
			return (int)i;
	return -1;
}

void browse_filter_clear(struct browse_filter *f)
{
	for (size_t i = 0; i < f->nterms; i++) {
		free(f->terms[i].sql);
		free(f->terms[i].text);
	}
	free(f->terms);
	for (size_t i = 0; i < f->nwords; i++)
		free(f->words[i]);
	free(f->words);
	memset(f, 0, sizeof *f);
}

/* Adds a term "fmt" where every '#' stands for this term's parameter number. */
static int add_term(struct browse_filter *f, const char *fmt, const char *expr,
                    const char *text, int64_t number, bool scan)
{
	struct strbuf sb = STRBUF_INIT;
	struct filter_term *t;
	int param = P_FILTER + (int)f->nterms;

	if (PM_GROW(f->terms, f->nterms + 1, f->alloc))
		return -1;
	for (const char *p = fmt; *p; p++) {
		int rc = 0;

		if (*p == '#')
			rc = strbuf_addf(&sb, "?%d", param);
		else if (*p == '@')
			rc = strbuf_addstr(&sb, expr);
		else
			rc = strbuf_addch(&sb, *p);
		if (rc) {
			strbuf_release(&sb);
			return -1;
		}
	}
	t = &f->terms[f->nterms];
	t->sql = strbuf_detach(&sb);
	t->text = text ? strdup(text) : NULL;
	t->number = number;
	t->scan = scan;
	if (!t->sql || (text && !t->text)) {
		free(t->sql);
		free(t->text);
		return -1;
	}
	f->nterms++;
	return 0;
}

/* LIKE pattern "%word%" with %, _ and \ escaped (ESCAPE '\'). */
static char *like_pattern(const char *w, size_t len)
{
	char *out = malloc(2 * len + 3), *o = out;

	if (!out)
		return NULL;
	*o++ = '%';
	for (size_t i = 0; i < len; i++) {
		if (w[i] == '%' || w[i] == '_' || w[i] == '\\')
			*o++ = '\\';
		*o++ = w[i];
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

/* GLOB prefix pattern "abc*" with the GLOB metacharacters of the value bracketed. */
static char *glob_prefix(const char *v, size_t len)
{
	char *out = malloc(3 * len + 2), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (v[i] == '*' || v[i] == '?' || v[i] == '[' || v[i] == ']') {
			*o++ = '[';
			*o++ = v[i];
			*o++ = ']';
		} else {
			*o++ = v[i];
		}
	}
	*o++ = '*';
	*o = '\0';
	return out;
}

static const struct filter_key *find_key(const struct table_def *def, const char *name,
                                         size_t len)
{
	for (size_t i = 0; i < def->nkeys; i++)
		if (strlen(def->keys[i].name) == len && strncmp(def->keys[i].name, name, len) == 0)
			return &def->keys[i];
	return NULL;
}

/* Parses a major-unit amount ("1000", "1000.50", "-3") into minor units of decimals. */
static int parse_major(const char *s, size_t len, int decimals, int64_t *out)
{
	int64_t v = 0, frac = 0;
	int nfrac = 0;
	size_t i = 0;
	bool neg = false, dot = false;

	if (len && (s[0] == '-' || s[0] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return -1;
	for (; i < len; i++) {
		if (s[i] == '.' && !dot) {
			dot = true;
		} else if (isdigit((unsigned char)s[i])) {
			if (dot) {
				if (++nfrac > decimals)
					return -1;
				frac = frac * 10 + (s[i] - '0');
			} else if (v > (INT64_MAX / 1000 - 9) / 10) {
				return -1;
			} else {
				v = v * 10 + (s[i] - '0');
			}
		} else {
			return -1;
		}
	}
	for (int d = 0; d < decimals; d++)
		v *= 10;
	for (; nfrac < decimals; nfrac++)
		frac *= 10;
	*out = neg ? -(v + frac) : v + frac;
	return 0;
}

static int parse_amount_term(struct browse_filter *f, const struct filter_key *k,
                             const char *tok, size_t len, size_t namelen, int decimals,
                             struct pm_error *err)
{
	const char *op = tok + namelen;
	size_t oplen = (op[1] == '=' && (op[0] == '<' || op[0] == '>')) ? 2 : 1;
	char fmt[16];
	int64_t v;

	if (parse_major(op + oplen, len - namelen - oplen, decimals, &v))
		return pm_error_set(err, PM_EUSAGE, "filter: \"%.*s\": not an amount (e.g. "
		                    "amount>1000.50)", (int)len, tok);
	snprintf(fmt, sizeof fmt, "@ %.*s #", (int)oplen, op);
	return add_term(f, fmt, k->expr, NULL, v, true) ? pm_error_set(err, PM_ESOFTWARE,
	                                                         "out of memory") : 0;
}

static int parse_key_term(const struct table_def *def, struct browse_filter *f,
                          const struct filter_key *k, const char *val, size_t vlen,
                          const char *tok, size_t len, struct pm_error *err)
{
	char *pat, *v;
	int rc;

	if (k->type == FK_STATUS) {
		for (size_t i = 0; def->status_names && def->status_names[i]; i++)
			if (strlen(def->status_names[i]) == vlen &&
			    strncmp(def->status_names[i], val, vlen) == 0)
				return add_term(f, def->status_conds[i], "", NULL, 0, true) ?
				       pm_error_set(err, PM_ESOFTWARE, "out of memory") : 0;
		return pm_error_set(err, PM_EUSAGE, "filter: \"%.*s\": unknown status", (int)len, tok);
	}
	if (k->type != FK_TEXT || vlen == 0)
		return pm_error_set(err, PM_EUSAGE, "filter: \"%.*s\": %s needs a value (%s:VALUE)",
		                    (int)len, tok, k->name, k->name);
	if (val[vlen - 1] == '*') {
		pat = glob_prefix(val, vlen - 1);
		rc = pat ? add_term(f, "@ GLOB #", k->expr, pat, 0, true) : -1;
		free(pat);
	} else {
		v = strndup(val, vlen);
		rc = v ? add_term(f, "@ = #", k->expr, v, 0, !k->selective) : -1;
		free(v);
	}
	return rc ? pm_error_set(err, PM_ESOFTWARE, "out of memory") : 0;
}

/* Decimals of amount values: those of a currency:XXX term in line, else 2. */
static int line_decimals(const char *line)
{
	const char *c = strstr(line, "currency:");
	char code[4];
	int d;

	if (!c)
		return 2;
	/* "currency:" may end the line: copy at most what is there (ASan caught the over-read) */
	snprintf(code, sizeof code, "%.3s", c + 9);
	for (int i = 0; i < 3; i++)
		code[i] = (char)toupper((unsigned char)code[i]);
	d = money_currency_decimals(code);
	return d < 0 ? 2 : d;
}

/* A word of a word_fmt table: its pattern joins the list, and the first word adds the one
 * term that reads the set (keyed by browse_words_apply). */
static int add_word(struct browse_filter *f, const struct table_def *def, const char *pat)
{
	if (f->nwords == 0 && add_term(f, def->word_fmt, "", NULL, 0, false))
		return -1;
	if (f->nwords == 0)
		f->words_term = f->nterms - 1;
	if (PM_GROW(f->words, f->nwords + 1, f->awords) ||
	    !(f->words[f->nwords] = strdup(pat)))
		return -1;
	f->nwords++;
	return 0;
}

static int parse_token(const struct table_def *def, struct browse_filter *f, const char *tok,
                       size_t len, int decimals, struct pm_error *err)
{
	size_t n = 0;
	const struct filter_key *k;
	char *pat;
	int rc;

	while (n < len && (isalpha((unsigned char)tok[n]) || tok[n] == '_'))
		n++;
	if (n > 0 && n < len && (tok[n] == ':' || tok[n] == '<' || tok[n] == '>' ||
	                         tok[n] == '=')) {
		k = find_key(def, tok, n);
		if (!k)
			return pm_error_set(err, PM_EUSAGE, "filter: \"%.*s\": unknown key \"%.*s\"",
			                    (int)len, tok, (int)n, tok);
		if (tok[n] == ':')
			return parse_key_term(def, f, k, tok + n + 1, len - n - 1, tok, len, err);
		if (k->type != FK_AMOUNT)
			return pm_error_set(err, PM_EUSAGE, "filter: \"%.*s\": %s is not a number "
			                    "(use %s:VALUE)", (int)len, tok, k->name, k->name);
		return parse_amount_term(f, k, tok, len, n, decimals, err);
	}
	pat = like_pattern(tok, len);
	if (def->word_fmt)
		rc = pat ? add_word(f, def, pat) : -1;
	else
		rc = pat ? add_term(f, "(@) LIKE # ESCAPE '\\'", def->text, pat, 0, true) : -1;
	free(pat);
	return rc ? pm_error_set(err, PM_ESOFTWARE, "out of memory") : 0;
}

int browse_filter_parse(const struct table_def *def, const char *line,
                        struct browse_filter *f, struct pm_error *err)
{
	const char *p = line ? line : "";
	int decimals = line_decimals(p);

	browse_filter_clear(f);
	while (*p) {
		const char *start;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if ((unsigned char)*start < 0x20 ||
		    parse_token(def, f, start, (size_t)(p - start), decimals, err)) {
			if (!err->code)
				pm_error_set(err, PM_EUSAGE, "filter: control character");
			browse_filter_clear(f);
			return err->code;
		}
		if (f->nterms > 32) {
			browse_filter_clear(f);
			return pm_error_set(err, PM_EUSAGE, "filter: too many terms (32 at most)");
		}
	}
	return 0;
}

int browse_filter_sql(const struct browse_filter *f, struct strbuf *sb)
{
	for (size_t i = 0; i < f->nterms; i++)
		if (strbuf_addf(sb, " AND (%s)", f->terms[i].sql))
			return -1;
	return 0;
}

bool browse_filter_scans(const struct browse_filter *f)
{
	for (size_t i = 0; i < f->nterms; i++)
		if (f->terms[i].scan)
			return true;
	return false;
}

/* "(s1) AND (s2) ..." over the scan terms. */
static int scan_terms(const struct browse_filter *f, struct strbuf *sb)
{
	int rc = 0, n = 0;

	for (size_t i = 0; i < f->nterms; i++)
		if (f->terms[i].scan)
			rc |= strbuf_addf(sb, "%s(%s)", n++ ? " AND " : "", f->terms[i].sql);
	return rc;
}

int browse_filter_sql_bounded(const struct browse_filter *f, struct strbuf *sb)
{
	int rc = 0;

	for (size_t i = 0; i < f->nterms; i++)
		if (!f->terms[i].scan)
			rc |= strbuf_addf(sb, " AND (%s)", f->terms[i].sql);
	if (!browse_filter_scans(f))
		return rc;
	rc |= strbuf_addstr(sb, " AND ((");
	rc |= scan_terms(f, sb);
	return rc | strbuf_addstr(sb, ") OR pm_deadline())");
}

int browse_filter_hit(const struct browse_filter *f, struct strbuf *sb)
{
	int rc;

	if (!browse_filter_scans(f))
		return strbuf_addstr(sb, ", 1 AS hit");
	rc = strbuf_addstr(sb, ", (");
	rc |= scan_terms(f, sb);
	return rc | strbuf_addstr(sb, ") AS hit");
}

int browse_filter_bind(const struct browse_filter *f, sqlite3_stmt *stmt)
{
	for (size_t i = 0; i < f->nterms; i++) {
		int idx = P_FILTER + (int)i;

		if (!strchr(f->terms[i].sql, '?'))
			continue;
		if (f->terms[i].text)
			sqlite3_bind_text(stmt, idx, f->terms[i].text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(stmt, idx, f->terms[i].number);
	}
	return 0;
}
