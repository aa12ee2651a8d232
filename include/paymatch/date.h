/* Calendar dates as day numbers (days since 1970-01-01, proleptic Gregorian). */
#ifndef PAYMATCH_DATE_H
#define PAYMATCH_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t pm_date;

/* Date formats accepted in source files. */
enum date_format {
	DATE_AUTO = 0,   /* ISO, or YYYYMMDD, or DD.MM.YYYY; refuses ambiguous slashes */
	DATE_ISO,        /* YYYY-MM-DD (also YYYY/MM/DD) */
	DATE_DMY_DOT,    /* DD.MM.YYYY */
	DATE_MDY_SLASH,  /* MM/DD/YYYY */
	DATE_DMY_SLASH   /* DD/MM/YYYY */
};

/* Builds a day number from y-m-d: returns 0 and sets *out, or -1 when the date does not
 * exist (e.g. 2026-02-30) or the year is outside 1900..2199. */
int date_from_ymd(int y, int m, int d, pm_date *out);

/* Splits a day number into year, month, day. */
void date_to_ymd(pm_date day, int *y, int *m, int *d);

/* Parses len bytes in format fmt into *out; returns 0, or -1 with a reason in *why
 * ("month 13 out of range", "2026-02-30 does not exist"). *why may point to a per-thread
 * buffer: use it before the next date_parse call in the same thread. Surrounding spaces
 * and a time after the date ("2026-03-01T10:00:00", "2026-03-01 10:00") are ignored; a 4-digit
 * year first (YYYY-MM-DD, YYYY/MM/DD) is accepted by every format; 2-digit years never. */
int date_parse(const char *s, size_t len, enum date_format fmt, pm_date *out, const char **why);

/* Writes day as "YYYY-MM-DD" into buf (at least 11 bytes); returns buf. */
char *date_to_iso(pm_date day, char *buf, size_t n);

/* Returns the format named name ("iso", "dd.mm.yyyy", "mm/dd/yyyy", "dd/mm/yyyy", "auto"),
 * or -1 when unknown. */
int date_format_from_name(const char *name);

/* Returns the canonical name of fmt. */
const char *date_format_name(enum date_format fmt);

/* Returns today's date in local time. */
pm_date date_today(void);

#endif
