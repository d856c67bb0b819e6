/* SHA-256, HMAC-SHA256 and HKDF on mbedtls_sha256 alone: mbedtls_md/mbedtls_hkdf would allocate an HMAC
 * context on the heap, these need none. Secrets on the stack are zeroed before returning. */
#include <string.h>

#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "slmp_crypto.h"

#define BLOCK 64

int slmp_ct_memeq(const uint8_t *a, const uint8_t *b, size_t n) {
  /* volatile: the compiler must not turn the loop into an early-exit memcmp */
  volatile uint8_t diff = 0;
  size_t i;
  for (i = 0; i < n; i++) {
    diff |= (uint8_t)(a[i] ^ b[i]);
  }
  return diff == 0;
}

static void sha256_parts(mbedtls_sha256_context *h, const slmp_part *parts, size_t count) {
  size_t i;
  for (i = 0; i < count; i++) {
    if (parts[i].n > 0) {
      (void)mbedtls_sha256_update_ret(h, parts[i].p, parts[i].n);
    }
  }
}

void slmp_sha256(const slmp_part *parts, size_t count, uint8_t out[SLMP_HASH_LEN]) {
  mbedtls_sha256_context h;
  mbedtls_sha256_init(&h);
  (void)mbedtls_sha256_starts_ret(&h, 0);
  sha256_parts(&h, parts, count);
  (void)mbedtls_sha256_finish_ret(&h, out);
  mbedtls_sha256_free(&h);
}

void slmp_hmac(const uint8_t *key, size_t key_len, const slmp_part *parts, size_t count, uint8_t out[SLMP_HASH_LEN]) {
  uint8_t k[BLOCK];
  uint8_t pad[BLOCK];
  uint8_t inner[SLMP_HASH_LEN];
  mbedtls_sha256_context h;
  size_t i;

  memset(k, 0, sizeof k);
  if (key_len > BLOCK) {
    slmp_part whole = {key, key_len};
    slmp_sha256(&whole, 1, k);
  } else if (key_len > 0) {
    memcpy(k, key, key_len);
  }
  mbedtls_sha256_init(&h);
  for (i = 0; i < BLOCK; i++) {
    pad[i] = (uint8_t)(k[i] ^ 0x36);
  }
  (void)mbedtls_sha256_starts_ret(&h, 0);
  (void)mbedtls_sha256_update_ret(&h, pad, BLOCK);
  sha256_parts(&h, parts, count);
  (void)mbedtls_sha256_finish_ret(&h, inner);
  for (i = 0; i < BLOCK; i++) {
    pad[i] = (uint8_t)(k[i] ^ 0x5c);
  }
  (void)mbedtls_sha256_starts_ret(&h, 0);
  (void)mbedtls_sha256_update_ret(&h, pad, BLOCK);
  (void)mbedtls_sha256_update_ret(&h, inner, sizeof inner);
  (void)mbedtls_sha256_finish_ret(&h, out);
  mbedtls_sha256_free(&h);
  mbedtls_platform_zeroize(k, sizeof k);
  mbedtls_platform_zeroize(pad, sizeof pad);
  mbedtls_platform_zeroize(inner, sizeof inner);
}

void slmp_hkdf_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len, uint8_t prk[32]) {
  slmp_part p = {ikm, ikm_len};
  slmp_hmac(salt, salt_len, &p, 1, prk);
}

void slmp_hkdf_expand(const uint8_t *prk, size_t prk_len, const slmp_part *info, size_t info_count, uint8_t *out,
                      size_t n) {
  uint8_t t[SLMP_HASH_LEN];
  uint8_t counter = 1;
  size_t done = 0;
  size_t t_len = 0;
  slmp_part parts[6];
  size_t i;

  if (info_count > 4) {
    return; /* internal use only: never more than 4 info parts */
  }
  /* RFC 5869 with N = 0 computes nothing: the empty string (every Fernet "iv", spec 1). */
  while (done < n) {
    size_t take;
    parts[0].p = t;
    parts[0].n = t_len;
    for (i = 0; i < info_count; i++) {
      parts[1 + i] = info[i];
    }
    parts[1 + info_count].p = &counter;
    parts[1 + info_count].n = 1;
    slmp_hmac(prk, prk_len, parts, 2 + info_count, t);
    t_len = SLMP_HASH_LEN;
    take = n - done < SLMP_HASH_LEN ? n - done : SLMP_HASH_LEN;
    memcpy(out + done, t, take);
    done += take;
    counter++;
  }
  mbedtls_platform_zeroize(t, sizeof t);
}

void slmp_hkdf_expand_label(const uint8_t prk[32], const char *label, const uint8_t *extra, size_t extra_len,
                            uint8_t *out, size_t n) {
  static const uint8_t prefix[] = {'s', 'l', 'm', 'p', '/', '1', ' '};
  slmp_part info[3];
  info[0].p = prefix;
  info[0].n = sizeof prefix;
  info[1].p = (const uint8_t *)label;
  info[1].n = strlen(label);
  info[2].p = extra;
  info[2].n = extra_len;
  slmp_hkdf_expand(prk, 32, info, 3, out, n);
}
