/* The schema walk: reads the event stream into a struct pm_config, driven by the key
 * tables. Every value is checked where it is read, so each message carries the mark of
 * the key or value it is about. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

#define MAX_CANDIDATES 64

struct cand {
	const char *s;
	size_t len;
};

/* Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a
 * substring): one typo or one swapped pair costs 1. */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m)
{
	size_t d[33][33];

	if (n > 32 || m > 32)
		return (size_t)-1;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[n][m];
}

/* Sets an "unknown WHAT 'path.key'" error at mark, suggesting the closest candidate when
 * it is close enough to be a typo, else listing them all. */
static int unknown_name(struct ywalk *w, yaml_mark_t mark, const char *what, const char *key,
                        size_t len, const struct cand *c, size_t nc)
{
	struct strbuf msg = STRBUF_INIT;
	size_t best = nc, bestd = (size_t)-1;
	int rc;

	strbuf_init(&msg);
	for (size_t i = 0; i < nc; i++) {
		size_t d = edit_distance(key, len, c[i].s, c[i].len);
		if (d < bestd) {
			bestd = d;
			best = i;
		}
	}
	strbuf_addf(&msg, "unknown %s '%s%s%.*s'", what, yw_path(w), *yw_path(w) ? "." : "",
	            (int)len, key);
	size_t limit = best < nc ? 1 + c[best].len / 5 : 0;
	if (best < nc && bestd <= (limit > 3 ? 3 : limit)) {
		strbuf_addf(&msg, "; did you mean '%.*s'?", (int)c[best].len, c[best].s);
	} else {
		strbuf_addstr(&msg, " (expected one of:");
		for (size_t i = 0; i < nc; i++)
			strbuf_addf(&msg, "%s %.*s", i ? "," : "", (int)c[i].len, c[i].s);
		strbuf_addch(&msg, ')');
	}
	rc = yw_error(w, mark, "%s", strbuf_str(&msg));
	strbuf_release(&msg);
	return rc;
}

/* Collects the distinct names one level below rel in tab. */
static size_t table_children(const struct config_key *tab, size_t n, const char *rel,
                             struct cand *out)
{
	size_t rl = strlen(rel), nc = 0;

	for (size_t i = 0; i < n && nc < MAX_CANDIDATES; i++) {
		const char *p = tab[i].path;
		if (rl && (strncmp(p, rel, rl) != 0 || p[rl] != '.'))
			continue;
		p += rl ? rl + 1 : 0;
		size_t len = strcspn(p, ".");
		bool dup = false;
		for (size_t j = 0; j < nc && !dup; j++)
			dup = out[j].len == len && memcmp(out[j].s, p, len) == 0;
		if (!dup)
			out[nc++] = (struct cand){ p, len };
	}
	return nc;
}

/* "path: expected DESCRIPTION, got a list" for a container where a value was expected. */
static int expected_error(struct ywalk *w, const char *description)
{
	const char *got = w->ev.type == YAML_MAPPING_START_EVENT ? "a mapping" :
	                  w->ev.type == YAML_SEQUENCE_START_EVENT ? "a list" : NULL;

	if (w->ev.type == YAML_SCALAR_EVENT) {
		size_t len;
		bool quoted;
		const char *s = yw_scalar(w, &len, &quoted);
		return yw_error(w, w->ev.start_mark, "%s: expected %s, got '%.*s'", yw_path(w),
		                description, len > 40 ? 40 : (int)len, s);
	}
	return yw_error(w, w->ev.start_mark, "%s: expected %s, got %s", yw_path(w), description,
	                got ? got : "something else");
}

static int key_expected_error(struct ywalk *w, const struct config_key *k)
{
	struct strbuf d = STRBUF_INIT;
	int rc;

	strbuf_init(&d);
	k->type->describe(&d, k);
	rc = expected_error(w, strbuf_str(&d));
	strbuf_release(&d);
	return rc;
}

