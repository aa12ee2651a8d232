/* Unit tests for the reference and name normalisers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/normalize.h"

static const char *name(const char *s, int flags)
{
	static char buf[256];

	norm_name(s, strlen(s), buf, sizeof buf, flags);
	return buf;
}

static int has_key(const struct norm_keys *k, const char *key)
{
	for (int i = 0; i < k->n; i++)
		if (strcmp(k->key[i], key) == 0)
			return 1;
	return 0;
}

static void test_ref_key_keeps_letters_and_digits_upper(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(norm_ref_key("inv-2026/000123", 15, out, sizeof out), 13);
	assert_string_equal(out, "INV2026000123");
	norm_ref_key(" Rechnung Nr. Ä-12 ", 19, out, sizeof out);
	assert_string_equal(out, "RECHNUNGNRA12");
}

static void test_ref_core_drops_prefix_and_leading_zeros(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(norm_ref_core("INV000123", 9, out, sizeof out), 3);
	assert_string_equal(out, "123");
	norm_ref_core("INV2026000123", 13, out, sizeof out);
	assert_string_equal(out, "2026000123");
	assert_int_equal(norm_ref_core("INV", 3, out, sizeof out), 0);
	norm_ref_core("2026INV01", 9, out, sizeof out);
	assert_string_equal(out, "2026INV01");
}

static void test_ref_digits_and_prefix(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(norm_ref_digits("INV2026A0001", 12, out, sizeof out), 8);
	assert_string_equal(out, "20260001");
	assert_int_equal(norm_ref_prefix_len("INV123", 6), 3);
	assert_true(norm_all_digits("0123", 4));
	assert_false(norm_all_digits("01A3", 4));
}

static void test_ref_keys_join_words_and_digit_runs(void **state)
{
	struct norm_keys k;
	const char *memo = "PAYMENT INV 2026 000124 THANK YOU";

	(void)state;
	norm_ref_keys("", 0, memo, strlen(memo), &k);
	assert_true(has_key(&k, "INV2026000124"));
	assert_true(has_key(&k, "2026000124"));
	assert_true(has_key(&k, "000124"));
	assert_false(has_key(&k, "PAYMENT"));   /* no digit: never a reference */
}

static void test_ref_keys_split_reference_lists(void **state)
{
	struct norm_keys k;
	const char *ref = "INV-1001;INV-1002, INV-1003";

	(void)state;
	norm_ref_keys(ref, strlen(ref), NULL, 0, &k);
	assert_true(has_key(&k, "INV1001"));
	assert_true(has_key(&k, "INV1002"));
	assert_true(has_key(&k, "INV1003"));
	assert_int_equal(k.src[0], NORM_SRC_REF);
}

/* An ISO 11649 reference printed in groups of four spans more words than the 2-3 word joins:
 * the field and a memo naming it after other words both yield it whole (missed before). */
static void test_ref_keys_join_grouped_reference(void **state)
{
	struct norm_keys k;
	const char *ref = "RF58 7257 5752 4493";
	const char *memo = "Lasku RF88 7257 5754 4905 kiitos";

	(void)state;
	norm_ref_keys(ref, strlen(ref), memo, strlen(memo), &k);
	assert_true(has_key(&k, "RF58725757524493"));
	assert_true(has_key(&k, "RF88725757544905"));
	assert_int_equal(k.src[0], NORM_SRC_REF);
}

static void test_ref_keys_drop_sentence_dot(void **state)
{
	struct norm_keys k;
	const char *memo = "see INV-77.";

	(void)state;
	norm_ref_keys(NULL, 0, memo, strlen(memo), &k);
	assert_true(has_key(&k, "INV77"));
	assert_int_equal(k.src[0], NORM_SRC_MEMO);
}

static void test_name_drops_suffixes_and_the(void **state)
{
	(void)state;
	assert_string_equal(name("The Acme Industrial Supply, Inc.", 0), "ACME INDUSTRIAL SUPPLY");
	assert_string_equal(name("Brown & Sons Ltd", 0), "BROWN AND SONS");
	assert_string_equal(name("Nordic Oy", 0), "NORDIC");
	assert_string_equal(name("Ferro S.p.A.", 0), "FERRO");
	assert_string_equal(name("Van Dijk B.V.", 0), "VAN DIJK");
	assert_string_equal(name("Acme Corp", NORM_NAME_KEEP_SUFFIX), "ACME CORP");
}

static void test_name_folds_accents_and_bank_spellings(void **state)
{
	char a[64];

	(void)state;
	strcpy(a, name("Müller GmbH", 0));
	assert_string_equal(a, name("MUELLER", 0));
	assert_string_equal(name("Société Générale SA", 0), "SOCIETE GENERALE");
	assert_string_equal(name("Straße AG", 0), "STRASSE");
	assert_string_equal(name("Łódź Sp", 0), "LODZ SP");
}

static void test_name_spells_out_abbreviations_and_and(void **state)
{
	char a[64];

	(void)state;
	strcpy(a, name("Établissements Provence SNC", 0));
	assert_string_equal(a, name("ETS PROVENCE", 0));
	assert_string_equal(a, name("Ets. Provence", 0));
	assert_string_equal(name("Cie Générale d'Imprimerie", 0), "COMPAGNIE GENERALE DIMPRIMERIE");
	assert_string_equal(name("Sté Méridionale", 0), "SOCIETE MERIDIONALE");
	/* SWIFT has no '&': the bank's '+' and the words for "and" are AND */
	assert_string_equal(name("RASMUSSEN + LEHTONEN AB", 0), "RASMUSSEN AND LEHTONEN");
	assert_string_equal(name("Becker und Schwarz", 0), "BECKER AND SCHWARZ");
	assert_string_equal(name("Dupont et Fils", 0), "DUPONT AND FILS");
	assert_string_equal(name("Acme Intl Mfg", 0), "ACME INTERNATIONAL MANUFACTURING");
	/* only whole words: STEEL, BROSE and ETSY stay */
	assert_string_equal(name("Ste Steel Brose Etsy", 0), "SOCIETE STEEL BROSE ETSY");
}

static void test_name_of_only_suffixes_is_kept(void **state)
{
	(void)state;
	assert_string_equal(name("AB", 0), "AB");
	assert_string_equal(name("", 0), "");
}

static void test_fold_ascii_handles_invalid_bytes(void **state)
{
	char out[32];

	(void)state;
	norm_fold_ascii("a\xff" "b", 3, out, sizeof out);
	assert_string_equal(out, "A B");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref_key_keeps_letters_and_digits_upper),
		cmocka_unit_test(test_ref_core_drops_prefix_and_leading_zeros),
		cmocka_unit_test(test_ref_digits_and_prefix),
		cmocka_unit_test(test_ref_keys_join_words_and_digit_runs),
		cmocka_unit_test(test_ref_keys_split_reference_lists),
		cmocka_unit_test(test_ref_keys_join_grouped_reference),
		cmocka_unit_test(test_ref_keys_drop_sentence_dot),
		cmocka_unit_test(test_name_drops_suffixes_and_the),
		cmocka_unit_test(test_name_folds_accents_and_bank_spellings),
		cmocka_unit_test(test_name_spells_out_abbreviations_and_and),
		cmocka_unit_test(test_name_of_only_suffixes_is_kept),
		cmocka_unit_test(test_fold_ascii_handles_invalid_bytes),
	};
	return cmocka_run_group_tests_name("normalize", tests, NULL, NULL);
}
