/* seal() and open() of spec 3.2: binary Fernet (suite 1), AES-128-GCM (suite 2), ChaCha20-Poly1305 (suite 3).
 * Everything works in place in the caller's frame buffer. */
#include <string.h>

#include <mbedtls/platform_util.h>
#ifndef SLMP_NO_SUITE1
#include <mbedtls/aes.h>
#endif
#ifndef SLMP_NO_SUITE2
#include <mbedtls/gcm.h>
#endif
#ifndef SLMP_NO_SUITE3
#include <mbedtls/chachapoly.h>
#endif

#include "slmp_crypto.h"

#define FERNET_HEADER 25 /* 0x80 || u64 timestamp || iv[16] */

size_t slmp_suite_key_len(uint8_t suite) {
  return suite == SLMP_SUITE_P256_AES128GCM ? 16 : 32;
}

size_t slmp_suite_iv_len(uint8_t suite) {
  return suite == SLMP_SUITE_P256_FERNET ? 0 : 12;
}

size_t slmp_sealed_len(uint8_t suite, size_t aad_len, size_t n) {
  if (suite == SLMP_SUITE_P256_FERNET) {
    return SLMP_FERNET_OVERHEAD + ((aad_len + n) / 16 + 1) * 16;
  }
  return n + SLMP_TAG_LEN;
}

size_t slmp_seal_plain_offset(uint8_t suite, size_t aad_len) {
  return suite == SLMP_SUITE_P256_FERNET ? FERNET_HEADER + aad_len : 0;
}

void slmp_aead_nonce(const uint8_t iv[12], uint32_t seq, uint8_t nonce[12]) {
  memcpy(nonce, iv, 12);
  nonce[8] ^= (uint8_t)(seq >> 24);
  nonce[9] ^= (uint8_t)(seq >> 16);
  nonce[10] ^= (uint8_t)(seq >> 8);
  nonce[11] ^= (uint8_t)seq;
}

#ifndef SLMP_NO_SUITE1
static size_t fernet_seal(const slmp_keys *k, const uint8_t *aad, size_t aad_len, size_t plain_len, uint8_t *out,
                          int (*random)(void *, uint8_t *, size_t), uint64_t (*now)(void *), void *ctx) {
  mbedtls_aes_context aes;
  uint8_t iv[16];
  size_t body = aad_len + plain_len;
  size_t padded = (body / 16 + 1) * 16;
  uint8_t pad = (uint8_t)(padded - body);
  uint64_t ts = now(ctx); /* read before the iv: the vector tests inject both in this order */
  size_t i;
  int rc;
  slmp_part mac;

  if (random(ctx, out + 9, 16) != 0) {
    return 0;
  }
  out[0] = 0x80;
  for (i = 0; i < 8; i++) {
    out[1 + i] = (uint8_t)(ts >> (56 - 8 * i));
  }
  memmove(out + FERNET_HEADER, aad, aad_len); /* the plaintext already sits behind it */
  memset(out + FERNET_HEADER + body, pad, pad);
  memcpy(iv, out + 9, 16);
  mbedtls_aes_init(&aes);
  rc = mbedtls_aes_setkey_enc(&aes, k->key + 16, 128) ||
       mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_ENCRYPT, padded, iv, out + FERNET_HEADER, out + FERNET_HEADER);
  mbedtls_aes_free(&aes);
  if (rc) {
    return 0;
  }
  mac.p = out;
  mac.n = FERNET_HEADER + padded;
  slmp_hmac(k->key, 16, &mac, 1, out + FERNET_HEADER + padded);
  return FERNET_HEADER + padded + 32;
}

static long fernet_open(const slmp_keys *k, const uint8_t *aad, size_t aad_len, uint8_t *in, size_t len,
                        uint8_t **plain) {
  mbedtls_aes_context aes;
  uint8_t mac[32];
  uint8_t iv[16];
  size_t ct_len;
  uint8_t pad;
  size_t i;
  int rc;
  slmp_part signed_part;

  if (len < 73 || (len - SLMP_FERNET_OVERHEAD) % 16 != 0 || in[0] != 0x80) {
    return -1;
  }
  ct_len = len - SLMP_FERNET_OVERHEAD;
  signed_part.p = in;
  signed_part.n = len - 32;
  slmp_hmac(k->key, 16, &signed_part, 1, mac); /* HMAC before decrypting; the timestamp is never checked */
  if (!slmp_ct_memeq(mac, in + len - 32, 32)) {
    return -1;
  }
  memcpy(iv, in + 9, 16);
  mbedtls_aes_init(&aes);
  rc = mbedtls_aes_setkey_dec(&aes, k->key + 16, 128) ||
       mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_DECRYPT, ct_len, iv, in + FERNET_HEADER, in + FERNET_HEADER);
  mbedtls_aes_free(&aes);
  if (rc) {
    return -1;
  }
  pad = in[FERNET_HEADER + ct_len - 1];
  if (pad < 1 || pad > 16) {
    return -1;
  }
  for (i = 0; i < pad; i++) {
    if (in[FERNET_HEADER + ct_len - 1 - i] != pad) {
      return -1;
    }
  }
  if (ct_len - pad < aad_len || !slmp_ct_memeq(in + FERNET_HEADER, aad, aad_len)) {
    return -1;
  }
  *plain = in + FERNET_HEADER + aad_len;
  return (long)(ct_len - pad - aad_len);
}
#endif