/* Reads the current value (scalar or compound) of key k into base. */
static int apply_value(struct ywalk *w, const struct config_key *k, void *base)
{
	struct strbuf why = STRBUF_INIT;
	size_t len;
	bool quoted;
	int rc;

	if (k->type->walk)
		return k->type->walk(w, k, base);
	if (w->ev.type != YAML_SCALAR_EVENT)
		return key_expected_error(w, k);
	strbuf_init(&why);
	const char *s = yw_scalar(w, &len, &quoted);
	rc = k->type->parse(k, s, len, quoted, (char *)base + k->offset, &why);
	if (rc)
		rc = yw_error(w, w->ev.start_mark, "%s: %s", yw_path(w), strbuf_str(&why));
	strbuf_release(&why);
	return rc;
}

static long find_key(const struct config_key *tab, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i].path, path) == 0)
			return (long)i;
	return -1;
}

static bool is_section(const struct config_key *tab, size_t n, const char *path, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(tab[i].path, path, len) == 0 && tab[i].path[len] == '.')
			return true;
	return false;
}

/* Reads one "key: value" of a table mapping (the key is the current event). */
static int walk_entry(struct ywalk *w, const struct config_key *tab, size_t n, const char *rel,
                      void *base, struct key_seen *seen, struct strbuf *full)
{
	size_t len;
	bool quoted;
	const char *key = yw_scalar(w, &len, &quoted);
	yaml_mark_t key_mark = w->ev.start_mark;
	long i = -1;
	int rc;

	strbuf_reset(full);
	if ((*rel && (strbuf_addstr(full, rel) || strbuf_addch(full, '.'))) ||
	    strbuf_add(full, key, len))
		return pm_error_set(w->err, PM_ESOFTWARE, "%s: out of memory", w->name);
	/* A dotted key ("matching.tolerance: 5") is not a shorthand for nesting. */
	bool plain = !memchr(key, '.', len) && !memchr(key, '\0', len);
	if (plain)
		i = find_key(tab, n, full->buf);
	if (i < 0 && (!plain || !is_section(tab, n, full->buf, full->len))) {
		struct cand c[MAX_CANDIDATES];
		return unknown_name(w, key_mark, "key", key, len, c,
		                    table_children(tab, n, rel, c));
	}
	if ((rc = yw_push(w, key, len, -1)) || (rc = yw_next(w)))
		return rc;
	if (i >= 0) {
		yaml_mark_t value_mark = w->ev.start_mark;
		rc = apply_value(w, &tab[i], base);
		if (!rc && seen)
			seen[i] = (struct key_seen){ true, value_mark };
	} else {
		rc = cw_walk_mapping(w, tab, n, full->buf, base, seen);
	}
	yw_pop(w);
	return rc;
}

int cw_walk_mapping(struct ywalk *w, const struct config_key *tab, size_t n, const char *rel,
                    void *base, struct key_seen *seen)
{
	struct strbuf full = STRBUF_INIT;
	int rc;

	if (w->ev.type != YAML_MAPPING_START_EVENT)
		return expected_error(w, "a mapping of keys (key: value lines)");
	strbuf_init(&full);
	while (!(rc = yw_next(w)) && w->ev.type != YAML_MAPPING_END_EVENT)
		if ((rc = walk_entry(w, tab, n, rel, base, seen, &full)))
			break;
	strbuf_release(&full);
	return rc;
}

/* ---- aging.buckets ---- */

