/* Calendar dates as day numbers since 1970-01-01 (proleptic Gregorian), and parsing them. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L  /* localtime_r() */
#endif
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "paymatch/date.h"

#define DATE_YEAR_MIN 1900
#define DATE_YEAR_MAX 2199

/* Days from 0000-03-01 to 1970-01-01 in the shifted calendar below. */
#define DAYS_TO_EPOCH 719468
#define DAYS_PER_ERA 146097      /* 400 Gregorian years */

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const unsigned char DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : DAYS[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* After H. Hinnant's days_from_civil: the year is taken to start on March 1st so that the
 * leap day is the last day of the year; months then have a fixed pattern (153 days every
 * 5 months), and whole 400-year eras of 146097 days make the count exact for any year. */
static int days_from_civil(int y, int m, int d)
{
	int yy = m <= 2 ? y - 1 : y;
	int era = (int)floor_div(yy, 400);
	int yoe = yy - era * 400;                       /* 0..399 */
	int mp = m > 2 ? m - 3 : m + 9;                 /* March = 0 */
	int doy = (153 * mp + 2) / 5 + d - 1;           /* 0..365 */
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * DAYS_PER_ERA + doe - DAYS_TO_EPOCH;
}

void date_to_ymd(pm_date day, int *y, int *m, int *d)
{
	/* 64-bit so that any int32 day number works, not only those of valid years. */
	int64_t z = (int64_t)day + DAYS_TO_EPOCH;
	int64_t era = floor_div(z, DAYS_PER_ERA);
	int doe = (int)(z - era * DAYS_PER_ERA);                        /* 0..146096 */
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int mm = mp < 10 ? mp + 3 : mp - 9;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mm;
	*y = (int)(yoe + era * 400 + (mm <= 2));
}

int date_from_ymd(int y, int m, int d, pm_date *out)
{
	if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return -1;
	*out = days_from_civil(y, m, d);
	return 0;
}

char *date_to_iso(pm_date day, char *buf, size_t n)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	if (n > 0)
		snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
	return buf;
}

pm_date date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm))
		return 0;
	return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static const struct {
	const char *name;
	enum date_format fmt;
} FORMAT_NAMES[] = {
	/* The first name of each format is its canonical one. */
	{"auto", DATE_AUTO},
	{"iso", DATE_ISO},
	{"dd.mm.yyyy", DATE_DMY_DOT},
	{"mm/dd/yyyy", DATE_MDY_SLASH},
	{"dd/mm/yyyy", DATE_DMY_SLASH},
	{"yyyy-mm-dd", DATE_ISO},
};

int date_format_from_name(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < sizeof FORMAT_NAMES / sizeof FORMAT_NAMES[0]; i++)
		if (strcasecmp(name, FORMAT_NAMES[i].name) == 0)
			return (int)FORMAT_NAMES[i].fmt;
	return -1;
}

const char *date_format_name(enum date_format fmt)
{
	for (size_t i = 0; i < sizeof FORMAT_NAMES / sizeof FORMAT_NAMES[0]; i++)
		if (FORMAT_NAMES[i].fmt == fmt)
			return FORMAT_NAMES[i].name;
	return "unknown";
}

/* A date split into up to three digit runs and the separators between them. */
struct date_fields {
	int n;                 /* number of digit runs */
	int val[3];
	int width[3];          /* digits in each run */
	char sep[2];           /* separator after run 0 and after run 1 */
};

/* Reasons naming the date need the text of the date; each thread keeps its own copy. */
static _Thread_local char reason_buf[96];

static const char *reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *reason(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason_buf, sizeof reason_buf, fmt, ap);
	va_end(ap);
	return reason_buf;
}

