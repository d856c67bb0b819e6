/* The session the device keeps between sleeps: the versioned byte layout documented in slmp.h. */
#include <string.h>

#include "slmp_internal.h"

#define OFF_CHECK 77

static void put_u64(uint8_t *p, uint64_t v) {
  slmp_put_u32(p, (uint32_t)(v >> 32));
  slmp_put_u32(p + 4, (uint32_t)v);
}

static void check_of(const uint8_t *b, uint8_t out[4]) {
  uint8_t h[SLMP_HASH_LEN];
  slmp_part p;
  p.p = b;
  p.n = OFF_CHECK;
  slmp_sha256(&p, 1, h);
  memcpy(out, h, 4);
}

int slmp_session_save(const slmp_session *s, uint8_t out[SLMP_SESSION_BYTES]) {
  if (s->max_body > 0xFFFFFF) {
    return SLMP_ERR_ARG;
  }
  out[0] = 'S';
  out[1] = 'L';
  out[2] = SLMP_SESSION_LAYOUT;
  out[3] = s->suite;
  memcpy(out + 4, s->server_key_id, 4);
  memcpy(out + 8, s->device_hash, 4);
  memcpy(out + 12, s->session_id, 16);
  memcpy(out + 28, s->rs, 32);
  slmp_put_u32(out + 60, s->counter);
  slmp_put_u16(out + 64, s->keepalive);
  slmp_put_u24(out + 66, s->max_body);
  put_u64(out + 69, s->expires);
  check_of(out, out + OFF_CHECK);
  return SLMP_OK;
}

int slmp_session_load(slmp_session *s, const uint8_t in[SLMP_SESSION_BYTES]) {
  uint8_t check[4];
  check_of(in, check);
  if (in[0] != 'S' || in[1] != 'L' || in[2] != SLMP_SESSION_LAYOUT || memcmp(check, in + OFF_CHECK, 4) != 0 ||
      (in[3] != SLMP_SUITE_P256_FERNET && in[3] != SLMP_SUITE_P256_AES128GCM &&
       in[3] != SLMP_SUITE_X25519_CHACHA20POLY1305)) {
    return SLMP_ERR_ARG;
  }
  memset(s, 0, sizeof *s);
  s->suite = in[3];
  memcpy(s->server_key_id, in + 4, 4);
  memcpy(s->device_hash, in + 8, 4);
  memcpy(s->session_id, in + 12, 16);
  memcpy(s->rs, in + 28, 32);
  s->counter = slmp_get_u32(in + 60);
  s->keepalive = (uint16_t)slmp_get_u16(in + 64);
  s->max_body = slmp_get_u24(in + 66);
  s->expires = ((uint64_t)slmp_get_u32(in + 69) << 32) | slmp_get_u32(in + 73);
  return SLMP_OK;
}

int slmp_session_advance(slmp_session *s) {
  if (s->counter == 0xFFFFFFFFu) {
    return SLMP_ERR_EXHAUSTED; /* out of resume counters: do a full handshake */
  }
  s->counter++;
  return SLMP_OK;
}