int cw_walk_buckets(struct ywalk *w, const struct config_key *k, void *base)
{
	struct pm_config *cfg = base;
	int64_t b[sizeof cfg->aging.buckets / sizeof cfg->aging.buckets[0]];
	size_t nb = 0, cap = sizeof b / sizeof b[0];
	yaml_mark_t list_mark = w->ev.start_mark;
	int rc;

	if (w->ev.type != YAML_SEQUENCE_START_EVENT)
		return key_expected_error(w, k);
	while (!(rc = yw_next(w)) && w->ev.type != YAML_SEQUENCE_END_EVENT) {
		struct strbuf why = STRBUF_INIT;
		size_t len;
		bool quoted;
		if ((rc = yw_push(w, NULL, 0, (long)nb)))
			return rc;
		if (w->ev.type != YAML_SCALAR_EVENT)
			return expected_error(w, "a whole number of days");
		if (nb == cap || (double)nb >= k->max)
			return yw_error(w, w->ev.start_mark, "%s: at most %.0f buckets", yw_path(w),
			                k->max);
		strbuf_init(&why);
		const char *s = yw_scalar(w, &len, &quoted);
		rc = BUCKET_DAYS_KEY.type->parse(&BUCKET_DAYS_KEY, s, len, quoted, &b[nb], &why);
		if (rc)
			rc = yw_error(w, w->ev.start_mark, "%s: %s", yw_path(w), strbuf_str(&why));
		else if (nb > 0 && b[nb] <= b[nb - 1])
			rc = yw_error(w, w->ev.start_mark, "%s: %.*s is not above the bucket before it "
			              "(%lld); buckets must increase", yw_path(w), (int)len, s,
			              (long long)b[nb - 1]);
		strbuf_release(&why);
		if (rc)
			return rc;
		nb++;
		yw_pop(w);
	}
	if (!rc && (double)nb < k->min)
		rc = yw_error(w, list_mark, "%s: needs at least %.0f bucket", yw_path(w), k->min);
	if (rc)
		return rc;
	memcpy(cfg->aging.buckets, b, nb * sizeof b[0]);
	cfg->aging.nbuckets = nb;
	return 0;
}

/* ---- ui.writeoff_reasons ---- */

static void reasons_free(struct writeoff_reason *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].code);
		free(r[i].label);
	}
	free(r);
}

void reasons_release(struct pm_config *cfg)
{
	reasons_free(cfg->ui.writeoff_reasons, cfg->ui.nwriteoff_reasons);
	cfg->ui.writeoff_reasons = NULL;
	cfg->ui.nwriteoff_reasons = 0;
}

static int reason_item(struct ywalk *w, struct writeoff_reason *r, size_t nr)
{
	yaml_mark_t mark = w->ev.start_mark;
	int rc = cw_walk_mapping(w, REASON_KEYS, REASON_NKEYS, "", &r[nr], NULL);

	if (rc)
		return rc;
	if (!r[nr].code || !r[nr].label)
		return yw_error(w, mark, "%s: a write-off reason needs a code and a label",
		                yw_path(w));
	for (size_t i = 0; i < nr; i++)
		if (strcmp(r[i].code, r[nr].code) == 0)
			return yw_error(w, mark, "%s: duplicate reason code '%s'", yw_path(w),
			                r[nr].code);
	return 0;
}

int cw_walk_reasons(struct ywalk *w, const struct config_key *k, void *base)
{
	struct pm_config *cfg = base;
	struct writeoff_reason *r = NULL;
	size_t nr = 0, ar = 0;
	yaml_mark_t list_mark = w->ev.start_mark;
	int rc;

	if (w->ev.type != YAML_SEQUENCE_START_EVENT)
		return key_expected_error(w, k);
	while (!(rc = yw_next(w)) && w->ev.type != YAML_SEQUENCE_END_EVENT) {
		if ((rc = yw_push(w, NULL, 0, (long)nr)))
			break;
		if ((double)nr >= k->max) {
			rc = yw_error(w, w->ev.start_mark, "%s: at most %.0f reasons", yw_path(w), k->max);
			break;
		}
		if (PM_GROW(r, nr + 1, ar)) {
			rc = pm_error_set(w->err, PM_ESOFTWARE, "%s: out of memory", w->name);
			break;
		}
		memset(&r[nr], 0, sizeof r[nr]);
		rc = reason_item(w, r, nr);
		nr++;                 /* counted even on error, so it is freed */
		if (rc)
			break;
		yw_pop(w);
	}
	if (!rc && (double)nr < k->min)
		rc = yw_error(w, list_mark, "%s: needs at least %.0f reason", yw_path(w), k->min);
	if (rc) {
		reasons_free(r, nr);
		return rc;
	}
	reasons_release(cfg);
	cfg->ui.writeoff_reasons = r;
	cfg->ui.nwriteoff_reasons = nr;
	return 0;
}

