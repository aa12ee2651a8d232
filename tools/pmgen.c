/* pmgen: writes realistic receivables test data with its ground truth: invoices.csv,
 * payments.csv and truth.csv in paymatch's native formats (docs/GENERATOR.md), optionally a
 * German bank statement that needs an import profile.
 *
 * It simulates the days from 18 months before --as-of to --as-of: each day's invoices are
 * written as they are issued and their payments are scheduled on a calendar; each day's
 * payments are written when the day comes. Only open invoices and scheduled payments are
 * held in memory, never the output rows, so 1M invoices take seconds and tens of MB.
 * Deterministic for a seed: its own PRNG (xoshiro256** seeded by splitmix64), no rand(),
 * no clock, no pointer-dependent order.
 *
 * The generator's parts live in tools/pmgen/NAME.inc and are included below: each tools/NAME.c
 * is its own binary, so they cannot be linked as separate objects. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paymatch/date.h"
#include "paymatch/money.h"
#include "paymatch/strbuf.h"

#include "pmgen/words.inc"

/* ---- situations (the labels of truth.csv) and invoice fates ---- */

enum sit {
	S_EXACT_REF, S_MANGLED_REF, S_MEMO_REF, S_TYPO_REF, S_CUSTOMER_AMOUNT, S_NAME_ONLY,
	S_MULTI_REFS, S_MULTI_SUM, S_PARTIAL, S_SHORT_PAY, S_SHORT_PAY_BIG, S_OVER_PAY,
	S_CURRENCY_MISMATCH, S_DUPLICATE, S_UNRELATED, S_NSIT,
	F_UNPAID = S_NSIT,   /* fates that are not truth labels: never paid ... */
	F_BANK               /* ... or paid through the bank statement */
};
#define S_FIRST_PAYMENT_ONLY S_DUPLICATE   /* situations from here on are per payment */

static const char *const SIT_NAMES[S_NSIT] = {
	[S_EXACT_REF] = "exact_ref", [S_MANGLED_REF] = "mangled_ref", [S_MEMO_REF] = "memo_ref",
	[S_TYPO_REF] = "typo_ref", [S_CUSTOMER_AMOUNT] = "customer_amount",
	[S_NAME_ONLY] = "name_only", [S_MULTI_REFS] = "multi_refs", [S_MULTI_SUM] = "multi_sum",
	[S_PARTIAL] = "partial", [S_SHORT_PAY] = "short_pay", [S_SHORT_PAY_BIG] = "short_pay_big",
	[S_OVER_PAY] = "over_pay", [S_CURRENCY_MISMATCH] = "currency_mismatch",
	[S_DUPLICATE] = "duplicate", [S_UNRELATED] = "unrelated",
};

/* Weights of invoice fates (per 1000 paid invoices); duplicate and unrelated are per 1000
 * payments. --mix overrides them. */
static const int DEFAULT_MIX[S_NSIT] = {
	[S_EXACT_REF] = 400, [S_MANGLED_REF] = 90, [S_MEMO_REF] = 90, [S_TYPO_REF] = 35,
	[S_CUSTOMER_AMOUNT] = 60, [S_NAME_ONLY] = 50, [S_MULTI_REFS] = 90, [S_MULTI_SUM] = 50,
	[S_PARTIAL] = 40, [S_SHORT_PAY] = 40, [S_SHORT_PAY_BIG] = 15, [S_OVER_PAY] = 20,
	[S_CURRENCY_MISMATCH] = 10, [S_DUPLICATE] = 15, [S_UNRELATED] = 30,
};

/* Payments each fate makes per invoice, measured: multi groups often close with 2-3
 * invoices, installments after --as-of are not paid yet. Turns --payments-ratio into the
 * share of unpaid invoices. */
static const double PAYMENTS_PER_INVOICE[S_FIRST_PAYMENT_ONLY] = {
	1, 1, 1, 1, 1, 1, 0.36, 0.42, 2.1, 1, 1, 1, 1,
};

/* Policy the truth follows, as paymatch's default matching config (docs/CONFIG.md). */
#define TOLERANCE_MINOR 500    /* matching.tolerance 5.00 */
#define TOLERANCE_PCT 2        /* matching.tolerance_percent */
#define WINDOW_DAYS 115        /* inside matching.date_window_days 120 */
#define SPAN_DAYS 547          /* 18 months of invoices before --as-of */
#define GROUP_DAYS 45          /* a multi payment waits at most this long for its invoices */
#define MAX_MULTI 6