/* A time after the date ("T10:00:00", " 10:00", "T10:00:00.000+01:00", "...Z") is ignored. */
static bool is_time_tail(const char *p, const char *end, bool allow_t)
{
	if (p == end)
		return true;
	if (!(*p == ' ' || (allow_t && *p == 'T')))
		return false;
	p++;
	if (end - p < 5 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' || p[2] != ':')
		return false;
	for (; p < end; p++)
		if (!strchr("0123456789:.+-Z", *p))
			return false;
	return true;
}

/* Splits s into digit runs; returns 0, or -1 when it is not shaped like a date. */
static int split_fields(const char *s, const char *end, struct date_fields *f)
{
	const char *p = s;

	memset(f, 0, sizeof *f);
	while (p < end && f->n < 3) {
		const char *start = p;

		while (p < end && *p >= '0' && *p <= '9' && p - start < 8)
			f->val[f->n] = f->val[f->n] * 10 + (*p++ - '0');
		f->width[f->n] = (int)(p - start);
		if (f->width[f->n] == 0 || (p < end && *p >= '0' && *p <= '9'))
			return -1;
		f->n++;
		if (f->n == 3 || p == end || !strchr("-/.", *p))
			break;
		f->sep[f->n - 1] = *p++;
	}
	if (f->n == 2 || (f->n == 1 && f->width[0] != 8))
		return -1;
	return is_time_tail(p, end, f->n == 3 && f->width[0] == 4) ? 0 : -1;
}

/* Checks a y-m-d triple, naming what is wrong in *why. */
static int make_date(int y, int m, int d, pm_date *out, const char **why)
{
	if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX) {
		*why = reason("year %d out of range (1900..2199)", y);
		return -1;
	}
	if (m < 1 || m > 12) {
		*why = reason("month %d out of range", m);
		return -1;
	}
	if (date_from_ymd(y, m, d, out) < 0) {
		*why = reason("%04d-%02d-%02d does not exist", y, m, d);
		return -1;
	}
	return 0;
}

/* Decides the order of a slash date whose year comes last. */
static int slash_date(const struct date_fields *f, enum date_format fmt, pm_date *out,
                      const char **why)
{
	int a = f->val[0], b = f->val[1], y = f->val[2];

	if (fmt == DATE_MDY_SLASH)
		return make_date(y, a, b, out, why);
	if (fmt == DATE_DMY_SLASH)
		return make_date(y, b, a, out, why);
	/* DATE_AUTO: only an order that leaves one reading is taken. */
	if (a > 12 || a == b)
		return make_date(y, b, a, out, why);
	if (b > 12)
		return make_date(y, a, b, out, why);
	*why = "ambiguous date (could be D/M or M/D): set date_format in an import profile";
	return -1;
}

/* Interprets split fields by their shape and the expected format. */
static int fields_to_date(const struct date_fields *f, enum date_format fmt, pm_date *out,
                          const char **why)
{
	bool year_last = f->n == 3 && f->width[2] == 4 && f->width[0] <= 2 && f->width[1] <= 2;

	if (f->n == 1 && (fmt == DATE_AUTO || fmt == DATE_ISO))
		return make_date(f->val[0] / 10000, f->val[0] / 100 % 100, f->val[0] % 100, out,
		                 why);
	/* A 4-digit year first is never ambiguous, so every format accepts ISO dates. */
	if (f->n == 3 && f->width[0] == 4 && f->width[1] <= 2 && f->width[2] <= 2 &&
	    f->sep[0] == f->sep[1] && f->sep[0] != '.')
		return make_date(f->val[0], f->val[1], f->val[2], out, why);
	if (f->n == 3 && f->width[2] <= 2 && f->width[0] <= 2) {
		*why = "2-digit year: write the year in full";
		return -1;
	}
	if (year_last && f->sep[0] == '.' && f->sep[1] == '.' &&
	    (fmt == DATE_AUTO || fmt == DATE_DMY_DOT))
		return make_date(f->val[2], f->val[1], f->val[0], out, why);
	if (year_last && f->sep[0] == '/' && f->sep[1] == '/' && fmt != DATE_DMY_DOT &&
	    fmt != DATE_ISO)
		return slash_date(f, fmt, out, why);
	*why = reason("not a date in format %s", date_format_name(fmt));
	return -1;
}

int date_parse(const char *s, size_t len, enum date_format fmt, pm_date *out, const char **why)
{
	const char *end = s + len;
	struct date_fields f;
	const char *dummy;

	if (!why)
		why = &dummy;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (s == end) {
		*why = "empty date";
		return -1;
	}
	if (split_fields(s, end, &f) < 0) {
		*why = "not a date";
		return -1;
	}
	return fields_to_date(&f, fmt, out, why);
}
