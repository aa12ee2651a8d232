/* SHA-256 (FIPS 180-4), streaming: file fingerprints for skipping unchanged re-imports. */
#ifndef PAYMATCH_SHA256_H
#define PAYMATCH_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64

struct sha256_ctx {
	uint32_t h[8];          /* chaining state */
	uint64_t total;         /* bytes hashed so far */
	uint8_t block[64];      /* pending partial block */
	size_t fill;            /* bytes in block */
};

/* Starts a new hash in ctx. */
void sha256_init(struct sha256_ctx *ctx);

/* Hashes len more bytes of data (data may be NULL when len is 0). */
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);

/* Finishes the hash into out; ctx must be re-initialised before reuse. */
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_LEN]);

/* Writes digest as 64 lower-case hex digits and a NUL into out; returns out. */
char *sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char out[SHA256_HEX_LEN + 1]);

/* Finishes the hash straight into lower-case hex (sha256_final + sha256_hex); returns out. */
char *sha256_final_hex(struct sha256_ctx *ctx, char out[SHA256_HEX_LEN + 1]);

/* Hashes len bytes of data in one call into out. */
void sha256_buf(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);

#endif
