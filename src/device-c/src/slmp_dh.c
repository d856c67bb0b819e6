/* The two Diffie-Hellman groups of spec 3.1 on mbedtls_ecp. The contexts live on the stack for one call
 * (mbedTLS's bignums allocate from its heap); private scalars are freed with mbedtls_mpi_free, which zeroes. */
#include <string.h>

#include <mbedtls/ecp.h>
#include <mbedtls/platform_util.h>

#include "slmp_crypto.h"

#define P256_PUB_LEN 65
#define X25519_LEN 32

static int is_x25519(uint8_t suite) {
  return suite == SLMP_SUITE_X25519_CHACHA20POLY1305;
}

int slmp_suite_supported(uint8_t suite) {
  switch (suite) {
#ifndef SLMP_NO_SUITE1
    case SLMP_SUITE_P256_FERNET:
      return 1;
#endif
#ifndef SLMP_NO_SUITE2
    case SLMP_SUITE_P256_AES128GCM:
      return 1;
#endif
#ifndef SLMP_NO_SUITE3
    case SLMP_SUITE_X25519_CHACHA20POLY1305:
      return 1;
#endif
    default:
      return 0;
  }
}

size_t slmp_suite_pub_len(uint8_t suite) {
  return !slmp_suite_supported(suite) ? 0 : is_x25519(suite) ? X25519_LEN : P256_PUB_LEN;
}

/* Loads the group and reads a private key: P-256 big-endian, 1 <= d < n; X25519 clamped (RFC 7748: the vectors
 * and the Java side hold the unclamped bytes, mbedTLS wants the clamped scalar). */
static int load(uint8_t suite, mbedtls_ecp_group *g, mbedtls_mpi *d, const uint8_t priv[32]) {
  if (!slmp_suite_supported(suite)) {
    return SLMP_ERR_ARG;
  }
#ifdef SLMP_HAVE_X25519
  if (is_x25519(suite)) {
    uint8_t k[32];
    int rc;
    memcpy(k, priv, 32);
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
    rc = mbedtls_ecp_group_load(g, MBEDTLS_ECP_DP_CURVE25519) || mbedtls_mpi_read_binary_le(d, k, 32);
    mbedtls_platform_zeroize(k, sizeof k);
    return rc ? SLMP_ERR_CRYPTO : 0;
  }
#endif
#ifdef SLMP_HAVE_P256
  if (mbedtls_ecp_group_load(g, MBEDTLS_ECP_DP_SECP256R1) || mbedtls_mpi_read_binary(d, priv, 32)) {
    return SLMP_ERR_CRYPTO;
  }
  return mbedtls_ecp_check_privkey(g, d) == 0 ? 0 : SLMP_ERR_ARG;
#else
  return SLMP_ERR_ARG;
#endif
}

/* Reads and validates a public key (spec 3.1). P-256: exactly 65 bytes, prefix 0x04 checked here because the
 * parser would also take other forms, coordinates < p and the curve equation by mbedtls_ecp_check_pubkey. */
static int read_public(uint8_t suite, const mbedtls_ecp_group *g, mbedtls_ecp_point *q, const uint8_t *pub,
                       size_t len) {
  if (len != slmp_suite_pub_len(suite)) {
    return SLMP_ERR_ARG;
  }
  if (!is_x25519(suite) && pub[0] != 0x04) {
    return SLMP_ERR_ARG;
  }
  if (mbedtls_ecp_point_read_binary(g, q, pub, len) != 0 || mbedtls_ecp_check_pubkey(g, q) != 0) {
    return SLMP_ERR_ARG;
  }
  return 0;
}

static int write_x(uint8_t suite, const mbedtls_ecp_group *g, const mbedtls_ecp_point *r, uint8_t *out, int full) {
  size_t olen = 0;
  if (is_x25519(suite)) {
    return mbedtls_mpi_write_binary_le(&r->X, out, X25519_LEN) ? SLMP_ERR_CRYPTO : 0;
  }
  if (full) {
    return mbedtls_ecp_point_write_binary(g, r, MBEDTLS_ECP_PF_UNCOMPRESSED, &olen, out, P256_PUB_LEN) ||
                   olen != P256_PUB_LEN
               ? SLMP_ERR_CRYPTO
               : 0;
  }
  /* The shared secret: X as exactly 32 big-endian bytes (write_binary pads with leading zeros). */
  return mbedtls_mpi_write_binary(&r->X, out, 32) ? SLMP_ERR_CRYPTO : 0;
}