/* ---- styles: reference formats, languages and noise rates (docs/GENERATOR.md) ---- */

enum erp { E_A, E_B, E_C, E_D, E_E, E_COUNT };
#define ALL_ERPS 0x1Fu
#define ALL_LANGS 0xFu
static const int ERP_LANG[E_COUNT] = { L_EN, L_DE, L_NO, L_EN, L_FR };

struct style {
	const char *name, *doc;
	unsigned erps, langs;      /* bit masks of enum erp / enum lang */
	const char *currencies;    /* default --currencies, most frequent first */
	const char *pay_prefix;    /* payment ids */
	int upper, fold;           /* % payer names upper-cased / accents folded */
	int trunc, trunc_len;      /* % names truncated, at this length (0: 18, 27 or 35) */
	int suffix, abbrev;        /* % legal form dropped or rewritten / words abbreviated */
	int cid, cid_noise;        /* % payments with the customer number / typed differently */
	int memo_noise;            /* % memos with bank tokens (EREF+, TRN, /ROC/) */
	int heavy;                 /* % mangled refs losing prefix, year or zeros */
	int late;                  /* % reference payments made 4-8 months late (dunned) */
	int clean;                 /* % payments showing the customer's ERP name as is */
	int cluster;               /* % customers that are similar-named decoys */
};

static const struct style STYLES[] = {
	{ .name = "mixed", .doc = "all ERP styles and languages, one per customer",
	  .erps = ALL_ERPS, .langs = ALL_LANGS, .currencies = "EUR,USD,GBP,CHF,JPY",
	  .pay_prefix = "P", .upper = 80, .fold = 85, .trunc = 35, .trunc_len = 0, .suffix = 40,
	  .abbrev = 15, .cid = 30, .cid_noise = 8, .memo_noise = 35, .heavy = 50, .late = 1,
	  .clean = 10, .cluster = 12 },
	{ .name = "erp-a", .doc = "INV-2026-000123, English names, US/UK banks",
	  .erps = 1u << E_A, .langs = 1u << L_EN, .currencies = "USD,GBP,EUR,CHF,JPY",
	  .pay_prefix = "ACH", .upper = 95, .fold = 95, .trunc = 25, .trunc_len = 35, .suffix = 35,
	  .abbrev = 25, .cid = 45, .cid_noise = 6, .memo_noise = 25, .heavy = 40, .late = 1,
	  .clean = 15, .cluster = 12 },
	{ .name = "erp-b", .doc = "2026/000123, German names and memos, SEPA tokens",
	  .erps = 1u << E_B, .langs = 1u << L_DE, .currencies = "EUR,CHF,USD,GBP,JPY",
	  .pay_prefix = "UEB", .upper = 70, .fold = 90, .trunc = 45, .trunc_len = 27, .suffix = 45,
	  .abbrev = 10, .cid = 25, .cid_noise = 10, .memo_noise = 60, .heavy = 55, .late = 1,
	  .clean = 5, .cluster = 15 },
	{ .name = "erp-c", .doc = "RF creditor references, Nordic names",
	  .erps = 1u << E_C, .langs = 1u << L_NO, .currencies = "EUR,USD,GBP,CHF,JPY",
	  .pay_prefix = "BG", .upper = 85, .fold = 70, .trunc = 30, .trunc_len = 35, .suffix = 50,
	  .abbrev = 10, .cid = 15, .cid_noise = 5, .memo_noise = 30, .heavy = 35, .late = 1,
	  .clean = 10, .cluster = 10 },
	{ .name = "erp-d", .doc = "9-digit document numbers, mixed names, 18-character bank fields",
	  .erps = 1u << E_D, .langs = (1u << L_EN) | (1u << L_DE) | (1u << L_FR),
	  .currencies = "EUR,USD,JPY,GBP,CHF", .pay_prefix = "DOC", .upper = 100, .fold = 100,
	  .trunc = 60, .trunc_len = 18, .suffix = 60, .abbrev = 30, .cid = 20, .cid_noise = 15,
	  .memo_noise = 45, .heavy = 65, .late = 2, .clean = 0, .cluster = 15 },
	{ .name = "erp-e", .doc = "SO-123456/1 sales orders, French and Swiss names",
	  .erps = 1u << E_E, .langs = 1u << L_FR, .currencies = "CHF,EUR,USD,GBP,JPY",
	  .pay_prefix = "VIR", .upper = 80, .fold = 80, .trunc = 35, .trunc_len = 35, .suffix = 40,
	  .abbrev = 15, .cid = 35, .cid_noise = 8, .memo_noise = 40, .heavy = 50, .late = 1,
	  .clean = 10, .cluster = 12 },
};

