/* The scalar value types of the key table: how each kind of value is read (strictly:
 * quoted scalars are text, booleans are only true/false, money never goes through a
 * float), written back so that it reads the same, and described in messages and docs. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

/* ---- text helpers ---- */

int ck_quote(struct strbuf *out, const char *s)
{
	int rc = strbuf_addch(out, '"');

	for (; s && *s && !rc; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			rc = strbuf_addch(out, '\\') || strbuf_addch(out, c);
		else if (c == '\t')
			rc = strbuf_addstr(out, "\\t");
		else if (c == '\n')
			rc = strbuf_addstr(out, "\\n");
		else if (c < 0x20 || c == 0x7F)
			rc = strbuf_addf(out, "\\x%02X", c);
		else
			rc = strbuf_addch(out, c);
	}
	return rc || strbuf_addch(out, '"');
}

int ck_md(struct strbuf *out, const char *s)
{
	int rc = 0;

	for (; *s && !rc; s++)
		rc = *s == '|' ? strbuf_addstr(out, "\\|") : strbuf_addch(out, *s);
	return rc;
}

/* Appends a short, printable rendering of a value for messages. */
static void add_shown(struct strbuf *out, const char *s, size_t len)
{
	size_t n = len > 40 ? 40 : len;

	strbuf_addch(out, '\'');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t')
			strbuf_addstr(out, "\\t");
		else
			strbuf_addch(out, c < 0x20 || c == 0x7F ? '?' : c);
	}
	strbuf_addstr(out, n < len ? "...'" : "'");
}

/* Numbers are read and written in the C locale: main() sets the user's locale, and a
 * German one would otherwise read "0.75" as 0 and print "0,75". */
static int c_locale_strtod(const char *s, double *out)
{
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	char *end;

	if (c == (locale_t)0)
		return -1;
	locale_t old = uselocale(c);
	*out = strtod(s, &end);
	uselocale(old);
	freelocale(c);
	return *end || !isfinite(*out) ? -1 : 0;
}

static int format_double(struct strbuf *out, double v, bool force_point)
{
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	char buf[64];

	if (c == (locale_t)0)
		return -1;
	locale_t old = uselocale(c);
	/* The shortest of 15..17 significant digits that reads back as the same double. */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	uselocale(old);
	freelocale(c);
	if (strbuf_addstr(out, buf))
		return -1;
	if (force_point && !strpbrk(buf, ".e"))
		return strbuf_addstr(out, ".0");
	return 0;
}

int ck_format_double(struct strbuf *out, double v)
{
	return format_double(out, v, true);
}

