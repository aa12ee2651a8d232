/* Money: ISO 4217 currencies, parsing amounts as written in exports, formatting minor units. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/money.h"

const struct money_format MONEY_FORMAT_DEFAULT = {
	.decimal_sep = '.',
	.thousands_sep = ',',
	.allow_parens = true,
	.allow_symbols = true,
};

struct currency {
	char code[4];
	signed char decimals;
};

/* ISO 4217 list one, active codes with a minor unit (metals, SDR and test codes have none
 * and are left out). Codes replaced recently (ANG, CUC, SLL, ZWL) stay because old exports
 * still carry them. Sorted by code: money_currency_decimals() uses bsearch. */
static const struct currency CURRENCIES[] = {
	{"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2},
	{"AUD", 2}, {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2},
	{"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2},
	{"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2},
	{"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2},
	{"COU", 2}, {"CRC", 2}, {"CUC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0},
	{"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2},
	{"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2},
	{"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2},
	{"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2},
	{"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2},
	{"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2},
	{"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2},
	{"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2},
	{"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2},
	{"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2},
	{"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2},
	{"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2},
	{"SGD", 2}, {"SHP", 2}, {"SLE", 2}, {"SLL", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2},
	{"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2},
	{"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2},
	{"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2},
	{"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2},
	{"XCG", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
	{"ZWL", 2},
};

#define N_CURRENCIES (sizeof CURRENCIES / sizeof CURRENCIES[0])

/* Symbols written in place of a code. "US$" comes before "$" so the longer one wins. */
static const struct {
	const char *text;
	const char *code;
} SYMBOLS[] = {
	{"US$", "USD"},
	{"$", "USD"},
	{"\xe2\x82\xac", "EUR"},   /* € */
	{"\xc2\xa3", "GBP"},       /* £ */
	{"\xc2\xa5", "JPY"},       /* ¥ */
};

static int currency_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct currency *)elem)->code);
}

static const struct currency *currency_find(const char *code)
{
	if (!code)
		return NULL;
	for (int i = 0; i < 3; i++)
		if (code[i] < 'A' || code[i] > 'Z')
			return NULL;
	if (code[3] != '\0')
		return NULL;
	return bsearch(code, CURRENCIES, N_CURRENCIES, sizeof CURRENCIES[0], currency_cmp);
}

int money_currency_decimals(const char *code)
{
	const struct currency *c = currency_find(code);

	return c ? c->decimals : -1;
}

bool money_currency_valid(const char *code)
{
	return currency_find(code) != NULL;
}

const char *money_currency_code(size_t i)
{
	return i < N_CURRENCIES ? CURRENCIES[i].code : NULL;
}

/* The text of one amount being parsed, and what its prefix and suffix said. */
struct amount_text {
	const char *p;
	const char *end;
	int sign;              /* 0 = none seen, else -1 or +1 */
	int parens;            /* 0 none, 1 open, 2 open and closed */
	char cur[4];           /* "" until a symbol or code is seen */
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool has_prefix(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* Spaces around an amount include the no-break spaces spreadsheets like to write. */
static size_t space_len(const char *p, const char *end)
{
	if (p < end && (*p == ' ' || *p == '\t'))
		return 1;
	if (has_prefix(p, end, "\xc2\xa0"))
		return 2;
	if (has_prefix(p, end, "\xe2\x80\xaf"))
		return 3;
	return 0;
}

static void skip_spaces(struct amount_text *t)
{
	size_t n;

	while ((n = space_len(t->p, t->end)) > 0)
		t->p += n;
}

/* Returns the bytes of a currency symbol or 3-letter code at p (code in code_out), or 0. */
static size_t currency_at(const char *p, const char *end, char code_out[4])
{
	for (size_t i = 0; i < sizeof SYMBOLS / sizeof SYMBOLS[0]; i++) {
		if (has_prefix(p, end, SYMBOLS[i].text)) {
			memcpy(code_out, SYMBOLS[i].code, 4);
			return strlen(SYMBOLS[i].text);
		}
	}
	if (end - p < 3 || (end - p > 3 && is_letter(p[3])))
		return 0;
	for (int i = 0; i < 3; i++) {
		if (!is_letter(p[i]))
			return 0;
		code_out[i] = (char)(p[i] & ~0x20);   /* ASCII upper case */
	}
	code_out[3] = '\0';
	return money_currency_valid(code_out) ? 3 : 0;
}

/* Reads signs, parentheses and currency marks before (prefix) or after the digits. */
static int parse_affixes(struct amount_text *t, const struct money_format *fmt, bool prefix,
                         const char **why)
{
	char code[4];
	size_t n;

	for (skip_spaces(t); t->p < t->end; skip_spaces(t)) {
		char c = *t->p;

		if ((c == '-' && (prefix || t->parens != 1)) || (c == '+' && prefix)) {
			if (t->sign || t->parens) {
				*why = c == '-' && t->parens ? "sign and parentheses together" : "two signs";
				return -1;
			}
			t->sign = c == '-' ? -1 : 1;
			t->p++;
		} else if ((c == '(' && prefix) || (c == ')' && !prefix)) {
			if (!fmt->allow_parens) {
				*why = "parentheses not allowed for amounts";
				return -1;
			}
			if (t->sign || t->parens != (prefix ? 0 : 1)) {
				*why = t->sign ? "sign and parentheses together" : "unbalanced parentheses";
				return -1;
			}
			t->parens++;
			t->p++;
		} else if ((n = currency_at(t->p, t->end, code)) > 0) {
			if (!fmt->allow_symbols) {
				*why = "currency symbol not allowed in amount";
				return -1;
			}
			if (t->cur[0]) {
				*why = "two currencies in amount";
				return -1;
			}
			memcpy(t->cur, code, 4);
			t->p += n;
		} else {
			break;
		}
	}
	return 0;
}

/* Appends digit d to *v; false when the result would exceed INT64_MAX. */
static bool push_digit(uint64_t *v, unsigned d)
{
	if (*v > ((uint64_t)INT64_MAX - d) / 10)
		return false;
	*v = *v * 10 + d;
	return true;
}

/* Length of a thousands separator at p that is followed by a digit, else 0. A space
 * separator also matches the no-break spaces that spreadsheets write instead. */
static size_t group_sep_at(const char *p, const char *end, char sep)
{
	size_t n = 0;

	if (sep == 0 || p >= end)
		return 0;
	if (*p == sep)
		n = 1;
	else if (sep == ' ')
		n = space_len(p, end);
	else if (sep == '\'' && has_prefix(p, end, "\xe2\x80\x99"))
		n = 3;
	return (n && p + n < end && is_digit(p[n])) ? n : 0;
}

/* Reads the integer digits at t->p, checking thousands groups; *ndigits gets their count. */
static int parse_integer(struct amount_text *t, char sep, uint64_t *v, int *ndigits,
                         const char **why)
{
	int group = 0;      /* digits since the last separator */
	bool grouped = false;
	size_t n;

	*ndigits = 0;
	for (;;) {
		if (t->p < t->end && is_digit(*t->p)) {
			if (!push_digit(v, (unsigned)(*t->p - '0'))) {
				*why = "amount too large";
				return -1;
			}
			group++;
			(*ndigits)++;
			t->p++;
		} else if ((n = group_sep_at(t->p, t->end, sep)) > 0) {
			/* The first group holds 1-3 digits, every later group exactly 3. */
			if (group == 0 || group > 3 || (grouped && group != 3)) {
				*why = "bad digit grouping";
				return -1;
			}
			grouped = true;
			group = 0;
			t->p += n;
		} else {
			break;
		}
	}
	if (grouped && group != 3) {
		*why = "bad digit grouping";
		return -1;
	}
	return 0;
}

static const char *const TOO_MANY_DECIMALS[] = {
	"too many decimals for a 0-decimal currency",
	"too many decimals for a 1-decimal currency",
	"too many decimals for a 2-decimal currency",
	"too many decimals for a 3-decimal currency",
	"too many decimals for a 4-decimal currency",
};

/* Reads the fraction after the decimal separator and scales *v to decimals digits. Extra
 * digits are accepted only when they are zeros ("12.500" is 12.50, "12.505" is refused). */
static int parse_fraction(struct amount_text *t, int decimals, uint64_t *v, int *ndigits,
                          const char **why)
{
	int i;

	*ndigits = 0;
	for (i = 0; t->p < t->end && is_digit(*t->p); i++, t->p++) {
		unsigned d = (unsigned)(*t->p - '0');

		if (i >= decimals) {
			if (d != 0) {
				*why = decimals < 5 ? TOO_MANY_DECIMALS[decimals] : "too many decimals";
				return -1;
			}
			continue;
		}
		if (!push_digit(v, d)) {
			*why = "amount too large";
			return -1;
		}
	}
	*ndigits = i;
	for (; i < decimals; i++) {
		if (!push_digit(v, 0)) {
			*why = "amount too large";
			return -1;
		}
	}
	return 0;
}

/* Names a stray separator, the commonest mistake in an import profile. */
static const char *stray_reason(const struct amount_text *t)
{
	if (t->p + 1 < t->end && is_digit(t->p[1])) {
		switch (*t->p) {
		case ',': return "unexpected ',' in amount (check decimal and thousands separators)";
		case '.': return "unexpected '.' in amount (check decimal and thousands separators)";
		case ' ': return "unexpected space in amount (check the thousands separator)";
		case '\'': return "unexpected ''' in amount (check the thousands separator)";
		default: break;
		}
	}
	return "not a number";
}

/* Reads the digits of an amount into *v (magnitude, at most INT64_MAX). */
static int parse_number(struct amount_text *t, const struct money_format *fmt, int decimals,
                        uint64_t *v, const char **why)
{
	int int_digits, frac_digits = 0;

	*v = 0;
	if (parse_integer(t, fmt->thousands_sep, v, &int_digits, why) < 0)
		return -1;
	if (t->p < t->end && *t->p == fmt->decimal_sep)
		t->p++;
	/* Without a separator no digit follows here, and this only scales to minor units. */
	if (parse_fraction(t, decimals, v, &frac_digits, why) < 0)
		return -1;
	if (int_digits == 0 && frac_digits == 0) {
		*why = "not a number";
		return -1;
	}
	return 0;
}

static bool format_ok(const struct money_format *fmt, int decimals)
{
	return fmt->decimal_sep != 0 && fmt->decimal_sep != fmt->thousands_sep &&
	       !is_digit(fmt->decimal_sep) && !is_digit(fmt->thousands_sep) &&
	       decimals >= 0 && decimals <= 18;
}

int money_parse(const char *s, size_t len, int decimals, const struct money_format *fmt,
                int64_t *out, char cur_out[4], const char **why)
{
	struct amount_text t = { .p = s, .end = s + len };
	const char *dummy;
	uint64_t v;

	if (!why)
		why = &dummy;
	if (!fmt)
		fmt = &MONEY_FORMAT_DEFAULT;
	if (cur_out)
		cur_out[0] = '\0';
	if (!format_ok(fmt, decimals)) {
		*why = "bad amount format (separators or decimals)";
		return -1;
	}
	skip_spaces(&t);
	if (t.p == t.end) {
		*why = "empty amount";
		return -1;
	}
	if (parse_affixes(&t, fmt, true, why) < 0 || parse_number(&t, fmt, decimals, &v, why) < 0)
		return -1;
	if (parse_affixes(&t, fmt, false, why) < 0)
		return -1;
	if (t.p != t.end) {
		*why = stray_reason(&t);
		return -1;
	}
	if (t.parens == 1) {
		*why = "unbalanced parentheses";
		return -1;
	}
	*out = (t.sign < 0 || t.parens) ? -(int64_t)v : (int64_t)v;
	if (cur_out && t.cur[0])
		memcpy(cur_out, t.cur, 4);
	return 0;
}

/* Formats minor as a decimal number with an optional thousands separator. The magnitude is
 * taken in uint64 so that INT64_MIN (whose negation overflows int64) prints correctly. */
static char *format_minor(int64_t minor, int decimals, char group, char *buf, size_t n)
{
	char tmp[64];
	size_t i = sizeof tmp;
	uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	int pos = 0;

	if (decimals < 0)
		decimals = 0;
	if (decimals > 18)
		decimals = 18;
	tmp[--i] = '\0';
	do {
		if (pos == decimals && decimals > 0)
			tmp[--i] = '.';
		else if (group && pos > decimals && (pos - decimals) % 3 == 0)
			tmp[--i] = group;
		tmp[--i] = (char)('0' + mag % 10);
		mag /= 10;
		pos++;
	} while (mag != 0 || pos <= decimals);
	if (minor < 0)
		tmp[--i] = '-';
	if (n > 0)
		snprintf(buf, n, "%s", tmp + i);
	return buf;
}

char *money_to_plain(int64_t minor, int decimals, char *buf, size_t n)
{
	return format_minor(minor, decimals, 0, buf, n);
}

char *money_to_display(int64_t minor, int decimals, char *buf, size_t n)
{
	return format_minor(minor, decimals, ',', buf, n);
}

bool money_add(int64_t a, int64_t b, int64_t *out)
{
	if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
		return false;
	*out = a + b;
	return true;
}