/* ---- state ---- */

struct inv {                  /* an issued invoice still needed: open or awaiting payments */
	int64_t amount, applied;  /* minor units; truth amount_applied so far */
	uint32_t number;          /* number in its ERP series */
	int32_t cust;
	int32_t next_free;        /* free-list link while the slot is unused */
	pm_date date, due;
	uint8_t cur, erp, suffix, fate;
	uint8_t open;             /* listed in its customer's open invoices */
	uint8_t pending;          /* scheduled payments not yet written */
	uint8_t settled;          /* paid in full or within tolerance */
	uint8_t touched;          /* named by a truth row */
	uint8_t live;
};

struct group {                /* invoices waiting to be paid together */
	int32_t inv[MAX_MULTI];
	uint8_t n, k, cur;
	pm_date start;
};

struct customer {
	char *name, *core, *bank[2];  /* ERP name, its distinctive word, two bank spellings */
	char id[24];
	uint8_t lang, erp, cur, terms;
	uint8_t batch;                /* issues enough invoices to pay them in batches */
	int32_t *open;                /* open invoices (slab indices) */
	size_t nopen, aopen;
	struct group grp[2];          /* [0] multi_refs, [1] multi_sum */
};

enum evkind { EV_SINGLE, EV_INSTALL, EV_MULTI, EV_DUP };

struct payrow {
	pm_date date;
	int cur;
	int64_t amount;
	struct strbuf payer, cid, ref, memo;
};

struct event {                /* a payment scheduled on a day */
	uint8_t kind, sit, n, part, parts;
	int32_t inv[MAX_MULTI];
	int64_t amount;           /* EV_INSTALL: the installment */
	struct payrow *dup;       /* EV_DUP: the payment sent again */
};

struct evlist {
	struct event *v;
	size_t n, alloc;
};

struct truthrow {
	int32_t inv;              /* slab index, -1 = pays no invoice */
	int64_t applied;
	int sit;
};

struct bankrow;

struct gen {
	uint64_t s[4];
	uint64_t seed;
	const struct style *st;
	double noise, ratio;
	int64_t ninv, ncust, bank_rows;
	pm_date asof, start;
	bool quiet, unpaid_set;
	int ncur;
	char cur[8][4];
	int dec[8], rate[8], curw[8];
	int eur;                          /* index of EUR, -1 = none */
	int mix[S_NSIT];
	int64_t unpaid_w, fate_total, bank_pm;
	int64_t batch_boost;              /* multi weights x this/1000 for batch payers */
	const char *out;
	FILE *finv, *fpay, *ftruth;
	struct customer *cust;
	uint64_t *cum;
	const char **nameset;
	size_t nameset_size;
	struct inv *slab;
	size_t nslab, aslab;
	int32_t free_head;
	struct evlist *cal;
	uint32_t no[E_COUNT], cid_next[E_COUNT];
	int no_year[E_COUNT];
	int64_t npay, ntruth, nbankpay, nbanktruth;
	int64_t sit_pay[S_NSIT], sit_rows[S_NSIT], bank_sit_rows[S_NSIT];
	int64_t aging[6], unpaid[6], inv_per_cur[8];
	struct payrow row;
	struct strbuf t1, t2;
	struct bankrow *bank;
	size_t nbank, abank;
};
#include "pmgen/util.inc"
#include "pmgen/names.inc"
#include "pmgen/refs.inc"
#include "pmgen/plan.inc"
#include "pmgen/pay.inc"
#include "pmgen/bank.inc"

/* ---- the simulation ---- */

