/* Primitives of SLMP/1 (spec 1, 3) on mbedTLS 2.28, without heap use of our own. Internal header. */
#ifndef SLMP_CRYPTO_H
#define SLMP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "slmp.h"

#define SLMP_HASH_LEN 32
#define SLMP_FERNET_OVERHEAD 57 /* 0x80 + u64 + iv[16] + hmac[32] */
#define SLMP_TAG_LEN 16

/* One input of a multi-part hash or MAC. */
typedef struct slmp_part {
  const uint8_t *p;
  size_t n;
} slmp_part;

/* 1 if a[0..n) == b[0..n), in time that depends on n only. */
int slmp_ct_memeq(const uint8_t *a, const uint8_t *b, size_t n);

void slmp_sha256(const slmp_part *parts, size_t count, uint8_t out[SLMP_HASH_LEN]);
void slmp_hmac(const uint8_t *key, size_t key_len, const slmp_part *parts, size_t count, uint8_t out[SLMP_HASH_LEN]);
/* HKDF-SHA256 (RFC 5869). expand with n == 0 writes nothing (spec 1). info = label("name") || extra. */
void slmp_hkdf_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len, uint8_t prk[32]);
void slmp_hkdf_expand(const uint8_t *prk, size_t prk_len, const slmp_part *info, size_t info_count, uint8_t *out,
                      size_t n);
void slmp_hkdf_expand_label(const uint8_t prk[32], const char *label, const uint8_t *extra, size_t extra_len,
                            uint8_t *out, size_t n);

/* Suite parameters (spec 3); 0 for a suite unknown or compiled out. */
int slmp_suite_supported(uint8_t suite);
size_t slmp_suite_pub_len(uint8_t suite); /* 65 or 32 */
size_t slmp_suite_key_len(uint8_t suite); /* 32, 16 or 32 */
size_t slmp_suite_iv_len(uint8_t suite);  /* 0, 12, 12 */
/* The bytes seal() adds to a plaintext of n bytes with aad_len bytes of aad. */
size_t slmp_sealed_len(uint8_t suite, size_t aad_len, size_t n);

/* Group operations. Return 0, SLMP_ERR_ARG for an invalid public key (spec 3.1: the caller answers
 * PROTOCOL_ERROR) or an out-of-range private key, SLMP_ERR_CRYPTO when mbedTLS fails otherwise. */
int slmp_dh_public(uint8_t suite, const uint8_t priv[32], uint8_t *pub);
int slmp_dh_check_public(uint8_t suite, const uint8_t *pub, size_t len);
int slmp_dh(uint8_t suite, const uint8_t priv[32], const uint8_t *pub, size_t pub_len, uint8_t out[32]);
/* 1 when a random 32-byte string is a valid private key of the suite's group (P-256: 1 <= d < n). */
int slmp_dh_private_ok(uint8_t suite, const uint8_t priv[32]);

/* nonce = iv XOR (0^8 || u32(seq)) (spec 3.2). */
void slmp_aead_nonce(const uint8_t iv[12], uint32_t seq, uint8_t nonce[12]);

/*
 * seal(K, seq, aad, plaintext) of spec 3.2, written to out (which may hold the plaintext already at
 * out + slmp_seal_plain_offset(suite), so nothing is copied). Fernet draws its iv from random and its timestamp
 * from now. Returns the output length, or 0 on failure.
 */
size_t slmp_seal_plain_offset(uint8_t suite, size_t aad_len);
size_t slmp_seal(uint8_t suite, const slmp_keys *k, uint32_t seq, const uint8_t *aad, size_t aad_len,
                 size_t plain_len, uint8_t *out, int (*random)(void *, uint8_t *, size_t),
                 uint64_t (*now)(void *), void *ctx);
/* open(): decrypts in[0..len) in place; on success *plain points at the plaintext (after the aad, which it
 * checked for Fernet) and returns its length. Returns -1 when it does not open. */
long slmp_open(uint8_t suite, const slmp_keys *k, uint32_t seq, const uint8_t *aad, size_t aad_len, uint8_t *in,
               size_t len, uint8_t **plain);

#endif
