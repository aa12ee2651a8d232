/* YAML and Markdown made from the key tables: `config show` (values), the built-in
 * defaults document (default texts), and the reference behind `config keys` and
 * docs/CONFIG.md. */
#include <string.h>

#include "config_internal.h"

/* Counts the leading sections (components followed by '.') that a and b share. */
static int common_sections(const char *a, const char *b)
{
	int n = 0;

	for (;;) {
		const char *da = strchr(a, '.'), *db = strchr(b, '.');
		if (!da || !db || da - a != db - b || memcmp(a, b, (size_t)(da - a)) != 0)
			return n;
		n++;
		a = da + 1;
		b = db + 1;
	}
}

/* Appends text as "# ..." comment lines at indent, wrapped near 90 columns. */
static int add_comment(struct strbuf *out, int indent, const char *text)
{
	int width = 88 - indent, col = 0, rc = 0;

	while (*text && !rc) {
		size_t w = strcspn(text, " ");
		if (col == 0) {
			rc = strbuf_addf(out, "%*s#", indent, "");
		} else if (col + 1 + (int)w > width) {
			rc = strbuf_addf(out, "\n%*s#", indent, "");
			col = 0;
		}
		rc = rc || strbuf_addch(out, ' ') || strbuf_add(out, text, w);
		col += 1 + (int)w;
		text += w;
		text += strspn(text, " ");
	}
	return rc || strbuf_addch(out, '\n');
}

int ck_emit(struct strbuf *out, const struct config_key *tab, size_t n, int indent,
            const void *base, bool docs)
{
	const char *prev = "";
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		const char *p = tab[i].path, *c = p;
		int common = common_sections(prev, p), level = 0;
		if (docs && i > 0 && common == 0)
			rc = strbuf_addch(out, '\n');      /* a blank line between sections */
		for (const char *dot; !rc && (dot = strchr(c, '.')); c = dot + 1, level++)
			if (level >= common)
				rc = strbuf_addf(out, "%*s%.*s:\n", indent + 2 * level, "",
				                 (int)(dot - c), c);
		int ind = indent + 2 * level;
		if (!rc && docs && tab[i].doc)
			rc = add_comment(out, ind, tab[i].doc);
		rc = rc || strbuf_addf(out, "%*s%s:", ind, "", c);
		if (base)
			rc = rc || tab[i].type->print(out, &tab[i], base, ind);
		else
			rc = rc || strbuf_addch(out, ' ') || strbuf_addstr(out, tab[i].def);
		if (!rc && out->buf[out->len - 1] != '\n')
			rc = strbuf_addch(out, '\n');
		prev = p;
	}
	return rc;
}

int cw_print_buckets(struct strbuf *out, const struct config_key *k, const void *base, int ind)
{
	const struct pm_config *cfg = base;
	int rc = strbuf_addstr(out, " [");

	(void)k;
	(void)ind;
	for (size_t i = 0; i < cfg->aging.nbuckets && !rc; i++)
		rc = strbuf_addf(out, "%s%lld", i ? ", " : "", (long long)cfg->aging.buckets[i]);
	return rc || strbuf_addch(out, ']');
}

int cw_print_reasons(struct strbuf *out, const struct config_key *k, const void *base, int ind)
{
	const struct pm_config *cfg = base;
	int rc = 0;

	(void)k;
	if (cfg->ui.nwriteoff_reasons == 0)
		return strbuf_addstr(out, " []");
	for (size_t i = 0; i < cfg->ui.nwriteoff_reasons && !rc; i++) {
		for (size_t j = 0; j < REASON_NKEYS && !rc; j++) {
			const struct config_key *rk = &REASON_KEYS[j];
			rc = strbuf_addf(out, "\n%*s%s%s:", ind + 2, "", j ? "  " : "- ", rk->path) ||
			     rk->type->print(out, rk, &cfg->ui.writeoff_reasons[i], ind + 4);
		}
	}
	return rc || strbuf_addch(out, '\n');
}