/* Invoice numbers run on per ERP series; A and B start a new range each year. */
static uint32_t next_number(struct gen *g, int erp, int year)
{
	uint32_t n;

	if ((erp == E_A || erp == E_B) && g->no_year[erp] != year) {
		g->no_year[erp] = year;
		g->no[erp] = 1 + (uint32_t)rng_below(g, 2000);
	}
	n = g->no[erp];
	g->no[erp] += erp == E_E ? 1 + (uint32_t)rng_below(g, 3) : 1;
	return n;
}

static int32_t pick_customer(struct gen *g)
{
	uint64_t r = rng_below(g, g->cum[g->ncust - 1]);
	int64_t lo = 0, hi = g->ncust - 1;

	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;

		if (g->cum[mid] > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (int32_t)lo;
}

/* Draws the invoice's fate from the mix. Only customers who issue several invoices within
 * GROUP_DAYS pay in batches, so their multi weights are raised by batch_boost and the
 * others' are zero: the mix holds overall and the groups fill. */
static int pick_fate(struct gen *g, const struct inv *v)
{
	int64_t w[S_FIRST_PAYMENT_ONLY], total = g->unpaid_w, r;
	bool batch = g->cust[v->cust].batch;

	if (g->bank_pm && v->cur == g->eur && v->date >= g->asof - 110 && v->date < g->asof - 1 &&
	    rng_permille(g, g->bank_pm))
		return F_BANK;
	for (int s = 0; s < S_FIRST_PAYMENT_ONLY; s++) {
		w[s] = g->mix[s];
		if (s == S_MULTI_REFS || s == S_MULTI_SUM)
			w[s] = batch ? w[s] * g->batch_boost / 1000 : 0;
		total += w[s];
	}
	r = (int64_t)rng_below(g, (uint64_t)total);
	for (int s = 0; s < S_FIRST_PAYMENT_ONLY; s++)
		if ((r -= w[s]) < 0)
			return s;
	return F_UNPAID;
}

/* Issues one invoice on day: writes it, decides its fate and schedules its payments. */
static void invoice_make(struct gen *g, pm_date day)
{
	int32_t k = slab_new(g), ci = pick_customer(g);
	struct inv *v = &g->slab[k];
	const struct customer *c = &g->cust[ci];

	v->cust = ci;
	v->date = day;
	v->due = day + c->terms;
	v->erp = c->erp;
	v->cur = (uint8_t)(g->ncur > 1 && rng_chance(g, 5) ? pick_currency(g) : c->cur);
	v->amount = draw_amount(g, v->cur);
	v->number = next_number(g, v->erp, inv_year(v));
	v->suffix = (uint8_t)(1 + rng_below(g, 3));
	write_invoice(g, v);
	v->fate = (uint8_t)pick_fate(g, v);
	open_add(g, k);
	switch (v->fate) {
	case F_UNPAID:
	case F_BANK: break;
	case S_MULTI_REFS: group_add(g, k, 0, day); break;
	case S_MULTI_SUM: group_add(g, k, 1, day); break;
	case S_PARTIAL: plan_partial(g, k, day); break;
	default: plan_single(g, k, v->fate, day); break;
	}
}

/* Walks the days: the day's invoices first (none is paid the day it is issued), then the
 * payments scheduled for it. */
static void simulate(struct gen *g)
{
	int64_t seq = 0, span = g->asof - g->start + 1;

	for (pm_date day = g->start; day <= g->asof; day++) {
		struct evlist *l = &g->cal[day - g->start];

		for (; seq < g->ninv && g->start + seq * span / g->ninv == day; seq++)
			invoice_make(g, day);
		if ((day - g->start) % 7 == 6)
			groups_sweep(g, day);
		for (size_t i = 0; i < l->n; i++)
			emit_event(g, day, &l->v[i]);
		free(l->v);
		l->v = NULL;
		l->n = l->alloc = 0;
	}
}

/* ---- setup ---- */

static int parse_currencies(struct gen *g, const char *list)
{
	static const struct { const char *code; int rate; } RATES[] = {
		{ "EUR", 100 }, { "USD", 108 }, { "GBP", 85 }, { "CHF", 95 }, { "JPY", 16000 },
		{ "SEK", 1150 }, { "NOK", 1170 }, { "DKK", 746 }, { "PLN", 430 }, { "CZK", 2500 },
		{ "CAD", 147 }, { "AUD", 165 }, { "KWD", 33 },
	};
	static const int WEIGHT[8] = { 50, 20, 15, 10, 5, 5, 5, 5 };
	const char *p = list;

	g->ncur = 0;
	g->eur = -1;
	while (*p) {
		size_t n = strcspn(p, ",");
		char code[4];

		if (n != 3 || g->ncur == 8)
			goto bad;
		memcpy(code, p, 3);
		code[3] = '\0';
		if (!money_currency_valid(code))
			goto bad;
		for (int i = 0; i < g->ncur; i++)
			if (strcmp(g->cur[i], code) == 0)
				goto bad;
		memcpy(g->cur[g->ncur], code, 4);
		g->dec[g->ncur] = money_currency_decimals(code);
		g->rate[g->ncur] = 100;
		for (size_t i = 0; i < NELEM(RATES); i++)
			if (strcmp(RATES[i].code, code) == 0)
				g->rate[g->ncur] = RATES[i].rate;
		g->curw[g->ncur] = WEIGHT[g->ncur];
		if (strcmp(code, "EUR") == 0)
			g->eur = g->ncur;
		g->ncur++;
		p += n + (p[n] == ',');
	}
	if (g->ncur)
		return 0;
bad:
	fprintf(stderr, "pmgen: --currencies: expected up to 8 distinct ISO 4217 codes separated "
	                "by commas (EUR,USD,GBP), got \"%s\"\n", list);
	return -1;
}

/* Parses "exact_ref=400,duplicate=20,unpaid=100" over the default mix. */
static int parse_mix(struct gen *g, const char *spec)
{
	const char *p = spec;

	while (*p) {
		size_t n = strcspn(p, "="), len = strcspn(p, ",");
		char *end;
		long w;
		int s;

		if (n >= len)
			goto bad;
		w = strtol(p + n + 1, &end, 10);
		if (end != p + len || w < 0 || w > 100000)
			goto bad;
		for (s = 0; s < S_NSIT; s++)
			if (strlen(SIT_NAMES[s]) == n && strncmp(SIT_NAMES[s], p, n) == 0)
				break;
		if (s < S_NSIT) {
			g->mix[s] = (int)w;
		} else if (n == 6 && strncmp(p, "unpaid", 6) == 0) {
			g->unpaid_w = w;
			g->unpaid_set = true;
		} else {
			goto bad;
		}
		p += len + (p[len] == ',');
	}
	return 0;
bad:
	fprintf(stderr, "pmgen: --mix: expected SITUATION=WEIGHT,... with a situation of "
	                "docs/GENERATOR.md or unpaid, got \"%s\"\n", spec);
	return -1;
}

/* Turns --payments-ratio into the unpaid weight (unless --mix set it), adding unrelated
 * receipts when even paying every invoice would not reach the ratio. */
static int plan_mix(struct gen *g)
{
	double paid = 0, pays = 0, per, frac;

	if (g->ncur < 2)
		g->mix[S_CURRENCY_MISMATCH] = 0;
	for (int s = 0; s < S_FIRST_PAYMENT_ONLY; s++) {
		paid += g->mix[s];
		pays += g->mix[s] * PAYMENTS_PER_INVOICE[s];
	}
	if (paid <= 0) {
		fputs("pmgen: --mix: every paying situation has weight 0\n", stderr);
		return -1;
	}
	per = pays / paid * 0.96;
	if (!g->unpaid_set) {
		double extra = (g->mix[S_DUPLICATE] + g->mix[S_UNRELATED]) / 1000.0;

		frac = g->ratio / (per * (1 + extra));
		if (frac > 0.98) {
			double u = (g->ratio / (0.98 * per) - 1) * 1000 - g->mix[S_DUPLICATE];

			if (u > g->mix[S_UNRELATED])
				g->mix[S_UNRELATED] = u > 1000 ? 1000 : (int)u;
			frac = 0.98;
		}
		frac = frac < 0.02 ? 0.02 : frac;
		g->unpaid_w = (int64_t)(paid * (1 - frac) / frac + 0.5);
	}
	g->fate_total = (int64_t)paid + g->unpaid_w;
	return 0;
}

/* A batch payer expects at least 1.5 invoices within GROUP_DAYS. */
static void mark_batch_payers(struct gen *g)
{
	uint64_t total = g->cum[g->ncust - 1], batch = 0;

	for (int64_t i = 0; i < g->ncust; i++) {
		uint64_t w = g->cum[i] - (i ? g->cum[i - 1] : 0);
		double expect = (double)g->ninv * (double)w / (double)total * GROUP_DAYS /
		                (SPAN_DAYS + 1);

		g->cust[i].batch = expect >= 1.5;
		batch += g->cust[i].batch ? w : 0;
	}
	g->batch_boost = batch ? (int64_t)(1000.0 * (double)total / (double)batch) : 0;
	if (g->batch_boost > 4000)
		g->batch_boost = 4000;   /* few batch payers: the multi share comes out lower */
}

/* Customers: few big ones and many small ones (weights 1 to 44). */
static void make_customers(struct gen *g)
{
	uint64_t total = 0;

	g->cust = xcalloc((size_t)g->ncust, sizeof *g->cust);
	g->cum = xcalloc((size_t)g->ncust, sizeof *g->cum);
	for (g->nameset_size = 64; g->nameset_size < 2 * (size_t)g->ncust; g->nameset_size *= 2)
		;
	g->nameset = xcalloc(g->nameset_size, sizeof *g->nameset);
	for (int64_t i = 0; i < g->ncust; i++) {
		int r = (int)rng_below(g, 100);

		customer_make(g, i);
		total += r < 55 ? 1 : r < 85 ? 2 + rng_below(g, 3) : r < 97 ? 5 + rng_below(g, 10)
		                                                     : 15 + rng_below(g, 30);
		g->cum[i] = total;
	}
	mark_batch_payers(g);
}

static FILE *open_out(const struct gen *g, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", g->out, name);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "pmgen: %s: %s\n", path, strerror(errno));
	else
		setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static int setup(struct gen *g)
{
	uint64_t x = g->seed;

	for (int i = 0; i < 4; i++)
		g->s[i] = splitmix64(&x);
	g->start = g->asof - SPAN_DAYS;
	g->free_head = -1;
	if (plan_mix(g))
		return -1;
	g->cid_next[E_A] = 1000 + (uint32_t)rng_below(g, 5000);
	g->cid_next[E_B] = 10000 + (uint32_t)rng_below(g, 5000);
	g->cid_next[E_C] = 100 + (uint32_t)rng_below(g, 900);
	g->cid_next[E_D] = 100000 + (uint32_t)rng_below(g, 50000);
	g->cid_next[E_E] = 1 + (uint32_t)rng_below(g, 100);
	g->no[E_C] = 10000000 + (uint32_t)rng_below(g, 80000000);
	g->no[E_D] = 10000 + (uint32_t)rng_below(g, 5000000);
	g->no[E_E] = 100000 + (uint32_t)rng_below(g, 400000);
	if (g->bank_rows > 0 && g->eur >= 0) {
		int w = 0;

		for (int i = 0; i < g->ncur; i++)
			w += g->curw[i];
		double expect = (double)g->ninv * 108 / (SPAN_DAYS + 1) * g->curw[g->eur] / w;
		g->bank_pm = expect < 1 ? 1000 : (int64_t)(g->bank_rows * 1600 / expect);
		g->bank_pm = g->bank_pm > 1000 ? 1000 : g->bank_pm;
	}
	make_customers(g);
	g->cal = xcalloc(SPAN_DAYS + 1, sizeof *g->cal);
	if (mkdir(g->out, 0777) && errno != EEXIST) {
		fprintf(stderr, "pmgen: %s: %s\n", g->out, strerror(errno));
		return -1;
	}
	g->finv = open_out(g, "invoices.csv");
	g->fpay = open_out(g, "payments.csv");
	g->ftruth = open_out(g, "truth.csv");
	if (!g->finv || !g->fpay || !g->ftruth)
		return -1;
	fputs("invoice_id,customer_id,customer_name,invoice_date,due_date,amount,currency,"
	      "reference_number\n", g->finv);
	fputs("payment_id,payment_date,amount,currency,payer_name,customer_id,reference_number,"
	      "memo\n", g->fpay);
	fputs("payment_id,invoice_id,amount_applied,situation\n", g->ftruth);
	return 0;
}

/* ---- finishing ---- */

/* Counts the invoices still open at --as-of into the aging buckets, frees everything, and
 * closes the files; returns -1 when a write failed. */
static int finish(struct gen *g)
{
	int rc = 0;

	for (size_t i = 0; i < g->nslab; i++)
		if (g->slab[i].live && !g->slab[i].settled)
			count_aging(g, &g->slab[i]);
	if (g->finv && fclose(g->finv))
		rc = -1;
	if (g->fpay && fclose(g->fpay))
		rc = -1;
	if (g->ftruth && fclose(g->ftruth))
		rc = -1;
	for (int64_t i = 0; g->cust && i < g->ncust; i++) {
		free(g->cust[i].name);
		free(g->cust[i].core);
		free(g->cust[i].bank[0]);
		free(g->cust[i].bank[1]);
		free(g->cust[i].open);
	}
	for (int i = 0; g->cal && i <= SPAN_DAYS; i++)
		free(g->cal[i].v);
	free(g->cal);
	free(g->cust);
	free(g->cum);
	free(g->nameset);
	free(g->slab);
	free(g->bank);
	strbuf_release(&g->row.payer);
	strbuf_release(&g->row.cid);
	strbuf_release(&g->row.ref);
	strbuf_release(&g->row.memo);
	strbuf_release(&g->t1);
	strbuf_release(&g->t2);
	if (rc)
		fprintf(stderr, "pmgen: writing to %s failed: %s\n", g->out, strerror(errno));
	return rc;
}

static void summary(const struct gen *g)
{
	static const char *const BUCKETS[] = { "current", "1-30", "31-60", "61-90", "91-120",
	                                       "over 120" };
	char day[16];

	printf("pmgen: seed %" PRIu64 ", style %s, as-of %s, %" PRId64 " customers, noise %.2f\n",
	       g->seed, g->st->name, date_to_iso(g->asof, day, sizeof day), g->ncust, g->noise);
	printf("invoices.csv: %" PRId64 " invoices (", g->ninv);
	for (int i = 0; i < g->ncur; i++)
		printf("%s%s %" PRId64, i ? ", " : "", g->cur[i], g->inv_per_cur[i]);
	printf(")\npayments.csv: %" PRId64 " payments, truth.csv: %" PRId64 " rows\n", g->npay,
	       g->ntruth);
	if (g->bank_rows)
		printf("bank-statement.csv: %" PRId64 " payments, "
		       "bank-truth.csv: %" PRId64 " rows\n",
		       g->nbankpay, g->nbanktruth);
	printf("%-18s %9s %10s %9s\n", "situation", "payments", "truth rows", "bank rows");
	for (int s = 0; s < S_NSIT; s++)
		printf("%-18s %9" PRId64 " %10" PRId64 " %9" PRId64 "\n", SIT_NAMES[s],
		       g->sit_pay[s],
		       g->sit_rows[s], g->bank_sit_rows[s]);
	printf("open invoices at as-of by days past due:");
	for (int b = 0; b < 6; b++)
		printf("%s %s %" PRId64, b ? "," : "", BUCKETS[b], g->aging[b]);
	printf("\n... of which never paid (in no truth row):");
	for (int b = 0; b < 6; b++)
		printf("%s %s %" PRId64, b ? "," : "", BUCKETS[b], g->unpaid[b]);
	putchar('\n');
}

/* ---- command line ---- */

static const char USAGE[] =
	"usage: pmgen [--seed S] [--invoices N] [--payments-ratio R] [--customers C]\n"
	"             [--style mixed|erp-a|erp-b|erp-c|erp-d|erp-e] [--currencies EUR,USD,...]\n"
	"             [--as-of YYYY-MM-DD] [--mix SITUATION=WEIGHT,...] [--noise F]\n"
	"             [--bank-rows N] [--quiet] --out DIR\n"
	"Writes DIR/invoices.csv, DIR/payments.csv and DIR/truth.csv (and with --bank-rows\n"
	"DIR/bank-statement.csv and DIR/bank-truth.csv). See docs/GENERATOR.md.\n";

static int num_arg(const char *opt, const char *v, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	if (errno || end == v || *end || *out < lo || *out > hi) {
		fprintf(stderr, "pmgen: %s: expected a number from %g to %g, got \"%s\"\n", opt, lo,
		        hi, v);
		return -1;
	}
	return 0;
}

static int style_arg(struct gen *g, const char *v)
{
	for (size_t i = 0; i < NELEM(STYLES); i++)
		if (strcmp(STYLES[i].name, v) == 0) {
			g->st = &STYLES[i];
			return 0;
		}
	fprintf(stderr, "pmgen: --style: unknown style \"%s\"; styles:\n", v);
	for (size_t i = 0; i < NELEM(STYLES); i++)
		fprintf(stderr, "  %-6s %s\n", STYLES[i].name, STYLES[i].doc);
	return -1;
}

/* One option with its value; returns 0, or -1 after printing what is wrong. */
static int option(struct gen *g, const char *opt, const char *v, const char **cur, const char **mix)
{
	double x;
	const char *why;

	if (strcmp(opt, "--seed") == 0) {
		if (num_arg(opt, v, 0, 9007199254740991.0, &x))
			return -1;
		g->seed = (uint64_t)x;
	} else if (strcmp(opt, "--invoices") == 0 || strcmp(opt, "--customers") == 0 ||
	           strcmp(opt, "--bank-rows") == 0) {
		if (num_arg(opt, v, opt[2] == 'b' ? 0 : 1, 20000000, &x))
			return -1;
		if (opt[2] == 'i')
			g->ninv = (int64_t)x;
		else if (opt[2] == 'c')
			g->ncust = (int64_t)x;
		else
			g->bank_rows = (int64_t)x;
	} else if (strcmp(opt, "--payments-ratio") == 0) {
		return num_arg(opt, v, 0.05, 5, &g->ratio);
	} else if (strcmp(opt, "--noise") == 0) {
		return num_arg(opt, v, 0, 5, &g->noise);
	} else if (strcmp(opt, "--style") == 0) {
		return style_arg(g, v);
	} else if (strcmp(opt, "--currencies") == 0) {
		*cur = v;
	} else if (strcmp(opt, "--mix") == 0) {
		*mix = v;
	} else if (strcmp(opt, "--out") == 0) {
		g->out = v;
	} else if (strcmp(opt, "--as-of") == 0) {
		if (date_parse(v, strlen(v), DATE_ISO, &g->asof, &why)) {
			fprintf(stderr, "pmgen: --as-of: %s\n", why);
			return -1;
		}
	} else {
		fprintf(stderr, "pmgen: unknown option %s\n%s", opt, USAGE);
		return -1;
	}
	return 0;
}

static int parse_args(struct gen *g, int argc, char **argv)
{
	const char *cur = NULL, *mix = NULL;

	g->seed = 1;
	g->ninv = 1000;
	g->ratio = 0.85;
	g->noise = 1.0;
	g->st = &STYLES[0];
	date_from_ymd(2026, 11, 30, &g->asof);
	memcpy(g->mix, DEFAULT_MIX, sizeof g->mix);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(USAGE, stdout);
			exit(0);
		}
		if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
			g->quiet = true;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "pmgen: %s needs a value\n%s", argv[i], USAGE);
			return -1;
		}
		if (option(g, argv[i], argv[i + 1], &cur, &mix))
			return -1;
		i++;
	}
	if (!g->out) {
		fprintf(stderr, "pmgen: --out DIR is required\n%s", USAGE);
		return -1;
	}
	if (!g->ncust)
		g->ncust = g->ninv / 12 > 8 ? g->ninv / 12 : 8;
	if (parse_currencies(g, cur ? cur : g->st->currencies) || (mix && parse_mix(g, mix)))
		return -1;
	if (g->bank_rows > 0 && g->eur < 0) {
		fputs("pmgen: --bank-rows needs EUR among --currencies\n", stderr);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct gen g;
	int rc = 0;

	memset(&g, 0, sizeof g);
	if (parse_args(&g, argc, argv))
		return 2;
	if (setup(&g)) {
		finish(&g);
		return 1;
	}
	simulate(&g);
	if (g.bank_rows && bank_statement(&g))
		rc = 1;
	if (finish(&g))
		rc = 1;
	if (!rc && !g.quiet)
		summary(&g);
	return rc;
}
