/* Money is an int64 count of minor units with an ISO 4217 currency; never a float. */
#ifndef PAYMATCH_MONEY_H
#define PAYMATCH_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How amounts are written in a source file. */
struct money_format {
	char decimal_sep;        /* '.' or ',' */
	char thousands_sep;      /* 0 (none), ',', '.', ' ', '\'' */
	bool allow_parens;       /* "(12.50)" means -12.50 */
	bool allow_symbols;      /* leading/trailing currency symbol or code ("$", "€", "EUR") */
};

/* The default format: '.' decimal, ',' thousands, parentheses and symbols allowed. */
extern const struct money_format MONEY_FORMAT_DEFAULT;

/* Returns the number of minor-unit digits of currency code (e.g. 2 for EUR, 0 for JPY,
 * 3 for KWD), or -1 when code is not a known ISO 4217 code. */
int money_currency_decimals(const char *code);

/* Returns true when code is three upper-case ASCII letters naming a known currency. */
bool money_currency_valid(const char *code);

/* Returns the i-th known currency code in ascending order, or NULL when i is past the end
 * (for listing and validating currencies). */
const char *money_currency_code(size_t i);

/* Parses len bytes of text as an amount with decimals minor digits into *out.
 * Returns 0, or -1 with a short static reason in *why ("not a number", "too many decimals
 * for a 2-decimal currency", "amount too large"). Leading/trailing spaces are ignored.
 * Extra fraction digits are accepted only when zero ("12.500" -> 1250 for 2 decimals).
 * The range is +-INT64_MAX (INT64_MIN is refused so that negation is always safe).
 * When cur_out is not NULL it receives the ISO code of a currency symbol/code found in the
 * text, or "" when there is none; decimals is used either way (the caller compares). */
int money_parse(const char *s, size_t len, int decimals, const struct money_format *fmt,
                int64_t *out, char cur_out[4], const char **why);

/* Writes minor as a plain decimal ("-1234.50") into buf; returns buf. */
char *money_to_plain(int64_t minor, int decimals, char *buf, size_t n);

/* Writes minor with thousands separators ("-1,234.50") into buf; returns buf. */
char *money_to_display(int64_t minor, int decimals, char *buf, size_t n);

/* Adds a and b into *out; returns false (and leaves *out) on int64 overflow. */
bool money_add(int64_t a, int64_t b, int64_t *out);

#endif
