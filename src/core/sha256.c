/* SHA-256 after FIPS 180-4. Every imported file is hashed on the import's reader thread,
 * so the rounds must keep up with the CSV parser (~500 MB/s). */
#include <string.h>

#include "paymatch/sha256.h"

/* First 32 bits of the fractional parts of the cube roots of the first 64 primes (§4.2.2). */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

/* First 32 bits of the fractional parts of the square roots of the first 8 primes (§5.3.3). */
static const uint32_t H0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Builds the message schedule W (§6.2.2 step 1). */
static void expand(const uint8_t block[64], uint32_t w[64])
{
	for (int t = 0; t < 16; t++)
		w[t] = load_be32(block + 4 * t);
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);

		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
}

/* One round (§6.2.2 step 3) with the working variables a..h renamed instead of moved:
 * ROUND(a,b,c,d,e,f,g,h) updates d and h, and the next round passes the names shifted by
 * one, so eight rounds bring every name back to its place. Moving the eight words every
 * round (the textbook loop) cost a memmove per round and ran at ~150 MB/s. */
#define ROUND(a, b, c, d, e, f, g, h, t) do { \
	uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + \
	              K[t] + w[t]; \
	uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c)); \
	d += t1; \
	h = t1 + t2; \
} while (0)

/* Runs the 64 rounds over one 512-bit block (§6.2.2 steps 2-4). */
static void compress(uint32_t h[8], const uint8_t block[64])
{
	uint32_t w[64];
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];

	expand(block, w);
	for (int t = 0; t < 64; t += 8) {
		ROUND(a, b, c, d, e, f, g, k, t);
		ROUND(k, a, b, c, d, e, f, g, t + 1);
		ROUND(g, k, a, b, c, d, e, f, t + 2);
		ROUND(f, g, k, a, b, c, d, e, t + 3);
		ROUND(e, f, g, k, a, b, c, d, t + 4);
		ROUND(d, e, f, g, k, a, b, c, t + 5);
		ROUND(c, d, e, f, g, k, a, b, t + 6);
		ROUND(b, c, d, e, f, g, k, a, t + 7);
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += k;
}

void sha256_init(struct sha256_ctx *ctx)
{
	memcpy(ctx->h, H0, sizeof ctx->h);
	ctx->total = 0;
	ctx->fill = 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (len == 0)
		return;     /* data may be NULL, and memcpy must not see it */
	ctx->total += len;
	if (ctx->fill > 0) {
		size_t take = 64 - ctx->fill < len ? 64 - ctx->fill : len;

		memcpy(ctx->block + ctx->fill, p, take);
		ctx->fill += take;
		p += take;
		len -= take;
		if (ctx->fill < 64)
			return;
		compress(ctx->h, ctx->block);
		ctx->fill = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		compress(ctx->h, p);
	if (len > 0)
		memcpy(ctx->block, p, len);
	ctx->fill = len;
}

/* Pads with 0x80, zeros and the 64-bit big-endian bit length (§5.1.1). */
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_LEN])
{
	uint64_t bits = ctx->total * 8;

	ctx->block[ctx->fill++] = 0x80;
	if (ctx->fill > 56) {
		memset(ctx->block + ctx->fill, 0, 64 - ctx->fill);
		compress(ctx->h, ctx->block);
		ctx->fill = 0;
	}
	memset(ctx->block + ctx->fill, 0, 56 - ctx->fill);
	store_be32(ctx->block + 56, (uint32_t)(bits >> 32));
	store_be32(ctx->block + 60, (uint32_t)bits);
	compress(ctx->h, ctx->block);
	for (int i = 0; i < 8; i++)
		store_be32(out + 4 * i, ctx->h[i]);
	memset(ctx, 0, sizeof *ctx);
}

char *sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char out[SHA256_HEX_LEN + 1])
{
	static const char HEX[] = "0123456789abcdef";

	for (int i = 0; i < SHA256_DIGEST_LEN; i++) {
		out[2 * i] = HEX[digest[i] >> 4];
		out[2 * i + 1] = HEX[digest[i] & 15];
	}
	out[SHA256_HEX_LEN] = '\0';
	return out;
}

char *sha256_final_hex(struct sha256_ctx *ctx, char out[SHA256_HEX_LEN + 1])
{
	uint8_t digest[SHA256_DIGEST_LEN];

	sha256_final(ctx, digest);
	return sha256_hex(digest, out);
}

void sha256_buf(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, out);
}
