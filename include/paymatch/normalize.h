/* Normalisers for matching: invoice references, payer/customer names, memo tokens.
 * Pure functions on caller buffers: no allocation, no I/O, safe from any thread. */
#ifndef PAYMATCH_NORMALIZE_H
#define PAYMATCH_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

/* Longest reference key kept; longer keys are cut (references are short in practice). */
#define NORM_KEY_MAX 48
/* Most reference keys taken from one payment's reference and memo together. */
#define NORM_MAX_KEYS 96

/* Writes the reference key of s[0..len): ASCII letters and digits only, upper case, Latin
 * accents folded ("inv-2026/000123" -> "INV2026000123"). Returns its length (<= cap-1). */
size_t norm_ref_key(const char *s, size_t len, char *out, size_t cap);

/* Writes the core of key: the leading letters dropped, then the leading zeros
 * ("INV000123" -> "123", "INV2026000123" -> "2026000123"). Returns its length; 0 when
 * nothing is left. out may equal key. */
size_t norm_ref_core(const char *key, size_t len, char *out, size_t cap);

/* Writes the digits of key in order ("INV-2026-0001" -> "20260001"); returns the count. */
size_t norm_ref_digits(const char *key, size_t len, char *out, size_t cap);

/* Returns the length of the leading run of letters of key ("INV" of "INV123"). */
size_t norm_ref_prefix_len(const char *key, size_t len);

/* Returns true when key[0..len) holds only digits. */
int norm_all_digits(const char *key, size_t len);

/* Where a reference key came from in the payment. */
enum norm_key_src {
	NORM_SRC_REF = 0,       /* a whole reference of the reference field (may list several) */
	NORM_SRC_REF_PART = 1,  /* a token, join or digit run inside the reference field */
	NORM_SRC_MEMO = 2       /* a token, join or digit run of the memo */
};

/* The candidate reference keys of one payment (bounded; extra keys are dropped). */
struct norm_keys {
	int n;
	uint8_t src[NORM_MAX_KEYS];           /* enum norm_key_src */
	uint8_t len[NORM_MAX_KEYS];
	char key[NORM_MAX_KEYS][NORM_KEY_MAX];
};

/* Extracts candidate reference keys from a payment's reference field (several references
 * separated by spaces, commas or semicolons) and its memo (free text): each word's key,
 * joins of 2 and 3 adjacent words ("INV 123" -> "INV123"), and digit runs of >= 4 digits.
 * Only keys holding a digit and at least 3 characters are kept; duplicates are dropped
 * (the first source wins). Fills *out. */
void norm_ref_keys(const char *ref, size_t ref_len, const char *memo, size_t memo_len,
                   struct norm_keys *out);

/* Flags for norm_name. */
enum norm_name_flags {
	NORM_NAME_KEEP_SUFFIX = 1   /* keep legal suffixes and "The" (for truncation checks) */
};

/* Writes the normalised form of a company or person name: Latin accents folded to ASCII
 * (and the bank spellings AE/OE/UE collapsed so that "Müller" = "Mueller"), upper case,
 * '.' and '\'' removed, other punctuation a space, '&' and '+' = "AND", and, und, och, og
 * = "AND", common abbreviations spelled out (Ets, Cie, Sté, Gebr., Bros, Intl, Mfg, ...),
 * legal suffixes (Inc, LLC, Ltd, GmbH, AG, SA, BV, Corp, Co, PLC, Oy, AB, SARL, SpA, ...)
 * and "The" dropped, words separated by one space. Returns its length (<= cap-1). */
size_t norm_name(const char *s, size_t len, char *out, size_t cap, int flags);

/* Writes s folded to upper-case ASCII (Latin letters lose accents, ß -> SS, other
 * non-ASCII characters become spaces). Returns its length (<= cap-1). */
size_t norm_fold_ascii(const char *s, size_t len, char *out, size_t cap);

#endif
