/* A growable, always NUL-terminated byte buffer (after git's strbuf). */
#ifndef PAYMATCH_STRBUF_H
#define PAYMATCH_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;      /* never NULL after strbuf_init; always NUL-terminated */
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { 0 }

/* Prepares sb for use; allocates nothing until data is added. */
void strbuf_init(struct strbuf *sb);
/* Releases sb's memory and leaves it empty and reusable. */
void strbuf_release(struct strbuf *sb);
/* Empties sb, keeping its allocation. */
void strbuf_reset(struct strbuf *sb);
/* Makes room for extra more bytes; returns 0, or -1 when out of memory. */
int strbuf_grow(struct strbuf *sb, size_t extra);
/* Appends len bytes; returns 0 or -1 (out of memory). */
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
/* Appends a NUL-terminated string; returns 0 or -1. */
int strbuf_addstr(struct strbuf *sb, const char *s);
/* Appends one byte; returns 0 or -1. */
int strbuf_addch(struct strbuf *sb, int c);
/* Appends printf-formatted text; returns 0 or -1. */
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* As strbuf_addf with a va_list. */
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Returns sb's string (never NULL), valid until the next change to sb. */
const char *strbuf_str(const struct strbuf *sb);
/* Hands the buffer to the caller (who frees it) and leaves sb empty. */
char *strbuf_detach(struct strbuf *sb);

/* Grows array ptr of nr used elements to hold at least need, doubling; (git's ALLOC_GROW).
 * Evaluates to 0, or -1 when out of memory (ptr and alloc unchanged). */
int pm_grow(void **ptr, size_t elem_size, size_t need, size_t *alloc);
#define PM_GROW(ptr, need, alloc) pm_grow((void **)&(ptr), sizeof(*(ptr)), (need), &(alloc))

#endif
