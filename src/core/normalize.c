/* Reference and name normalisers (see normalize.h). Byte-level, allocation-free: they run
 * once per payment per worker in the matching hot path. */
#include <ctype.h>
#include <string.h>

#include "paymatch/normalize.h"
#include "paymatch/utf8.h"

/* ASCII bases of U+00C0..U+00FF; '*' marks ß (two letters), ' ' marks signs. */
static const char LATIN1_BASE[] =
	"AAAAAAACEEEEIIIIDNOOOOO OUUUUYT*"
	"AAAAAAACEEEEIIIIDNOOOOO OUUUUYTY";

/* ASCII bases of U+0100..U+017F (Latin Extended-A), in code point order. */
static const char LATIN_EXT_A_BASE[] =
	"AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIIIIIJJKKKLLLLLLLLLLNNNNNNNNN"
	"OOOOOOOORRRRRRSSSSSSSSTTTTTTUUUUUUUUUUUUWWYYYZZZZZZS";

_Static_assert(sizeof LATIN1_BASE == 65, "Latin-1 table covers U+00C0..U+00FF");
_Static_assert(sizeof LATIN_EXT_A_BASE == 129, "Latin Extended-A table covers 128 points");

/* Returns the ASCII base of cp (upper case), '*' for ß, or 0 when it has none. */
static char fold_cp(uint32_t cp)
{
	if (cp < 0x80)
		return (char)toupper((int)cp);
	if (cp >= 0xC0 && cp <= 0xFF)
		return LATIN1_BASE[cp - 0xC0] == ' ' ? 0 : LATIN1_BASE[cp - 0xC0];
	if (cp >= 0x100 && cp <= 0x17F)
		return LATIN_EXT_A_BASE[cp - 0x100];
	if (cp == 0x1E9E)
		return '*';
	return 0;
}

size_t norm_fold_ascii(const char *s, size_t len, char *out, size_t cap)
{
	size_t i = 0, o = 0;

	if (cap == 0)
		return 0;
	while (i < len && o + 1 < cap) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		char c;

		if (n == 0) {   /* invalid byte: a separator */
			out[o++] = ' ';
			i++;
			continue;
		}
		i += n;
		c = fold_cp(cp);
		if (c == '*') {
			out[o++] = 'S';
			if (o + 1 < cap)
				out[o++] = 'S';
		} else {
			out[o++] = c ? c : ' ';
		}
	}
	out[o] = '\0';
	return o;
}

size_t norm_ref_key(const char *s, size_t len, char *out, size_t cap)
{
	char buf[256];
	size_t n, o = 0;

	n = norm_fold_ascii(s, len < 200 ? len : 200, buf, sizeof buf);
	for (size_t i = 0; i < n && o + 1 < cap; i++)
		if (isalnum((unsigned char)buf[i]))
			out[o++] = buf[i];
	if (cap)
		out[o] = '\0';
	return o;
}

size_t norm_ref_prefix_len(const char *key, size_t len)
{
	size_t i = 0;

	while (i < len && isalpha((unsigned char)key[i]))
		i++;
	return i;
}

int norm_all_digits(const char *key, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)key[i]))
			return 0;
	return len > 0;
}

size_t norm_ref_core(const char *key, size_t len, char *out, size_t cap)
{
	size_t i = norm_ref_prefix_len(key, len), o = 0;

	while (i < len && key[i] == '0')
		i++;
	/* memmove semantics: out may alias key, and i >= o always holds. */
	for (; i < len && o + 1 < cap; i++)
		out[o++] = key[i];
	if (cap)
		out[o] = '\0';
	return o;
}

size_t norm_ref_digits(const char *key, size_t len, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < cap; i++)
		if (isdigit((unsigned char)key[i]))
			out[o++] = key[i];
	if (cap)
		out[o] = '\0';
	return o;
}

/* Adds key to out unless it is too short, has no digit, or is already there. */
static void keys_add(struct norm_keys *out, const char *key, size_t len, int src)
{
	int digit = 0;

	if (len < 3 || out->n >= NORM_MAX_KEYS)
		return;
	if (len >= NORM_KEY_MAX)
		len = NORM_KEY_MAX - 1;
	for (size_t i = 0; i < len && !digit; i++)
		digit = isdigit((unsigned char)key[i]);
	if (!digit)
		return;
	for (int k = 0; k < out->n; k++)
		if (out->len[k] == len && memcmp(out->key[k], key, len) == 0)
			return;
	memcpy(out->key[out->n], key, len);
	out->key[out->n][len] = '\0';
	out->len[out->n] = (uint8_t)len;
	out->src[out->n] = (uint8_t)src;
	out->n++;
}

/* Adds every digit run of >= 4 digits of key (the numeric part of a mangled reference). */
static void keys_add_runs(struct norm_keys *out, const char *key, size_t len, int src)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;

		while (j < len && isdigit((unsigned char)key[j]))
			j++;
		if (j - i >= 4 && j - i < len)
			keys_add(out, key + i, j - i, src);
		i = j > i ? j : i + 1;
	}
}

#define MAX_WORDS 48

