/* match_run: the working-set side of the engine. Loads the open items through
 * store_match, computes, and writes the results in one transaction (or nothing). */
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"
#include "paymatch/store_match.h"

static int digits_at(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The working set stores dates as ISO 'YYYY-MM-DD': read the fixed positions directly
 * (date_parse's general path cost ~10% of loading); anything else takes that path. */
static pm_date parse_day(const char *s)
{
	pm_date d = 0;
	const char *why;
	int y, m, dd;

	if (s[0] && s[1] && s[2] && s[3] && s[4] == '-' && s[5] && s[6] && s[7] == '-' && s[8] &&
	    s[9] && !s[10] && (y = digits_at(s, 4)) >= 0 && (m = digits_at(s + 5, 2)) >= 0 &&
	    (dd = digits_at(s + 8, 2)) >= 0 && date_from_ymd(y, m, dd, &d) == 0)
		return d;
	if (date_parse(s, strlen(s), DATE_ISO, &d, &why))
		return 0;
	return d;
}

static int sink_invoice(void *ctx, const struct store_match_invoice *v)
{
	struct match_invoice_in in = {
		.row = v->row, .invoice_id = v->invoice_id, .customer_id = v->customer_id,
		.customer_name = v->customer_name, .reference = v->reference, .currency = v->currency,
		.invoice_date = parse_day(v->invoice_date), .due_date = parse_day(v->due_date),
		.amount = v->amount, .open = v->open };

	return match_set_add_invoice(ctx, &in) ? PM_ESOFTWARE : 0;
}

static int sink_payment(void *ctx, const struct store_match_payment *v)
{
	struct match_payment_in in = {
		.row = v->row, .payment_id = v->payment_id, .currency = v->currency,
		.payer_name = v->payer_name, .customer_id = v->customer_id, .reference = v->reference,
		.memo = v->memo, .date = parse_day(v->payment_date), .amount = v->amount,
		.unapplied = v->unapplied };

	return match_set_add_payment(ctx, &in) ? PM_ESOFTWARE : 0;
}

static void sink_ahead(void *ctx, const struct store_match_invoice *inv,
                       const struct store_match_payment *pay, int stage)
{
	if (inv)
		match_set_prefetch_invoice(ctx, inv->customer_id, stage);
	else
		match_set_prefetch_payment(ctx, pay->payer_name, pay->customer_id, stage);
}

/* The invoices are all in: their indexes are built while the payments load, here on the
 * invoices' thread when the two load at once, else on a thread of their own. */
static void sink_invoices_done(void *ctx, int concurrent)
{
	struct match_set *set = ctx;

	if (concurrent)
		match_index_invoices_build(set);
	else
		match_index_invoices_start(set);
}

/* The payments are all in: on their own thread, their duplicates are marked at once, then
 * the customers' indexes built while the invoices' thread builds the reference index. */
static void sink_payments_done(void *ctx, int concurrent)
{
	if (concurrent)
		match_set_payments_loaded(ctx);
}

static int sink_rejected(void *ctx, int64_t prow, int64_t irow)
{
	return match_set_add_rejected(ctx, prow, irow) ? PM_ESOFTWARE : 0;
}

static void json_counts(struct strbuf *sb, const char *name, const int64_t *counts, int n,
                        const char *(*namef)(int))
{
	int first = 1;

	strbuf_addf(sb, ",\"%s\":{", name);
	for (int i = 0; i < n; i++) {
		if (!counts[i])
			continue;
		strbuf_addf(sb, "%s\"%s\":%lld", first ? "" : ",", namef(i), (long long)counts[i]);
		first = 0;
	}
	strbuf_addch(sb, '}');
}

int match_summary_json(const struct match_summary *s, char **json)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t per_status[MSTATUS_COUNT];

	strbuf_init(&sb);
	memcpy(per_status, s->status_count, sizeof per_status);
	strbuf_addf(&sb, "{\"payments\":%lld,\"invoices\":%lld,\"payment_amount\":%lld,"
	            "\"matched_payments\":%lld,\"matched_amount\":%lld,\"allocations\":%lld,"
	            "\"workers\":%d", (long long)s->payments, (long long)s->invoices,
	            (long long)s->payment_amount, (long long)s->matched_payments,
	            (long long)s->matched_amount, (long long)s->allocations, s->workers);
	json_counts(&sb, "status", per_status, MSTATUS_COUNT, match_status_name);
	json_counts(&sb, "rules", s->rule_count, RULE_COUNT, match_rule_name);
	json_counts(&sb, "exceptions", s->exc_count, EXC_COUNT, match_exc_name);
	strbuf_addstr(&sb, ",\"stage_ms\":{");
	for (int i = 0; i < MSTAGE_COUNT; i++)
		strbuf_addf(&sb, "%s\"%s\":%lld", i ? "," : "", match_stage_name(i),
		            (long long)(s->stage_ns[i] / 1000000));
	if (strbuf_addstr(&sb, "}}")) {
		strbuf_release(&sb);
		return -1;
	}
	*json = strbuf_detach(&sb);
	return 0;
}

struct writer_ctx {
	struct match_summary *summary;
	int64_t started_ns;
	char *json;
};

static const char *summary_cb(void *arg, int64_t run_id)
{
	struct writer_ctx *w = arg;

	w->summary->run_id = run_id;
	w->summary->stage_ns[MSTAGE_WRITING] = pm_now_ns() - w->started_ns;
	free(w->json);
	w->json = NULL;
	return match_summary_json(w->summary, &w->json) ? NULL : w->json;
}

static void alloc_row(void *ctx, int64_t i, struct store_match_alloc *out)
{
	const struct match_alloc *m = &((const struct match_result *)ctx)->allocs[i];

	*out = (struct store_match_alloc){ .payment_row = m->payment_row,
		.invoice_row = m->invoice_row, .amount_applied = m->amount_applied,
		.deduction = m->deduction, .currency = m->currency,
		.rule = match_rule_name(m->rule), .explanation = m->explanation,
		.status = match_status_name(m->status), .confidence = m->confidence,
		.group = m->group };
}

static void exc_row(void *ctx, int64_t i, struct store_match_exception *out)
{
	const struct match_exception *m = &((const struct match_result *)ctx)->excs[i];

	*out = (struct store_match_exception){ .kind = match_exc_name(m->kind),
		.currency = m->currency, .detail = m->detail, .payment_row = m->payment_row,
		.invoice_row = m->invoice_row, .alloc_index = m->alloc_index, .amount = m->amount,
		.confidence = m->confidence };
}

/* Writes the result in one transaction; the store reads it row by row (no copy). */
static int write_results(struct store *st, const struct match_result *r,
                         struct match_summary *sum, int64_t t0, struct pm_error *err)
{
	struct writer_ctx wc = { .summary = sum, .started_ns = pm_now_ns() };
	struct store_match_results res = { .nallocs = r->nallocs, .nexcs = r->nexcs,
		.alloc_at = alloc_row, .exc_at = exc_row, .rows_ctx = (void *)r,
		.workers = sum->workers, .summary = summary_cb, .summary_ctx = &wc, .started_ns = t0 };
	int64_t run_id = 0;
	int rc = store_match_write(st, &res, &run_id, err);

	free(wc.json);
	return rc;
}

int match_run(struct store *st, const struct pm_config *cfg, const struct match_options *opt,
              struct pm_progress *progress, struct match_summary *out, struct pm_error *err)
{
	struct match_set *set = match_set_new();
	struct store_match_sink sink = { .ctx = set, .invoice = sink_invoice,
		.payment = sink_payment, .rejected = sink_rejected, .ahead = sink_ahead,
		.invoices_done = sink_invoices_done, .payments_done = sink_payments_done };
	struct match_result *r = NULL;
	int64_t t0 = pm_now_ns(), load_ns;
	int rc;

	memset(out, 0, sizeof *out);
	if (!set)
		return pm_error_set(err, PM_ESOFTWARE, "matching: out of memory");
	if (progress)
		progress_stage(progress, match_stage_name(MSTAGE_LOADING), 0, 0);
	/* so that the invoices' indexes may be built on a second thread while payments load */
	set->index_workers = opt && opt->workers > 0 ? opt->workers : config_workers(cfg);
	set->dup_window = cfg->matching.duplicate_window_days;
	/* invoices and payments load on two threads when the set takes both at once */
	sink.parallel = set->index_workers > 1 && match_set_concurrent_adds(set);
	rc = store_match_load(st, &sink, err);
	load_ns = pm_now_ns() - t0;
	if (!rc && progress && progress_cancelled(progress))
		rc = pm_error_set(err, PM_EINTR, "interrupted: previous results kept");
	if (!rc)
		rc = match_compute(set, cfg, opt ? opt->workers : 0, progress, &r, err);
	if (!rc) {
		*out = r->summary;
		out->stage_ns[MSTAGE_LOADING] += load_ns;
		if (progress && progress_cancelled(progress))
			rc = pm_error_set(err, PM_EINTR, "interrupted: previous results kept");
	}
	/* the result owns every string it points to: the snapshot can go before the write */
	match_set_free(set);
	set = NULL;
	if (!rc && !(opt && opt->dry_run)) {
		if (progress)
			progress_stage(progress, match_stage_name(MSTAGE_WRITING),
			               r->nallocs + r->nexcs, 0);
		rc = write_results(st, r, out, t0, err);
		if (rc == PM_EINTR || (progress && progress_cancelled(progress) && rc))
			rc = pm_error_set(err, PM_EINTR, "interrupted: previous results kept");
	}
	match_result_free(r);
	match_set_free(set);
	if (progress)
		atomic_store(&progress->finished, 1);
	return rc;
}