int slmp_dh_private_ok(uint8_t suite, const uint8_t priv[32]) {
  mbedtls_ecp_group g;
  mbedtls_mpi d;
  int ok;
  mbedtls_ecp_group_init(&g);
  mbedtls_mpi_init(&d);
  ok = load(suite, &g, &d, priv) == 0;
  mbedtls_mpi_free(&d);
  mbedtls_ecp_group_free(&g);
  return ok;
}

int slmp_dh_public(uint8_t suite, const uint8_t priv[32], uint8_t *pub) {
  mbedtls_ecp_group g;
  mbedtls_mpi d;
  mbedtls_ecp_point r;
  int rc;
  mbedtls_ecp_group_init(&g);
  mbedtls_mpi_init(&d);
  mbedtls_ecp_point_init(&r);
  rc = load(suite, &g, &d, priv);
  /* f_rng NULL: mbedTLS blinds with its internal DRBG seeded from the scalar (MBEDTLS_ECP_NO_INTERNAL_RNG is off),
   * so the application's random callback is drawn only for keys, nonces and ivs, in a fixed order. */
  if (rc == 0) {
    rc = mbedtls_ecp_mul(&g, &r, &d, &g.G, NULL, NULL) ? SLMP_ERR_CRYPTO : write_x(suite, &g, &r, pub, 1);
  }
  mbedtls_ecp_point_free(&r);
  mbedtls_mpi_free(&d);
  mbedtls_ecp_group_free(&g);
  return rc;
}

int slmp_dh_check_public(uint8_t suite, const uint8_t *pub, size_t len) {
  mbedtls_ecp_group g;
  mbedtls_ecp_point q;
  int rc;
  if (!slmp_suite_supported(suite)) {
    return SLMP_ERR_ARG;
  }
  mbedtls_ecp_group_init(&g);
  mbedtls_ecp_point_init(&q);
  rc = mbedtls_ecp_group_load(&g, is_x25519(suite) ? MBEDTLS_ECP_DP_CURVE25519 : MBEDTLS_ECP_DP_SECP256R1)
           ? SLMP_ERR_CRYPTO
           : read_public(suite, &g, &q, pub, len);
  mbedtls_ecp_point_free(&q);
  mbedtls_ecp_group_free(&g);
  return rc;
}

int slmp_dh(uint8_t suite, const uint8_t priv[32], const uint8_t *pub, size_t pub_len, uint8_t out[32]) {
  static const uint8_t zero[32] = {0};
  mbedtls_ecp_group g;
  mbedtls_mpi d;
  mbedtls_ecp_point q;
  mbedtls_ecp_point r;
  int rc;
  mbedtls_ecp_group_init(&g);
  mbedtls_mpi_init(&d);
  mbedtls_ecp_point_init(&q);
  mbedtls_ecp_point_init(&r);
  rc = load(suite, &g, &d, priv);
  if (rc == 0) {
    rc = read_public(suite, &g, &q, pub, pub_len);
  }
  if (rc == 0) {
    rc = mbedtls_ecp_mul(&g, &r, &d, &q, NULL, NULL) ? SLMP_ERR_ARG : write_x(suite, &g, &r, out, 0);
  }
  /* X25519: a low-order peer key gives 32 zero bytes; mbedtls_ecp_check_pubkey refuses the known ones, this
   * catches any other (spec 3.1). */
  if (rc == 0 && is_x25519(suite) && slmp_ct_memeq(out, zero, 32)) {
    rc = SLMP_ERR_ARG;
  }
  if (rc != 0) {
    mbedtls_platform_zeroize(out, 32);
  }
  mbedtls_ecp_point_free(&r);
  mbedtls_ecp_point_free(&q);
  mbedtls_mpi_free(&d);
  mbedtls_ecp_group_free(&g);
  return rc;
}