/* Splits folded text into words at spaces and list punctuation; a word keeps '-', '/',
 * '.' inside it so that "INV-2026/001" stays one word. */
static int split_words(const char *t, size_t n, size_t *start, size_t *wlen)
{
	int nw = 0;
	size_t i = 0;

	while (i < n && nw < MAX_WORDS) {
		while (i < n && strchr(" ,;:()[]{}#\"'*+=|\\<>!?\t", t[i]) && t[i])
			i++;
		if (i >= n)
			break;
		start[nw] = i;
		while (i < n && !strchr(" ,;:()[]{}#\"'*+=|\\<>!?\t", t[i]))
			i++;
		wlen[nw] = i - start[nw];
		nw++;
	}
	for (int w = 0; w < nw; w++) {
		/* a trailing '.' ends a sentence, not a reference */
		while (wlen[w] && t[start[w] + wlen[w] - 1] == '.')
			wlen[w]--;
	}
	return nw;
}

/* A reference printed in groups ("RF18 5390 0754 7034", IBAN style) spans more words than
 * the 2-3 word joins reach: joins each suffix of more than three words of a run of short
 * words (at most 4 characters each), so that a group run after other text still yields the
 * reference whole. */
static void keys_add_groups(struct norm_keys *out, char wk[][NORM_KEY_MAX], const size_t *kl,
                            int nw, int src)
{
	int w = 0;

	while (w < nw) {
		int end = w;

		while (end < nw && kl[end] > 0 && kl[end] <= 4)
			end++;
		for (int st = w; end - st > 3; st++) {
			char join[NORM_KEY_MAX];
			size_t jl = 0;

			for (int k = st; k < end && jl + kl[k] < NORM_KEY_MAX; k++) {
				memcpy(join + jl, wk[k], kl[k]);
				jl += kl[k];
			}
			keys_add(out, join, jl, src);
		}
		w = end > w ? end : w + 1;
	}
}

/* Adds the keys of one text: words, joins of 2-3 words, grouped references, digit runs. */
static void keys_from_text(struct norm_keys *out, const char *s, size_t len, int src_word,
                           int src_part)
{
	char t[512], wk[MAX_WORDS][NORM_KEY_MAX], join[3 * NORM_KEY_MAX];
	size_t start[MAX_WORDS], wlen[MAX_WORDS], kl[MAX_WORDS];
	size_t n = norm_fold_ascii(s, len < 500 ? len : 500, t, sizeof t);
	int nw = split_words(t, n, start, wlen);

	for (int w = 0; w < nw; w++) {
		kl[w] = norm_ref_key(t + start[w], wlen[w], wk[w], sizeof wk[w]);
		keys_add(out, wk[w], kl[w], src_word);
	}
	for (int w = 0; w + 1 < nw; w++) {
		size_t jl = kl[w] + kl[w + 1];

		memcpy(join, wk[w], kl[w]);
		memcpy(join + kl[w], wk[w + 1], kl[w + 1]);
		if (jl < NORM_KEY_MAX)
			keys_add(out, join, jl, src_part);
		if (w + 2 < nw && jl + kl[w + 2] < NORM_KEY_MAX) {
			memcpy(join + jl, wk[w + 2], kl[w + 2]);
			keys_add(out, join, jl + kl[w + 2], src_part);
		}
	}
	keys_add_groups(out, wk, kl, nw, src_word);
	for (int w = 0; w < nw; w++)
		keys_add_runs(out, wk[w], kl[w], src_part);
}

void norm_ref_keys(const char *ref, size_t ref_len, const char *memo, size_t memo_len,
                   struct norm_keys *out)
{
	out->n = 0;
	if (ref && ref_len)
		keys_from_text(out, ref, ref_len, NORM_SRC_REF, NORM_SRC_REF_PART);
	if (memo && memo_len)
		keys_from_text(out, memo, memo_len, NORM_SRC_MEMO, NORM_SRC_MEMO);
}

/* A word of a table below with its length, compared by length and first letter first:
 * norm_name looks up every word of every name (2M at 1M + 1M). */
struct word_entry {
	const char *w;
	size_t len;
	const char *as;            /* NAME_WORDS: how to write it */
	size_t as_len;
};

#define WORD(s) { s, sizeof s - 1, NULL, 0 }
#define SPELL(s, as) { s, sizeof s - 1, as, sizeof as - 1 }

