/* primitives.json, one line per vector (see gen_vectors.py): labels, HKDF, key_id, device_key, AEAD nonces,
 * K_early, the binary Fernet token, and the X25519 low-order points the device must refuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slmp_crypto.h"
#include "vt.h"

static uint8_t a[1024], b[1024], c[1024], d[1024], e[1024], f[1024];

static void expect(const char *file, const char *what, const uint8_t *got, const uint8_t *want, size_t n) {
  if (memcmp(got, want, n) != 0) {
    vt_fail(file, what, "bytes differ");
  }
}

#ifndef SLMP_NO_SUITE1
static uint8_t fernet_iv[16];
static uint64_t fernet_ts;

static int fixed_iv(void *ctx, uint8_t *out, size_t len) {
  (void)ctx;
  if (len != 16) {
    return -1;
  }
  memcpy(out, fernet_iv, 16);
  return 0;
}

static uint64_t fixed_ts(void *ctx) {
  (void)ctx;
  return fernet_ts;
}
#endif

static void fernet(const char *file, char **t) {
#ifndef SLMP_NO_SUITE1
  slmp_keys k;
  long aad_len = vt_hex(t[4], a, sizeof a);
  long plain_len = vt_hex(t[5], b, sizeof b);
  long token_len = vt_hex(t[6], c, sizeof c);
  uint8_t *plain;
  size_t n;
  long m;
  memset(&k, 0, sizeof k);
  vt_hex(t[1], k.key, 32);
  vt_hex(t[2], fernet_iv, 16);
  fernet_ts = strtoull(t[3], NULL, 10);
  memcpy(d + slmp_seal_plain_offset(SLMP_SUITE_P256_FERNET, (size_t)aad_len), b, (size_t)plain_len);
  n = slmp_seal(SLMP_SUITE_P256_FERNET, &k, 1, a, (size_t)aad_len, (size_t)plain_len, d, fixed_iv, fixed_ts, NULL);
  if (n != (size_t)token_len) {
    vt_fail(file, "fernet", "token length");
    return;
  }
  expect(file, "fernet seal", d, c, n);
  m = slmp_open(SLMP_SUITE_P256_FERNET, &k, 1, a, (size_t)aad_len, c, (size_t)token_len, &plain);
  if (m != plain_len || memcmp(plain, b, (size_t)plain_len) != 0) {
    vt_fail(file, "fernet open", "plaintext differs");
  }
#else
  (void)file;
  (void)t;
#endif
}

int vt_primitive(const char *file, char **t, int n) {
  slmp_part p[2];
  if (n == 3 && strcmp(t[0], "label") == 0) {
    long sl = vt_hex(t[1], a, sizeof a);
    long hl = vt_hex(t[2], b, sizeof b);
    if (hl != sl + 7 || memcmp(b, "slmp/1 ", 7) != 0 || memcmp(b + 7, a, (size_t)sl) != 0) {
      vt_fail(file, "label", t[1]);
    }
  } else if (n == 5 && strcmp(t[0], "hkdf_expand") == 0) {
    long pl = vt_hex(t[1], a, sizeof a);
    size_t len = (size_t)atoi(t[3]);
    p[0].p = b;
    p[0].n = (size_t)vt_hex(t[2], b, sizeof b);
    vt_hex(t[4], c, sizeof c);
    memset(d, 0xAA, sizeof d);
    slmp_hkdf_expand(a, (size_t)pl, p, 1, d, len);
    expect(file, "hkdf_expand", d, c, len);
    if (d[len] != 0xAA) {
      vt_fail(file, "hkdf_expand", "wrote past the length");
    }
  } else if (n == 4 && strcmp(t[0], "hkdf_extract") == 0) {
    long sl = vt_hex(t[1], a, sizeof a);
    long il = vt_hex(t[2], b, sizeof b);
    vt_hex(t[3], c, sizeof c);
    slmp_hkdf_extract(a, (size_t)sl, b, (size_t)il, d);
    expect(file, "hkdf_extract", d, c, 32);
  } else if (n == 3 && strcmp(t[0], "key_id") == 0) {
    long pl = vt_hex(t[1], a, sizeof a);
    uint8_t suite = pl == 65 ? SLMP_SUITE_P256_AES128GCM : SLMP_SUITE_X25519_CHACHA20POLY1305;
    vt_hex(t[2], b, sizeof b);
    p[0].p = a;
    p[0].n = (size_t)pl;
    slmp_sha256(p, 1, c);
    expect(file, "key_id", c, b, 4);
    if (slmp_suite_supported(suite) && slmp_dh_check_public(suite, a, (size_t)pl) != 0) {
      vt_fail(file, "key_id", "valid public key refused");
    }
  } else if (n == 4 && strcmp(t[0], "device_key") == 0) {
    long ml = vt_hex(t[1], a, sizeof a);
    static const uint8_t label[] = "slmp/1 device key";
    p[0].p = label;
    p[0].n = sizeof label - 1;
    p[1].p = b;
    p[1].n = (size_t)vt_hex(t[2], b, sizeof b);
    vt_hex(t[3], c, sizeof c);
    slmp_hmac(a, (size_t)ml, p, 2, d);
    expect(file, "device_key", d, c, 32);
  } else if (n == 4 && strcmp(t[0], "aead_nonce") == 0) {
    vt_hex(t[1], a, sizeof a);
    vt_hex(t[3], b, sizeof b);
    slmp_aead_nonce(a, (uint32_t)strtoul(t[2], NULL, 10), c);
    expect(file, "aead_nonce", c, b, 12);
  } else if (n == 7 && strcmp(t[0], "early_keys") == 0) {
    uint8_t suite = (uint8_t)atoi(t[1]);
    uint8_t info[20];
    long kl = vt_hex(t[5], c, sizeof c);
    long il = vt_hex(t[6], d, sizeof d);
    uint32_t counter = (uint32_t)strtoul(t[3], NULL, 10);
    vt_hex(t[2], a, sizeof a);
    info[0] = (uint8_t)(counter >> 24);
    info[1] = (uint8_t)(counter >> 16);
    info[2] = (uint8_t)(counter >> 8);
    info[3] = (uint8_t)counter;
    vt_hex(t[4], info + 4, 16);
    if (kl != (long)slmp_suite_key_len(suite) || il != (long)slmp_suite_iv_len(suite)) {
      vt_fail(file, "early_keys", "key or iv length of the suite");
    }
    slmp_hkdf_expand_label(a, "early key", info, 20, e, (size_t)kl);
    slmp_hkdf_expand_label(a, "early iv", info, 20, f, (size_t)il);
    expect(file, "early_keys key", e, c, (size_t)kl);
    expect(file, "early_keys iv", f, d, (size_t)il);
  } else if (n == 7 && strcmp(t[0], "fernet") == 0) {
    fernet(file, t);
  } else if (n == 3 && strcmp(t[0], "x25519_low_order") == 0) {
#ifndef SLMP_NO_SUITE3
    vt_hex(t[1], a, sizeof a);
    vt_hex(t[2], b, sizeof b);
    memset(c, 0x55, 32);
    if (slmp_dh(SLMP_SUITE_X25519_CHACHA20POLY1305, a, b, 32, c) != SLMP_ERR_ARG) {
      vt_fail(file, "x25519_low_order", t[2]);
    }
#endif
  } else {
    return 0;
  }
  return 1;
}
