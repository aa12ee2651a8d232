/* Error values: formatting helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "paymatch/error.h"

void pm_error_clear(struct pm_error *err)
{
	err->code = PM_OK;
	err->line = 0;
	err->column = 0;
	err->msg[0] = '\0';
}

int pm_error_set(struct pm_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

int pm_error_at(struct pm_error *err, int code, const char *file, long line,
                const char *column_name, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	err->code = code;
	err->line = line;
	n = snprintf(err->msg, sizeof err->msg, "%s", file ? file : "");
	if (line > 0 && n >= 0 && (size_t)n < sizeof err->msg)
		n += snprintf(err->msg + n, sizeof err->msg - (size_t)n, ":%ld", line);
	if (n >= 0 && (size_t)n < sizeof err->msg)
		n += snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": ");
	if (column_name && n >= 0 && (size_t)n < sizeof err->msg)
		n += snprintf(err->msg + n, sizeof err->msg - (size_t)n, "column %s: ", column_name);
	if (n >= 0 && (size_t)n < sizeof err->msg) {
		va_start(ap, fmt);
		vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return code;
}

int pm_error_wrap(struct pm_error *err, const char *fmt, ...)
{
	char prefix[512];
	char old[sizeof err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	/* Truncation is acceptable: the message stays NUL-terminated and readable. */
	size_t n = strlen(prefix);
	if (n + 2 >= sizeof err->msg)
		n = sizeof err->msg - 3;
	memcpy(err->msg, prefix, n);
	memcpy(err->msg + n, ": ", 2);
	size_t rest = sizeof err->msg - n - 3;
	size_t ol = strnlen(old, rest);
	memcpy(err->msg + n + 2, old, ol);
	err->msg[n + 2 + ol] = '\0';
	return err->code;
}
