/* String similarity for matching: Jaro-Winkler, bounded Damerau-Levenshtein, token sets,
 * and the payer-name score built from them. Pure functions, no allocation. */
#ifndef PAYMATCH_SIMILARITY_H
#define PAYMATCH_SIMILARITY_H

#include <stddef.h>
#include <stdint.h>

/* Strings longer than this are compared on their first SIM_MAX_LEN bytes. */
#define SIM_MAX_LEN 128

/* Returns the Jaro similarity of a and b in [0,1] (1 = equal; two empty strings = 1). */
double sim_jaro(const char *a, size_t la, const char *b, size_t lb);

/* Returns the Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4) in [0,1]. */
double sim_jaro_winkler(const char *a, size_t la, const char *b, size_t lb);

/* Returns the optimal-string-alignment distance (Damerau-Levenshtein with adjacent
 * transpositions, each substring edited once) of a and b when it is <= k, else k + 1.
 * Stops early once every path exceeds k. */
int sim_osa_bounded(const char *a, size_t la, const char *b, size_t lb, int k);

/* Returns the token-set similarity of two space-separated token lists in [0,1]: each token
 * of the shorter list pairs with its best unused token of the other (equal = 1, else its
 * Jaro-Winkler when >= 0.9, else 0), and the sum is scaled as a Dice coefficient
 * 2*sum/(na+nb). Order does not matter ("PETER MURDOCH" = "MURDOCH PETER"). */
double sim_token_set(const char *a, size_t la, const char *b, size_t lb);

/* Returns the similarity of a payer name and a customer name, both normalised with
 * norm_name: the best of Jaro-Winkler on the whole names and the token-set score; and 0.97
 * when the payer (>= 10 characters) is a prefix of the customer's name as banks truncate
 * names at 18 or 35 characters. a_full/b_full are the forms with suffixes kept (may be
 * NULL), used for the truncation check. */
double sim_name(const char *a, size_t la, const char *b, size_t lb, const char *a_full,
                size_t la_full, const char *b_full, size_t lb_full);

/* Token lists are compared on their first SIM_MAX_TOKENS tokens. */
#define SIM_MAX_TOKENS 16

/* What sim_name_bound needs to know of a name, computed once per name: character counts
 * (32 buckets) of its first SIM_MAX_LEN bytes, its length and its token count. */
struct sim_sig {
	uint8_t hist[32];
	uint16_t len;
	uint8_t ntok;
};

/* One token of a name: its length, a hash and the set of its characters (64 buckets). */
struct sim_tok {
	uint64_t mask;
	uint32_t hash;
	uint16_t len;
};

/* Fills sig and tok[0..sig->ntok) (room for SIM_MAX_TOKENS) for the name s[0..n). */
void sim_sig_make(const char *s, size_t n, struct sim_sig *sig, struct sim_tok *tok);

/* Returns an upper bound of the larger of sim_jaro_winkler(a, b) and sim_token_set(a, b)
 * from their signatures; never below either. Of a and b it reads only the common prefix
 * (at most 4 bytes, and not beyond la or lb). */
double sim_name_bound(const char *a, size_t la, const struct sim_sig *sa,
                      const struct sim_tok *ta, const char *b, size_t lb,
                      const struct sim_sig *sb, const struct sim_tok *tb);

#endif
