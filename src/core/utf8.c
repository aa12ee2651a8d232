/* UTF-8: validation, encoding sniffing, terminal width, and making bank text safe to show. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700       /* wcwidth() */
#endif
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "paymatch/utf8.h"

/* Decoding follows the table of well-formed sequences in Unicode 15, §3.9 (Table 3-7):
 * the second byte's range depends on the first, which rules out overlong forms,
 * surrogates (ED A0..BF) and code points above U+10FFFF in one place. */
size_t utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;
	uint32_t c;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		c = s[0] & 0x0F;
		lo = s[0] == 0xE0 ? 0xA0 : 0x80;
		hi = s[0] == 0xED ? 0x9F : 0xBF;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		c = s[0] & 0x07;
		lo = s[0] == 0xF0 ? 0x90 : 0x80;
		hi = s[0] == 0xF4 ? 0x8F : 0xBF;
	} else {
		return 0;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if (i > 1 && (s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return n;
}

bool utf8_valid(const char *s, size_t len, size_t *bad_at)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {   /* fast path for ASCII */
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			if (bad_at)
				*bad_at = i;
			return false;
		}
		i += n;
	}
	return true;
}

bool utf8_looks_latin1(const char *s, size_t len)
{
	bool high = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0)
			return false;   /* NULs mean UTF-16 or binary, not a single-byte charset */
		if (c >= 0xA0)
			high = true;
	}
	return high && !utf8_valid(s, len, NULL);
}

/* Without a BOM, UTF-16 text that is mostly ASCII (as CSV is: digits, separators, Latin
 * names) has a NUL in nearly every other byte, on the odd offsets for little endian and
 * the even ones for big endian. NULs on both sides, or too few, mean binary data. */
static const char *sniff_nul_pattern(const unsigned char *head, size_t len)
{
	size_t even = 0, odd = 0, units = len / 2;

	for (size_t i = 0; i + 1 < len; i += 2) {
		even += head[i] == 0;
		odd += head[i + 1] == 0;
	}
	if (len % 2 == 1 && head[len - 1] == 0)
		even++;
	if (even == 0 && odd == 0)
		return "UTF-8";
	if (odd * 2 >= units && even * 10 <= odd)
		return "UTF-16LE";
	if (even * 2 >= units && odd * 10 <= even)
		return "UTF-16BE";
	return "binary";
}

const char *utf8_sniff_encoding(const unsigned char *head, size_t len)
{
	/* UTF-32LE's BOM starts with UTF-16LE's, so the 4-byte marks are tested first. */
	if (len >= 4 && memcmp(head, "\xFF\xFE\0\0", 4) == 0)
		return "UTF-32LE";
	if (len >= 4 && memcmp(head, "\0\0\xFE\xFF", 4) == 0)
		return "UTF-32BE";
	if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
		return "UTF-8 with BOM";
	if (len >= 2 && memcmp(head, "\xFF\xFE", 2) == 0)
		return "UTF-16LE";
	if (len >= 2 && memcmp(head, "\xFE\xFF", 2) == 0)
		return "UTF-16BE";
	return sniff_nul_pattern(head, len);
}

/* Code points shown as '?': controls (C0, DEL, C1) could move the cursor or change the
 * terminal's state, and bidi controls could reorder what the reviewer reads (the
 * "Trojan Source" trick, CVE-2021-42574). */
static bool is_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
	       cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Width of the character at s: *n gets its length in bytes (1 for an invalid byte). */
static size_t char_width(const char *s, size_t len, size_t *n)
{
	uint32_t cp;
	int w;

	*n = utf8_decode(s, len, &cp);
	if (*n == 0) {
		*n = 1;
		return 1;
	}
	if (is_unsafe(cp))
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w;
}

size_t utf8_width(const char *s, size_t len)
{
	size_t cols = 0, i = 0, n;

	while (i < len) {
		cols += char_width(s + i, len - i, &n);
		i += n;
	}
	return cols;
}

/* Stops at the first character that does not fit: the zero-width marks after it are left
 * out with it, and those after a character that fits come along because they add nothing. */
size_t utf8_fit(const char *s, size_t len, size_t max_cols, size_t *cols_out)
{
	size_t cols = 0, i = 0, n, w;

	while (i < len) {
		w = char_width(s + i, len - i, &n);
		if (cols + w > max_cols)
			break;
		cols += w;
		i += n;
	}
	if (cols_out)
		*cols_out = cols;
	return i;
}

char *utf8_sanitize(const char *s, size_t len, char *dst, size_t dstlen)
{
	size_t i = 0, o = 0, n;
	uint32_t cp;

	if (dstlen == 0)
		return dst;
	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0 || is_unsafe(cp)) {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = '?';
			i += n ? n : 1;
			continue;
		}
		if (o + n >= dstlen)
			break;      /* never copy part of a character */
		memcpy(dst + o, s + i, n);
		o += n;
		i += n;
	}
	dst[o] = '\0';
	return dst;
}

size_t utf8_from_latin1(const char *s, size_t len, char *dst, size_t dstlen)
{
	size_t o = 0;

	if (dstlen == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 2 >= dstlen)
				break;
			dst[o++] = (char)(0xC0 | (c >> 6));
			dst[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	dst[o] = '\0';
	return o;
}