/* ---- import.profiles.NAME.columns ---- */

int cw_walk_columns(struct ywalk *w, const struct config_key *k, void *base)
{
	struct profile_build *pb = base;
	struct cand c[NATIVE_NAMES];
	int rc;

	for (size_t j = 0; j < NATIVE_NAMES; j++)
		c[j] = (struct cand){ NATIVE_COLUMNS[j].name, strlen(NATIVE_COLUMNS[j].name) };
	if (w->ev.type != YAML_MAPPING_START_EVENT)
		return key_expected_error(w, k);
	while (!(rc = yw_next(w)) && w->ev.type != YAML_MAPPING_END_EVENT) {
		size_t len, j;
		bool quoted;
		const char *name = yw_scalar(w, &len, &quoted);
		for (j = 0; j < NATIVE_NAMES; j++)
			if (c[j].len == len && memcmp(c[j].s, name, len) == 0)
				break;
		if (j == NATIVE_NAMES)
			return unknown_name(w, w->ev.start_mark, "column", name, len, c, NATIVE_NAMES);
		if ((rc = yw_push(w, name, len, -1)) || (rc = yw_next(w)))
			return rc;
		const char *s = w->ev.type == YAML_SCALAR_EVENT ? yw_scalar(w, &len, &quoted) : NULL;
		if (!s || len == 0 || memchr(s, '\0', len))
			return expected_error(w, "the header text of the source column");
		free(pb->pending[j]);
		if (!(pb->pending[j] = strndup(s, len)))
			return pm_error_set(w->err, PM_ESOFTWARE, "%s: out of memory", w->name);
		pb->pending_mark[j] = w->ev.start_mark;
		yw_pop(w);
	}
	return rc;
}

/* ---- import.profiles ---- */

void profile_release(struct import_profile *p)
{
	free(p->name);
	for (size_t i = 0; i < PM_MAX_NATIVE_COLS; i++)
		free(p->columns[i]);
	free(p->debit_column);
	memset(p, 0, sizeof *p);
}

/* The kind a native column name forces, or -1 when both kinds have it. */
static int column_kind(size_t j)
{
	if (NATIVE_COLUMNS[j].inv < 0)
		return IMPORT_PAYMENTS;
	if (NATIVE_COLUMNS[j].pay < 0)
		return IMPORT_INVOICES;
	return -1;
}

static const char *kind_files(int kind)
{
	return kind == IMPORT_INVOICES ? "invoice" : "payment";
}

/* Settles the profile's kind (given, or implied by its columns) and places the columns. */
static int profile_resolve_kind(struct ywalk *w, struct profile_build *pb, yaml_mark_t mark)
{
	size_t forced = NATIVE_NAMES, first = NATIVE_NAMES;

	for (size_t j = 0; j < NATIVE_NAMES; j++) {
		if (!pb->pending[j])
			continue;
		int k = column_kind(j);
		first = first < j ? first : j;
		if (pb->p.kind >= 0 && k >= 0 && k != pb->p.kind)
			return yw_error(w, pb->pending_mark[j], "%s.columns: '%s' is not a column of %s "
			                "files", yw_path(w), NATIVE_COLUMNS[j].name,
			                kind_files(pb->p.kind));
		if (pb->p.kind < 0 && k >= 0 && forced < NATIVE_NAMES && column_kind(forced) != k)
			return yw_error(w, pb->pending_mark[j], "%s.columns: '%s' is %s column but '%s' "
			                "%s column", yw_path(w), NATIVE_COLUMNS[j].name,
			                k == IMPORT_INVOICES ? "an invoice" : "a payment",
			                NATIVE_COLUMNS[forced].name,
			                k == IMPORT_INVOICES ? "a payment" : "an invoice");
		if (k >= 0 && forced == NATIVE_NAMES)
			forced = j;
	}
	if (pb->p.kind < 0 && first < NATIVE_NAMES && forced == NATIVE_NAMES)
		return yw_error(w, first < NATIVE_NAMES ? pb->pending_mark[first] : mark,
		                "%s: set kind (invoices or payments): the columns given exist in both",
		                yw_path(w));
	if (pb->p.kind < 0 && forced < NATIVE_NAMES)
		pb->p.kind = column_kind(forced);
	for (size_t j = 0; j < NATIVE_NAMES; j++) {
		if (!pb->pending[j])
			continue;
		int idx = pb->p.kind == IMPORT_INVOICES ? NATIVE_COLUMNS[j].inv : NATIVE_COLUMNS[j].pay;
		free(pb->p.columns[idx]);
		pb->p.columns[idx] = pb->pending[j];
		pb->pending[j] = NULL;
	}
	return 0;
}