static bool plain_word(const char *s)
{
	static const char *const RESERVED[] = { "true", "false", "null", "yes", "no", "on",
		                                "off", "y", "n" };

	for (size_t i = 0; i < sizeof RESERVED / sizeof RESERVED[0]; i++)
		if (strcasecmp(s, RESERVED[i]) == 0)
			return false;
	if (!isalpha((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_./-", *s))
			return false;
	return true;
}

int ck_key(struct strbuf *out, const char *name)
{
	return plain_word(name) ? strbuf_addstr(out, name) : ck_quote(out, name);
}

/* Appends "expected DESCRIPTION, got 'VALUE'" (type errors); quoted says the value
 * was refused for being quoted. */
static int type_error(const struct config_key *k, const char *s, size_t len, bool quoted,
                      struct strbuf *why)
{
	strbuf_addstr(why, "expected ");
	k->type->describe(why, k);
	strbuf_addstr(why, quoted ? ", got the quoted text " : ", got ");
	add_shown(why, s, len);
	if (quoted)
		strbuf_addstr(why, " (quoted values are text: remove the quotes)");
	return -1;
}

static int range_error(const struct config_key *k, const char *s, size_t len,
                       struct strbuf *why)
{
	add_shown(why, s, len);
	strbuf_addstr(why, " is out of range: expected ");
	k->type->describe(why, k);
	return -1;
}

/* ---- integers ---- */

/* Parses an optionally signed decimal integer without leading zeros. 0 ok, -1 not an
 * integer, -2 beyond int64. */
static int parse_int64(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	int64_t v = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i == len || (s[i] == '0' && len - i > 1))
		return -1;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		int d = s[i] - '0';
		if (v > (INT64_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	*out = neg ? -v : v;
	return 0;
}

static int int_parse(const struct config_key *k, const char *s, size_t len, bool quoted,
                     void *field, struct strbuf *why)
{
	int64_t v;
	int rc = quoted ? -1 : parse_int64(s, len, &v);

	if (rc == -1)
		return type_error(k, s, len, quoted, why);
	if (rc == -2 || (double)v < k->min || (double)v > k->max)
		return range_error(k, s, len, why);
	*(int64_t *)field = v;
	return 0;
}

static int int_print(struct strbuf *out, const struct config_key *k, const void *base, int ind)
{
	(void)ind;
	return strbuf_addf(out, " %" PRId64, *(const int64_t *)((const char *)base + k->offset));
}

static void int_describe(struct strbuf *out, const struct config_key *k)
{
	strbuf_addf(out, "an integer between %.0f and %.0f", k->min, k->max);
}

const struct ck_type CK_INT = { .parse = int_parse, .print = int_print,
	                        .describe = int_describe };

/* ---- decimal numbers (thresholds, percentages; never money) ---- */

static bool decimal_syntax(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < len && isdigit((unsigned char)s[i]); i++)
		digits++;
	if (i < len && s[i] == '.')
		for (i++; i < len && isdigit((unsigned char)s[i]); i++)
			digits++;
	if (!digits)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == len || !isdigit((unsigned char)s[i]))
			return false;
		while (i < len && isdigit((unsigned char)s[i]))
			i++;
	}
	return i == len && len < 64;
}

static int num_parse(const struct config_key *k, const char *s, size_t len, bool quoted,
                     void *field, struct strbuf *why)
{
	char buf[64];
	double v;

	if (quoted || !decimal_syntax(s, len))
		return type_error(k, s, len, quoted, why);
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (c_locale_strtod(buf, &v) || v < k->min || v > k->max)
		return range_error(k, s, len, why);
	*(double *)field = v;
	return 0;
}

static int num_print(struct strbuf *out, const struct config_key *k, const void *base, int ind)
{
	(void)ind;
	return strbuf_addch(out, ' ') ||
	       ck_format_double(out, *(const double *)((const char *)base + k->offset));
}

static void num_describe(struct strbuf *out, const struct config_key *k)
{
	strbuf_addstr(out, "a number between ");
	format_double(out, k->min, false);
	strbuf_addstr(out, " and ");
	format_double(out, k->max, false);
}

const struct ck_type CK_NUMBER = { .parse = num_parse, .print = num_print,
	                           .describe = num_describe };

/* ---- booleans: only true and false (no YAML 1.1 yes/no/on/off) ---- */

static int bool_parse(const struct config_key *k, const char *s, size_t len, bool quoted,
                      void *field, struct strbuf *why)
{
	if (!quoted && len == 4 && memcmp(s, "true", 4) == 0)
		*(bool *)field = true;
	else if (!quoted && len == 5 && memcmp(s, "false", 5) == 0)
		*(bool *)field = false;
	else
		return type_error(k, s, len, quoted, why);
	return 0;
}

static int bool_print(struct strbuf *out, const struct config_key *k, const void *base, int ind)
{
	(void)ind;
	return strbuf_addstr(out, *(const bool *)((const char *)base + k->offset) ? " true"
	                                                                          : " false");
}

static void bool_describe(struct strbuf *out, const struct config_key *k)
{
	(void)k;
	strbuf_addstr(out, "true or false");
}

const struct ck_type CK_BOOL = { .parse = bool_parse, .print = bool_print,
	                         .describe = bool_describe };

/* ---- text (owned char *; empty means NULL when min is 0) ---- */

static int str_parse(const struct config_key *k, const char *s, size_t len, bool quoted,
                     void *field, struct strbuf *why)
{
	char **dst = field;
	char *copy = NULL;

	(void)quoted;
	if (memchr(s, '\0', len) || (double)len < k->min || (double)len > k->max)
		return type_error(k, s, len, false, why);
	if (len && !(copy = strndup(s, len)))
		return strbuf_addstr(why, "out of memory"), -1;
	free(*dst);
	*dst = copy;
	return 0;
}

static int str_print(struct strbuf *out, const struct config_key *k, const void *base, int ind)
{
	(void)ind;
	return strbuf_addch(out, ' ') ||
	       ck_quote(out, *(char *const *)((const char *)base + k->offset));
}

static void str_describe(struct strbuf *out, const struct config_key *k)
{
	if (k->min > 0)
		strbuf_addf(out, "text of 1 to %.0f bytes", k->max);
	else
		strbuf_addf(out, "text of at most %.0f bytes (\"\" for none)", k->max);
}

const struct ck_type CK_STRING = { .parse = str_parse, .print = str_print,
	                           .describe = str_describe };

/* A code: letters, digits, '_', '-', '.' (reason codes end up in reports and CSV). */
static int code_parse(const struct config_key *k, const char *s, size_t len, bool quoted,
                      void *field, struct strbuf *why)
{
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_-.", s[i]))
			return type_error(k, s, len, false, why);
	return str_parse(k, s, len, quoted, field, why);
}

static void code_describe(struct strbuf *out, const struct config_key *k)
{
	strbuf_addf(out, "a code of 1 to %.0f letters, digits, '_', '-' or '.'", k->max);
}

const struct ck_type CK_CODE = { .parse = code_parse, .print = str_print,
	                         .describe = code_describe };

/* ---- money: a decimal in major units, read without floats into minor units ---- */

static int money_text(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	int64_t v = 0;
	int decimals = -1;

	if (len == 0)
		return -1;
	for (; i < len; i++) {
		if (s[i] == '.' && decimals < 0 && i > 0) {
			decimals = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || decimals == 2)
			return -1;
		if (v > (INT64_MAX / 100 - (s[i] - '0')) / 10)
			return -2;
		v = v * 10 + (s[i] - '0');
		if (decimals >= 0)
			decimals++;
	}
	if (decimals == 0)
		return -1;             /* "5." */
	for (int d = decimals < 0 ? 0 : decimals; d < 2; d++)
		v *= 10;
	*out = v;
	return 0;
}

static int ck_money_parse(const struct config_key *k, const char *s, size_t len, bool quoted,
                       void *field, struct strbuf *why)
{
	int64_t v;
	int rc = money_text(s, len, &v);

	if (rc == -1)
		return type_error(k, s, len, false, why);
	if (rc == -2 || (double)v < k->min || (double)v > k->max)
		return range_error(k, s, len, why);
	(void)quoted;
	*(int64_t *)field = v;
	return 0;
}

static int ck_money_print(struct strbuf *out, const struct config_key *k, const void *base,
                       int ind)
{
	int64_t v = *(const int64_t *)((const char *)base + k->offset);

	(void)ind;
	return strbuf_addf(out, " \"%" PRId64 ".%02" PRId64 "\"", v / 100, v % 100);
}

static void money_describe(struct strbuf *out, const struct config_key *k)
{
	strbuf_addf(out, "an amount with at most 2 decimals between \"%.2f\" and \"%.2f\"",
	            k->min / 100, k->max / 100);
}

const struct ck_type CK_MONEY = { .parse = ck_money_parse, .print = ck_money_print,
	                          .describe = money_describe };

/* ---- memory sizes: "512MB", "1GB", or a plain number of MB (binary units) ---- */

static int memsize_text(const char *s, size_t len, int64_t *mb)
{
	static const struct { const char *unit; int64_t mul; } UNITS[] = {
		{ "", 1 }, { "m", 1 }, { "mb", 1 }, { "mib", 1 }, { "g", 1024 }, { "gb", 1024 },
		{ "gib", 1024 }, { "t", 1048576 }, { "tb", 1048576 }, { "tib", 1048576 },
	};
	size_t i = 0, digits;
	int64_t v;

	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	digits = i;
	if (!digits || parse_int64(s, digits, &v))
		return digits ? -2 : -1;
	while (i < len && s[i] == ' ')
		i++;
	for (size_t u = 0; u < sizeof UNITS / sizeof UNITS[0]; u++) {
		if (strlen(UNITS[u].unit) != len - i || strncasecmp(s + i, UNITS[u].unit, len - i))
			continue;
		if (v > INT64_MAX / UNITS[u].mul)
			return -2;
		*mb = v * UNITS[u].mul;
		return 0;
	}
	return -1;
}

static int memsize_parse(const struct config_key *k, const char *s, size_t len, bool quoted,
                         void *field, struct strbuf *why)
{
	int64_t v;
	int rc = memsize_text(s, len, &v);

	(void)quoted;
	if (rc == -1)
		return type_error(k, s, len, false, why);
	if (rc == -2 || (double)v < k->min || (double)v > k->max)
		return range_error(k, s, len, why);
	*(int64_t *)field = v;
	return 0;
}

static int add_size(struct strbuf *out, int64_t mb)
{
	if (mb % 1048576 == 0)
		return strbuf_addf(out, "%" PRId64 "TB", mb / 1048576);
	if (mb % 1024 == 0)
		return strbuf_addf(out, "%" PRId64 "GB", mb / 1024);
	return strbuf_addf(out, "%" PRId64 "MB", mb);
}

static int memsize_print(struct strbuf *out, const struct config_key *k, const void *base,
                         int ind)
{
	(void)ind;
	return strbuf_addch(out, ' ') ||
	       add_size(out, *(const int64_t *)((const char *)base + k->offset));
}

static void memsize_describe(struct strbuf *out, const struct config_key *k)
{
	strbuf_addstr(out, "a size such as 512MB or 1GB (a plain number means MB) between ");
	add_size(out, (int64_t)k->min);
	strbuf_addstr(out, " and ");
	add_size(out, (int64_t)k->max);
}

const struct ck_type CK_MEMSIZE = { .parse = memsize_parse, .print = memsize_print,
	                            .describe = memsize_describe };

/* ---- enumerations ---- */

static const struct ck_name *enum_find(const struct config_key *k, const char *s, size_t len)
{
	for (const struct ck_name *n = k->names; n->name; n++)
		if (strlen(n->name) == len && strncasecmp(n->name, s, len) == 0)
			return n;
	return NULL;
}

static const char *enum_canonical(const struct config_key *k, int value)
{
	for (const struct ck_name *n = k->names; n->name; n++)
		if (n->value == value)
			return n->name;
	return NULL;
}

static int enum_parse(const struct config_key *k, const char *s, size_t len, bool quoted,
                      void *field, struct strbuf *why)
{
	const struct ck_name *n = enum_find(k, s, len);

	(void)quoted;
	if (!n)
		return type_error(k, s, len, false, why);
	switch (k->store) {
	case CK_STORE_INT: *(int *)field = n->value; break;
	case CK_STORE_CHAR: *(char *)field = (char)n->value; break;
	case CK_STORE_BOOL: *(bool *)field = n->value != 0; break;
	case CK_STORE_DATEFMT: *(enum date_format *)field = (enum date_format)n->value; break;
	case CK_STORE_NAME16:
		snprintf((char *)field, 16, "%s", enum_canonical(k, n->value));
		break;
	}
	return 0;
}

static int enum_value(const struct config_key *k, const void *field)
{
	const struct ck_name *n;

	switch (k->store) {
	case CK_STORE_INT: return *(const int *)field;
	case CK_STORE_CHAR: return *(const char *)field;
	case CK_STORE_BOOL: return *(const bool *)field;
	case CK_STORE_DATEFMT: return (int)*(const enum date_format *)field;
	case CK_STORE_NAME16:
		n = enum_find(k, field, strlen(field));
		return n ? n->value : k->names[0].value;
	}
	return 0;
}

static int enum_print(struct strbuf *out, const struct config_key *k, const void *base, int ind)
{
	const char *name = enum_canonical(k, enum_value(k, (const char *)base + k->offset));

	(void)ind;
	if (!name)
		name = k->names[0].name;
	if (strbuf_addch(out, ' '))
		return -1;
	return plain_word(name) ? strbuf_addstr(out, name) : ck_quote(out, name);
}

/* Names in messages: words as they are, others quoted as one would write them in YAML. */
static void add_name(struct strbuf *out, const char *name)
{
	bool control = false;

	for (const char *c = name; *c; c++)
		control |= (unsigned char)*c < 0x20 || *c == '\'';
	if (plain_word(name))
		strbuf_addstr(out, name);
	else if (control)
		ck_quote(out, name);
	else
		strbuf_addf(out, "'%s'", name);
}

static void enum_describe(struct strbuf *out, const struct config_key *k)
{
	strbuf_addstr(out, "one of ");
	for (const struct ck_name *n = k->names; n->name; n++) {
		if (enum_canonical(k, n->value) != n->name)
			continue;                    /* aliases are listed with their canonical name */
		if (n != k->names)
			strbuf_addstr(out, ", ");
		add_name(out, n->name);
		int aliases = 0;
		for (const struct ck_name *a = n + 1; a->name; a++) {
			if (a->value != n->value)
				continue;
			strbuf_addstr(out, aliases++ ? ", " : " (or ");
			add_name(out, a->name);
		}
		if (aliases)
			strbuf_addch(out, ')');
	}
}

const struct ck_type CK_ENUM = { .parse = enum_parse, .print = enum_print,
	                         .describe = enum_describe };

/* ---- currency: "" or a three-letter code, stored upper case in char[4] ---- */

static int currency_parse(const struct config_key *k, const char *s, size_t len, bool quoted,
                          void *field, struct strbuf *why)
{
	char *dst = field;

	(void)quoted;
	if (len != 0 && len != 3)
		return type_error(k, s, len, false, why);
	for (size_t i = 0; i < len; i++)
		if (!isalpha((unsigned char)s[i]))
			return type_error(k, s, len, false, why);
	for (size_t i = 0; i < len; i++)
		dst[i] = (char)toupper((unsigned char)s[i]);
	dst[len] = '\0';
	return 0;
}

static int currency_print(struct strbuf *out, const struct config_key *k, const void *base,
                          int ind)
{
	(void)ind;
	return strbuf_addch(out, ' ') || ck_quote(out, (const char *)base + k->offset);
}

static void currency_describe(struct strbuf *out, const struct config_key *k)
{
	(void)k;
	strbuf_addstr(out, "a 3-letter ISO 4217 code, or \"\" for none");
}

const struct ck_type CK_CURRENCY = { .parse = currency_parse, .print = currency_print,
	                             .describe = currency_describe };

