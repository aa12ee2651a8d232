/* Errors are values: a status code plus where and why, printed once at the edge. */
#ifndef PAYMATCH_ERROR_H
#define PAYMATCH_ERROR_H

#include <stddef.h>

/* Exit statuses (sysexits-style), also used as error codes. */
enum pm_status {
	PM_OK = 0,
	PM_EUSAGE = 2,      /* bad command line */
	PM_EDATA = 65,      /* bad input data */
	PM_ENOINPUT = 66,   /* missing input file */
	PM_ESOFTWARE = 70,  /* internal error */
	PM_EIO = 74,        /* I/O or database error */
	PM_EBUSY = 75,      /* working set busy, try again */
	PM_ECONFIG = 78,    /* bad configuration, profile or theme */
	PM_EINTR = 130      /* interrupted by a signal; nothing was changed */
};

struct pm_error {
	int code;           /* enum pm_status, PM_OK when no error */
	long line;          /* 1-based line, 0 when not about a line */
	long column;        /* 1-based column, 0 when not about a column */
	char msg[1024];     /* complete human-readable message */
};

/* Clears err (code PM_OK, empty message). */
void pm_error_clear(struct pm_error *err);

/* Sets err to code and a printf-formatted message; returns code. */
int pm_error_set(struct pm_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets err with a file:line:column prefix ("f.csv:12: column amount: ..."); returns code.
 * line or column 0 omits that part; column_name may be NULL. */
int pm_error_at(struct pm_error *err, int code, const char *file, long line,
                const char *column_name, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Prepends "context: " to err's message, keeping its code; returns the code. */
int pm_error_wrap(struct pm_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