static int profile_finish(struct ywalk *w, struct profile_build *pb, yaml_mark_t mark)
{
	int rc = profile_resolve_kind(w, pb, mark);

	if (rc)
		return rc;
	if (pb->p.thousands_sep && pb->p.thousands_sep == pb->p.decimal_sep)
		return yw_error(w, mark, "%s: decimal and thousands separators are both '%c'",
		                yw_path(w), pb->p.decimal_sep);
	return 0;
}

/* Adds p to cfg (replacing a profile of the same name); takes p's contents. */
static int profile_add(struct pm_config *cfg, struct import_profile *p)
{
	size_t i;

	for (i = 0; i < cfg->import.nprofiles; i++)
		if (strcmp(cfg->import.profiles[i].name, p->name) == 0)
			break;
	if (i == cfg->import.nprofiles) {
		struct import_profile *np = realloc(cfg->import.profiles, (i + 1) * sizeof *np);
		if (!np)
			return -1;
		cfg->import.profiles = np;
		cfg->import.nprofiles++;
	} else {
		profile_release(&cfg->import.profiles[i]);
	}
	cfg->import.profiles[i] = *p;
	memset(p, 0, sizeof *p);
	return 0;
}

static bool profile_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_-.", s[i]))
			return false;
	return true;
}

static int profile_entry(struct ywalk *w, struct pm_config *cfg)
{
	size_t len;
	bool quoted;
	const char *name = yw_scalar(w, &len, &quoted);
	yaml_mark_t mark = w->ev.start_mark;
	struct profile_build *pb;
	int rc;

	if (!profile_name_ok(name, len))
		return yw_error(w, mark, "%s: profile name '%.*s' may only hold letters, digits, "
		                "'_', '-' and '.' (at most 64)", yw_path(w), len > 64 ? 64 : (int)len,
		                name);
	if (!(pb = calloc(1, sizeof *pb)))
		return pm_error_set(w->err, PM_ESOFTWARE, "%s: out of memory", w->name);
	import_profile_defaults(&pb->p);
	if (!(pb->p.name = strndup(name, len))) {
		rc = pm_error_set(w->err, PM_ESOFTWARE, "%s: out of memory", w->name);
	} else if (!(rc = yw_push(w, name, len, -1))) {
		if (!(rc = yw_next(w)) &&
		    !(rc = cw_walk_mapping(w, PROFILE_KEYS, PROFILE_NKEYS, "", pb, NULL)) &&
		    !(rc = profile_finish(w, pb, mark)) && profile_add(cfg, &pb->p))
			rc = pm_error_set(w->err, PM_ESOFTWARE, "%s: out of memory", w->name);
		yw_pop(w);
	}
	profile_release(&pb->p);
	for (size_t j = 0; j < NATIVE_NAMES; j++)
		free(pb->pending[j]);
	free(pb);
	return rc;
}

int cw_walk_profiles(struct ywalk *w, const struct config_key *k, void *base)
{
	int rc;

	if (w->ev.type != YAML_MAPPING_START_EVENT)
		return key_expected_error(w, k);
	while (!(rc = yw_next(w)) && w->ev.type != YAML_MAPPING_END_EVENT)
		if ((rc = profile_entry(w, base)))
			break;
	return rc;
}

