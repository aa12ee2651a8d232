/* Specification of sha256: the FIPS 180-4 example vectors and streaming in pieces. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/sha256.h"

static const char *hex_of(const void *data, size_t len)
{
	static char hex[SHA256_HEX_LEN + 1];
	uint8_t digest[SHA256_DIGEST_LEN];

	sha256_buf(data, len, digest);
	return sha256_hex(digest, hex);
}

static void test_sha256_empty_message(void **state)
{
	(void)state;
	assert_string_equal(hex_of("", 0),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_sha256_fips_abc(void **state)
{
	(void)state;
	assert_string_equal(hex_of("abc", 3),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_sha256_fips_448_bit_message(void **state)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	assert_int_equal(strlen(m), 56);
	assert_string_equal(hex_of(m, strlen(m)),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256_fips_896_bit_message(void **state)
{
	const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	                "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	(void)state;
	assert_string_equal(hex_of(m, strlen(m)),
	    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha256_fips_one_million_a(void **state)
{
	struct sha256_ctx ctx;
	char chunk[1000];
	char hex[SHA256_HEX_LEN + 1];

	(void)state;
	memset(chunk, 'a', sizeof chunk);
	sha256_init(&ctx);
	for (int i = 0; i < 1000; i++)
		sha256_update(&ctx, chunk, sizeof chunk);
	assert_string_equal(sha256_final_hex(&ctx, hex),
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around the padding boundary: 55 bytes leave room for the length, 56 do not. */
static void test_sha256_padding_boundaries(void **state)
{
	char a[64];

	(void)state;
	memset(a, 'a', sizeof a);
	assert_string_equal(hex_of(a, 55),
	    "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	assert_string_equal(hex_of(a, 56),
	    "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	assert_string_equal(hex_of(a, 64),
	    "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

static void test_sha256_streaming_in_odd_pieces_equals_one_call(void **state)
{
	size_t len = 1000;
	unsigned char *data = malloc(len);
	struct sha256_ctx ctx;
	char one[SHA256_HEX_LEN + 1], pieces[SHA256_HEX_LEN + 1];
	size_t off = 0, step = 0;

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < len; i++)
		data[i] = (unsigned char)(i * 131 + 7);
	memcpy(one, hex_of(data, len), sizeof one);
	sha256_init(&ctx);
	while (off < len) {
		size_t n = (step++ % 67) + 1;

		if (n > len - off)
			n = len - off;
		sha256_update(&ctx, data + off, n);
		off += n;
	}
	sha256_update(&ctx, NULL, 0);
	assert_string_equal(sha256_final_hex(&ctx, pieces), one);
	free(data);
}

static void test_sha256_hex_is_lower_case(void **state)
{
	uint8_t digest[SHA256_DIGEST_LEN];
	char hex[SHA256_HEX_LEN + 1];

	(void)state;
	memset(digest, 0xAB, sizeof digest);
	digest[0] = 0x01;
	sha256_hex(digest, hex);
	assert_int_equal(strlen(hex), 64);
	assert_memory_equal(hex, "01abab", 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_empty_message),
		cmocka_unit_test(test_sha256_fips_abc),
		cmocka_unit_test(test_sha256_fips_448_bit_message),
		cmocka_unit_test(test_sha256_fips_896_bit_message),
		cmocka_unit_test(test_sha256_fips_one_million_a),
		cmocka_unit_test(test_sha256_padding_boundaries),
		cmocka_unit_test(test_sha256_streaming_in_odd_pieces_equals_one_call),
		cmocka_unit_test(test_sha256_hex_is_lower_case),
	};

	return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