int cw_print_profiles(struct strbuf *out, const struct config_key *k, const void *base,
                      int ind)
{
	const struct pm_config *cfg = base;
	int rc = 0;

	(void)k;
	if (cfg->import.nprofiles == 0)
		return strbuf_addstr(out, " {}");
	for (size_t i = 0; i < cfg->import.nprofiles && !rc; i++) {
		const struct import_profile *p = &cfg->import.profiles[i];
		rc = strbuf_addf(out, "\n%*s", ind + 2, "") || ck_key(out, p->name) ||
		     strbuf_addstr(out, ":\n") ||
		     ck_emit(out, PROFILE_KEYS, PROFILE_NKEYS, ind + 4, p, false);
		if (!rc && i + 1 < cfg->import.nprofiles) {
			out->len--;                   /* the next profile's "\n" ends this line */
			out->buf[out->len] = '\0';
		}
	}
	return rc;
}

int cw_print_columns(struct strbuf *out, const struct config_key *k, const void *base, int ind)
{
	const struct import_profile *p = base;
	int rc = 0, n = 0;
	int ncols = p->kind == IMPORT_INVOICES ? INV_NCOLS : PAY_NCOLS;

	(void)k;
	for (int c = 0; p->kind >= 0 && c < ncols && !rc; c++) {
		if (!p->columns[c])
			continue;
		rc = strbuf_addf(out, "\n%*s%s: ", ind + 2, "", import_column_name(p->kind, c)) ||
		     ck_quote(out, p->columns[c]);
		n++;
	}
	if (!rc && n == 0)
		return strbuf_addstr(out, " {}");
	return rc;
}

static int reference_rows(struct strbuf *out, const struct config_key *tab, size_t n,
                          const char *prefix)
{
	int rc = strbuf_addstr(out, "| Key | Type | Default | Meaning |\n"
	                            "| --- | --- | --- | --- |\n");
	struct strbuf d = STRBUF_INIT;

	strbuf_init(&d);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct config_key *k = &tab[i];
		strbuf_reset(&d);
		k->type->describe(&d, k);
		rc = strbuf_addf(out, "| `%s%s` | ", prefix, k->path) || ck_md(out, strbuf_str(&d));
		if (k->def)
			rc = rc || strbuf_addstr(out, " | `") || ck_md(out, k->def) ||
			     strbuf_addstr(out, "` | ");
		else
			rc = rc || strbuf_addstr(out, " | (required) | ");
		rc = rc || ck_md(out, k->doc) || strbuf_addstr(out, " |\n");
	}
	strbuf_release(&d);
	return rc;
}

int ck_reference(struct strbuf *out)
{
	return strbuf_addstr(out, "## Keys\n\n") ||
	       reference_rows(out, CONFIG_KEYS, CONFIG_NKEYS, "") ||
	       strbuf_addstr(out, "\n## Import profile keys\n\n"
	                          "Each profile is a mapping under `import.profiles`, named by "
	                          "letters, digits, `_`, `-` and `.`.\n\n") ||
	       reference_rows(out, PROFILE_KEYS, PROFILE_NKEYS, "import.profiles.NAME.") ||
	       strbuf_addstr(out, "\n## Write-off reason keys\n\n"
	                          "Each entry of the list `ui.writeoff_reasons` has these keys; "
	                          "codes are unique.\n\n") ||
	       reference_rows(out, REASON_KEYS, REASON_NKEYS, "ui.writeoff_reasons[].");
}

void ck_apply_scalar_defaults(const struct config_key *tab, size_t n, void *base)
{
	struct strbuf why = STRBUF_INIT;

	strbuf_init(&why);
	for (size_t i = 0; i < n; i++) {
		const struct config_key *k = &tab[i];
		if (!k->type->parse || !k->def)
			continue;
		const char *s = k->def;
		size_t len = strlen(s);
		bool quoted = len >= 2 && s[0] == '"' && s[len - 1] == '"';
		if (quoted) {
			s++;
			len -= 2;
		}
		/* The defaults are checked by the unit tests; a failure leaves the zero value. */
		(void)k->type->parse(k, s, len, quoted, (char *)base + k->offset, &why);
	}
	strbuf_release(&why);
}