size_t slmp_seal(uint8_t suite, const slmp_keys *k, uint32_t seq, const uint8_t *aad, size_t aad_len,
                 size_t plain_len, uint8_t *out, int (*random)(void *, uint8_t *, size_t),
                 uint64_t (*now)(void *), void *ctx) {
#if !defined(SLMP_NO_SUITE2) || !defined(SLMP_NO_SUITE3)
  uint8_t nonce[12];
  int rc = -1;
#endif
  (void)seq;
  (void)random;
  (void)now;
  (void)ctx;
  (void)aad;
  (void)aad_len;
  (void)plain_len;
  (void)out;
  (void)k;
  switch (suite) {
#ifndef SLMP_NO_SUITE1
    case SLMP_SUITE_P256_FERNET:
      return fernet_seal(k, aad, aad_len, plain_len, out, random, now, ctx);
#endif
#ifndef SLMP_NO_SUITE2
    case SLMP_SUITE_P256_AES128GCM: {
      mbedtls_gcm_context gcm;
      slmp_aead_nonce(k->iv, seq, nonce);
      mbedtls_gcm_init(&gcm);
      rc = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, k->key, 128) ||
           mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, plain_len, nonce, 12, aad, aad_len, out, out,
                                     SLMP_TAG_LEN, out + plain_len);
      mbedtls_gcm_free(&gcm);
      break;
    }
#endif
#ifndef SLMP_NO_SUITE3
    case SLMP_SUITE_X25519_CHACHA20POLY1305: {
      mbedtls_chachapoly_context cp;
      slmp_aead_nonce(k->iv, seq, nonce);
      mbedtls_chachapoly_init(&cp);
      rc = mbedtls_chachapoly_setkey(&cp, k->key) ||
           mbedtls_chachapoly_encrypt_and_tag(&cp, plain_len, nonce, aad, aad_len, out, out, out + plain_len);
      mbedtls_chachapoly_free(&cp);
      break;
    }
#endif
    default:
      return 0;
  }
#if !defined(SLMP_NO_SUITE2) || !defined(SLMP_NO_SUITE3)
  return rc == 0 ? plain_len + SLMP_TAG_LEN : 0;
#endif
}

long slmp_open(uint8_t suite, const slmp_keys *k, uint32_t seq, const uint8_t *aad, size_t aad_len, uint8_t *in,
               size_t len, uint8_t **plain) {
#if !defined(SLMP_NO_SUITE2) || !defined(SLMP_NO_SUITE3)
  uint8_t nonce[12];
  int rc = -1;
  size_t n = len - SLMP_TAG_LEN;
#endif
  (void)seq;
  (void)k;
  (void)aad;
  (void)aad_len;
  (void)in;
  (void)plain;
  if (suite != SLMP_SUITE_P256_FERNET && len < SLMP_TAG_LEN) {
    return -1;
  }
  switch (suite) {
#ifndef SLMP_NO_SUITE1
    case SLMP_SUITE_P256_FERNET:
      return fernet_open(k, aad, aad_len, in, len, plain);
#endif
#ifndef SLMP_NO_SUITE2
    case SLMP_SUITE_P256_AES128GCM: {
      mbedtls_gcm_context gcm;
      slmp_aead_nonce(k->iv, seq, nonce);
      mbedtls_gcm_init(&gcm);
      rc = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, k->key, 128) ||
           mbedtls_gcm_auth_decrypt(&gcm, n, nonce, 12, aad, aad_len, in + n, SLMP_TAG_LEN, in, in);
      mbedtls_gcm_free(&gcm);
      break;
    }
#endif
#ifndef SLMP_NO_SUITE3
    case SLMP_SUITE_X25519_CHACHA20POLY1305: {
      mbedtls_chachapoly_context cp;
      slmp_aead_nonce(k->iv, seq, nonce);
      mbedtls_chachapoly_init(&cp);
      rc = mbedtls_chachapoly_setkey(&cp, k->key) ||
           mbedtls_chachapoly_auth_decrypt(&cp, n, nonce, aad, aad_len, in + n, in, in);
      mbedtls_chachapoly_free(&cp);
      break;
    }
#endif
    default:
      return -1;
  }
#if !defined(SLMP_NO_SUITE2) || !defined(SLMP_NO_SUITE3)
  if (rc != 0) {
    return -1;
  }
  *plain = in;
  return (long)n;
#endif
}