static const struct word_entry DROPPED_WORDS[] = {
	WORD("THE"), WORD("INC"), WORD("INCORPORATED"), WORD("LLC"), WORD("LLP"), WORD("LP"),
	WORD("PLLC"), WORD("LTD"), WORD("LIMITED"), WORD("GMBH"), WORD("MBH"), WORD("AG"),
	WORD("AKTIENGESELLSCHAFT"), WORD("UG"), WORD("HAFTUNGSBESCHRANKT"),
	WORD("HAFTUNGSBESCHRAENKT"), WORD("OHG"), WORD("KG"), WORD("KGAA"), WORD("EK"),
	WORD("EG"), WORD("SA"), WORD("SAU"), WORD("SNC"), WORD("SCS"), WORD("SCA"), WORD("EURL"),
	WORD("SASU"), WORD("SCOP"), WORD("BV"), WORD("BVBA"), WORD("SPRL"), WORD("NV"),
	WORD("CORP"), WORD("CORPORATION"), WORD("CO"), WORD("PLC"), WORD("OY"), WORD("OYJ"),
	WORD("AB"), WORD("AKTIEBOLAG"), WORD("APS"), WORD("ASA"), WORD("SARL"), WORD("SAS"),
	WORD("SPA"), WORD("SRL"), WORD("LDA"), WORD("PTY"), WORD("SL"), WORD("SLU"), WORD("SE"),
	{ NULL, 0, NULL, 0 }
};

/* Returns the index of w (n bytes) in table, -1 when it is not there. */
static int word_index(const struct word_entry *table, const char *w, size_t n)
{
	for (int i = 0; table[i].w; i++)
		if (table[i].len == n && table[i].w[0] == w[0] && memcmp(table[i].w, w, n) == 0)
			return i;
	return -1;
}

static int dropped_word(const char *w, size_t n)
{
	return word_index(DROPPED_WORDS, w, n) >= 0;
}

/* Words written the same company's name two ways: the abbreviations banks and ERPs use for
 * the same word, and "and" in the languages of the names ('&' and '+' are AND already). A
 * payer "ETS PROVENCE" is Établissements Provence; "BECKER UND SCHWARZ" Becker & Schwarz. */
static const struct word_entry NAME_WORDS[] = {
	SPELL("ETS", "ETABLISSEMENTS"), SPELL("ETABL", "ETABLISSEMENTS"), SPELL("CIE", "COMPAGNIE"),
	SPELL("STE", "SOCIETE"), SPELL("GEBR", "GEBRUEDER"), SPELL("BROS", "BROTHERS"),
	SPELL("INTL", "INTERNATIONAL"), SPELL("NATL", "NATIONAL"), SPELL("MFG", "MANUFACTURING"),
	SPELL("SVCS", "SERVICES"), SPELL("GRP", "GROUP"), SPELL("HLDGS", "HOLDINGS"),
	SPELL("ASSOC", "ASSOCIATES"), SPELL("ET", "AND"), SPELL("UND", "AND"), SPELL("OCH", "AND"),
	SPELL("OG", "AND"), { NULL, 0, NULL, 0 }
};

/* The word to write for w (n bytes) and its length in *wn: its spelling in NAME_WORDS or w. */
static const char *name_word(const char *w, size_t n, size_t *wn)
{
	int i = word_index(NAME_WORDS, w, n);

	*wn = i >= 0 ? NAME_WORDS[i].as_len : n;
	return i >= 0 ? NAME_WORDS[i].as : w;
}

/* Appends word w (n bytes) to out at *o with the AE/OE/UE bank spellings collapsed. */
static void put_word(const char *w, size_t n, char *out, size_t cap, size_t *o)
{
	if (*o && *o + 1 < cap)
		out[(*o)++] = ' ';
	for (size_t i = 0; i < n && *o + 1 < cap; i++) {
		out[(*o)++] = w[i];
		if (i + 1 < n && w[i + 1] == 'E' && (w[i] == 'A' || w[i] == 'O' || w[i] == 'U'))
			i++;
	}
}

/* Folds s and turns punctuation into spaces ('.' and '\'' vanish, '&' is AND). */
static size_t name_clean(const char *s, size_t len, char *t, size_t cap)
{
	char f[512];
	size_t n = norm_fold_ascii(s, len < 400 ? len : 400, f, sizeof f), o = 0;

	for (size_t i = 0; i < n && o + 6 < cap; i++) {
		unsigned char c = (unsigned char)f[i];

		if (isalnum(c))
			t[o++] = (char)c;
		else if (c == '&' || c == '+') {   /* SWIFT has no '&': banks write '+' */
			memcpy(t + o, " AND ", 5);
			o += 5;
		} else if (c != '.' && c != '\'')
			t[o++] = ' ';
	}
	t[o] = '\0';
	return o;
}

size_t norm_name(const char *s, size_t len, char *out, size_t cap, int flags)
{
	char t[1024];
	size_t n = name_clean(s, len, t, sizeof t), o = 0, kept = 0, i = 0;

	if (cap == 0)
		return 0;
	for (int pass = 0; pass < 2 && o == 0; pass++) {
		/* pass 1 keeps every word: a name made only of dropped words stays itself */
		for (i = 0; i < n;) {
			size_t st, wl;
			const char *w;

			while (i < n && t[i] == ' ')
				i++;
			st = i;
			while (i < n && t[i] != ' ')
				i++;
			wl = i - st;
			if (!wl)
				continue;
			if (pass == 0 && !(flags & NORM_NAME_KEEP_SUFFIX) && dropped_word(t + st, wl))
				continue;
			w = name_word(t + st, wl, &wl);
			put_word(w, wl, out, cap, &o);
			kept++;
		}
	}
	(void)kept;
	out[o] = '\0';
	return o;
}
