/* String similarity for matching: Jaro-Winkler, bounded Damerau-Levenshtein, token sets,
 * and the payer-name score built from them. Pure functions, no allocation. */
#ifndef PAYMATCH_SIMILARITY_H
#define PAYMATCH_SIMILARITY_H

#include <stddef.h>

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

#endif
