/* UTF-8 validation, encoding detection and display-width helpers (no curses). */
#ifndef PAYMATCH_UTF8_H
#define PAYMATCH_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the character at s (len bytes available) into *cp; returns its length in bytes
 * (1..4), or 0 when s does not start with a well-formed sequence (or len is 0). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Returns true when s[0..len) is valid UTF-8 (no overlongs, no surrogates). When false and
 * bad_at is not NULL, *bad_at is the byte offset of the first invalid sequence. */
bool utf8_valid(const char *s, size_t len, size_t *bad_at);

/* Returns true when s[0..len) is not valid UTF-8 but holds bytes 0xA0..0xFF and no NULs,
 * as Latin-1 (or Windows-1252) text does; used to name the encoding in an error. */
bool utf8_looks_latin1(const char *s, size_t len);

/* Names the text encoding apparent from a file's first bytes: "UTF-8", "UTF-8 with BOM",
 * "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", or "binary" (NULs with no UTF-16 pattern). */
const char *utf8_sniff_encoding(const unsigned char *head, size_t len);

/* Returns the display width in terminal columns of UTF-8 string s (len bytes); invalid
 * bytes and control characters count as 1 (they are shown as '?'). */
size_t utf8_width(const char *s, size_t len);

/* Returns how many bytes of s (len bytes) fit in max_cols columns without splitting a
 * character or separating a base from its combining marks; *cols_out gets their width. */
size_t utf8_fit(const char *s, size_t len, size_t max_cols, size_t *cols_out);

/* Copies s into dst (dstlen bytes incl. NUL) making it safe to print on a terminal:
 * C0/C1 controls, DEL, bidi controls (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F,
 * U+061C) and each invalid byte become '?'. The result is never longer than len bytes, and a
 * character that does not fit in dst is dropped whole. Returns dst. */
char *utf8_sanitize(const char *s, size_t len, char *dst, size_t dstlen);

/* Transcodes Latin-1 (ISO 8859-1) bytes to UTF-8 into dst (needs up to 2*len+1);
 * returns the number of bytes written (without the NUL). */
size_t utf8_from_latin1(const char *s, size_t len, char *dst, size_t dstlen);

#endif