/* ---- the document ---- */

/* Pairs of keys that must stay ordered (low <= high, or low < high when strict). */
static const struct {
	const char *low, *high;
	bool strict;
} ORDERED_KEYS[] = {
	{ "matching.confidence_threshold", "matching.auto_accept", false },
	{ "matching.name_only_cap", "matching.auto_accept", true },
};

static int check_order(struct ywalk *w, const struct pm_config *cfg,
                       const struct key_seen *seen)
{
	for (size_t i = 0; i < sizeof ORDERED_KEYS / sizeof ORDERED_KEYS[0]; i++) {
		long lo = find_key(CONFIG_KEYS, CONFIG_NKEYS, ORDERED_KEYS[i].low);
		long hi = find_key(CONFIG_KEYS, CONFIG_NKEYS, ORDERED_KEYS[i].high);
		double a = *(const double *)((const char *)cfg + CONFIG_KEYS[lo].offset);
		double b = *(const double *)((const char *)cfg + CONFIG_KEYS[hi].offset);
		if (ORDERED_KEYS[i].strict ? a < b : a <= b)
			continue;
		/* Point at whichever of the two the file set last. */
		long at = !seen[hi].set || (seen[lo].set && seen[lo].mark.index > seen[hi].mark.index)
		          ? lo : hi;
		struct strbuf sa = STRBUF_INIT, sb = STRBUF_INIT;
		strbuf_init(&sa);
		strbuf_init(&sb);
		ck_format_double(&sa, a);
		ck_format_double(&sb, b);
		const char *rel = ORDERED_KEYS[i].strict ? "below" : "at most";
		int rc = seen[at].set
		         ? yw_error(w, seen[at].mark, "%s (%s) must be %s %s (%s)",
		                    ORDERED_KEYS[i].low, strbuf_str(&sa), rel, ORDERED_KEYS[i].high,
		                    strbuf_str(&sb))
		         : pm_error_set(w->err, PM_ECONFIG, "%s: %s (%s) must be %s %s (%s)", w->name,
		                        ORDERED_KEYS[i].low, strbuf_str(&sa), rel,
		                        ORDERED_KEYS[i].high, strbuf_str(&sb));
		strbuf_release(&sa);
		strbuf_release(&sb);
		return rc;
	}
	return 0;
}

static int walk_document(struct ywalk *w, struct pm_config *cfg, struct key_seen *seen)
{
	int rc;

	if ((rc = yw_next(w)) || (rc = yw_next(w)))       /* stream start, document start */
		return rc;
	if (w->ev.type == YAML_STREAM_END_EVENT)
		return 0;                                     /* an empty file: the defaults */
	if ((rc = yw_next(w)))
		return rc;
	if (w->ev.type == YAML_SCALAR_EVENT && w->ev.data.scalar.length == 0 &&
	    w->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return 0;                                     /* "---" alone */
	if (w->ev.type != YAML_MAPPING_START_EVENT)
		return yw_error(w, w->ev.start_mark, "expected sections (performance:, matching:, "
		                "import:, aging:, ui:) at the top level");
	if ((rc = cw_walk_mapping(w, CONFIG_KEYS, CONFIG_NKEYS, "", cfg, seen)))
		return rc;
	return check_order(w, cfg, seen);
}

int cw_load(struct pm_config *cfg, const char *yaml, size_t len, const char *name,
            struct pm_error *err)
{
	struct ywalk w;
	struct key_seen *seen = calloc(CONFIG_NKEYS, sizeof *seen);
	int rc;

	if (!seen)
		return pm_error_set(err, PM_ESOFTWARE, "%s: out of memory", name);
	rc = yw_open(&w, yaml, len, name, err);
	if (!rc) {
		rc = walk_document(&w, cfg, seen);
		yw_close(&w);
	}
	free(seen);
	return rc;
}
