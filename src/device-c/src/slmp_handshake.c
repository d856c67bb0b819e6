/* The handshakes: HELLO / HELLO_REPLY / AUTH (spec 5) and RESUME / RESUMED (spec 8). */
#include <string.h>

#include <mbedtls/platform_util.h>

#include "slmp_internal.h"

void slmp_on_hello_reply(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev);
void slmp_on_resumed(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev);

int slmp_init(slmp_conn *c, const slmp_platform *platform, uint8_t suite, const uint8_t *server_pub,
              size_t server_pub_len, const uint8_t *device_id, size_t device_id_len, const uint8_t device_key[32]) {
  slmp_part p;
  uint8_t h[SLMP_HASH_LEN];
  memset(c, 0, sizeof *c);
  c->state = ST_CLOSED; /* unusable until everything checked out */
  if (platform == NULL || platform->random == NULL || platform->now == NULL || platform->write == NULL ||
      server_pub == NULL || device_id == NULL || device_key == NULL ||
      !slmp_suite_supported(suite) || device_id_len < 1 || device_id_len > 64 ||
      !slmp_utf8_ok(device_id, device_id_len) || slmp_dh_check_public(suite, server_pub, server_pub_len) != 0) {
    return SLMP_ERR_ARG;
  }
  c->random = platform->random;
  c->now = platform->now;
  c->write = platform->write;
  c->ctx = platform->ctx;
  c->suite = suite;
  c->device_id_len = (uint8_t)device_id_len;
  memcpy(c->device_id, device_id, device_id_len);
  memcpy(c->device_key, device_key, 32);
  memcpy(c->server_pub, server_pub, server_pub_len);
  p.p = server_pub;
  p.n = server_pub_len;
  slmp_sha256(&p, 1, h);
  memcpy(c->server_key_id, h, 4); /* key_id = H(pub)[0:4] (spec 4) */
  c->server_max_body = 1024;      /* until WELCOME says more: every server accepts 1,024 (spec 2) */
  c->state = ST_NEW;
  return SLMP_OK;
}

int slmp_start_full(slmp_conn *c) {
  size_t pub_len = slmp_suite_pub_len(c->suite);
  int rc;
  int tries;
  if (c->state != ST_NEW) {
    return SLMP_ERR_STATE;
  }
  /* Rejection sampling: a P-256 scalar outside 1..n-1 is drawn again (probability about 2^-32 each time); a
   * source that fails 8 times in a row is broken (all zeros, say), not unlucky. */
  for (tries = 0;; tries++) {
    if (tries == 8 || c->random(c->ctx, c->once.eph_priv, 32) != 0) {
      c->state = ST_CLOSED;
      slmp_wipe_traffic(c);
      return SLMP_ERR_PLATFORM;
    }
    if (slmp_dh_private_ok(c->suite, c->once.eph_priv)) {
      break;
    }
  }
  c->tx[4] = 1;
  c->tx[5] = c->suite;
  memcpy(c->tx + 6, c->server_key_id, 4);
  rc = slmp_dh_public(c->suite, c->once.eph_priv, c->tx + 10);
  if (rc != 0) {
    c->state = ST_CLOSED;
    slmp_wipe_traffic(c);
    return SLMP_ERR_CRYPTO;
  }
  c->first_frame_len = (uint8_t)(4 + 6 + pub_len);
  c->tx[0] = T_HELLO;
  slmp_put_u24(c->tx + 1, (uint32_t)(6 + pub_len));
  memcpy(c->first_frame, c->tx, c->first_frame_len);
  c->state = ST_HELLO_SENT;
  return slmp_emit(c, T_HELLO, 6 + pub_len);
}

void slmp_traffic_keys(slmp_conn *c, const uint8_t ms[32], int full) {
  size_t kl = slmp_suite_key_len(c->suite);
  size_t il = slmp_suite_iv_len(c->suite);
  slmp_hkdf_expand_label(ms, "c2s key", NULL, 0, c->c2s.key, kl);
  slmp_hkdf_expand_label(ms, "c2s iv", NULL, 0, c->c2s.iv, il);
  slmp_hkdf_expand_label(ms, "s2c key", NULL, 0, c->s2c.key, kl);
  slmp_hkdf_expand_label(ms, "s2c iv", NULL, 0, c->s2c.iv, il);
  if (full) {
    slmp_hkdf_expand_label(ms, "resumption", NULL, 0, c->rs, 32);
    slmp_hkdf_expand_label(ms, "session id", NULL, 0, c->session_id, 16);
  }
}

/* ee, es, hs and the confirm check; returns a CLOSE code or -1 when the server proved it holds S. */
static int check_server(slmp_conn *c, const uint8_t *body, size_t pub_len, uint8_t hs[32]) {
  uint8_t ikm[64]; /* ee || es */
  uint8_t th1[32];
  uint8_t key[32];
  uint8_t confirm[32];
  slmp_part parts[2];
  int rc;
  int code = -1;

  rc = slmp_dh(c->suite, c->once.eph_priv, body, pub_len, ikm);
  if (rc == 0) {
    rc = slmp_dh(c->suite, c->once.eph_priv, c->server_pub, pub_len, ikm + 32);
  }
  mbedtls_platform_zeroize(c->once.eph_priv, sizeof c->once.eph_priv); /* used once, whatever happens */
  if (rc != 0) {
    code = rc == SLMP_ERR_ARG ? SLMP_CLOSE_PROTOCOL_ERROR : SLMP_CLOSE_INTERNAL_ERROR;
  } else {
    parts[0].p = c->first_frame;
    parts[0].n = c->first_frame_len;
    parts[1].p = body;
    parts[1].n = pub_len;
    slmp_sha256(parts, 2, th1); /* th1 = H(HELLO_frame || e_s): the raw e_s, no header */
    slmp_hkdf_extract(th1, 32, ikm, 64, hs);
    slmp_hkdf_expand_label(hs, "server confirm", NULL, 0, key, 32);
    parts[0].p = th1;
    parts[0].n = 32;
    slmp_hmac(key, 32, parts, 1, confirm);
    if (!slmp_ct_memeq(confirm, body + pub_len, 32)) {
      code = SLMP_CLOSE_AUTH_FAILED;
    }
  }
  mbedtls_platform_zeroize(ikm, sizeof ikm);
  mbedtls_platform_zeroize(key, sizeof key);
  return code;
}

void slmp_on_hello_reply(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev) {
  size_t pub_len = slmp_suite_pub_len(c->suite);
  size_t aad_off = slmp_seal_plain_offset(c->suite, 1);
  uint8_t hs[32];
  uint8_t th[32];
  uint8_t ms[32];
  slmp_keys auth;
  slmp_part parts[3];
  static const uint8_t proof_label[] = {'s', 'l', 'm', 'p', '/', '1', ' ', 'd', 'e', 'v', 'i', 'c', 'e', ' ',
                                        'p', 'r', 'o', 'o', 'f'};
  static const uint8_t auth_aad[1] = {T_AUTH};
  uint8_t *plain = c->tx + 4 + aad_off;
  size_t plain_len = 1u + c->device_id_len + 32;
  size_t sealed;
  int code;

  if (len != pub_len + 32) {
    mbedtls_platform_zeroize(c->once.eph_priv, sizeof c->once.eph_priv);
    slmp_fail(c, SLMP_CLOSE_PROTOCOL_ERROR, ev);
    return;
  }
  code = check_server(c, body, pub_len, hs);
  if (code >= 0) {
    mbedtls_platform_zeroize(hs, sizeof hs);
    slmp_fail(c, code, ev);
    return;
  }
  parts[0].p = c->first_frame;
  parts[0].n = c->first_frame_len;
  parts[1].p = body - 4; /* the complete HELLO_REPLY frame, still in rx */
  parts[1].n = len + 4;
  slmp_sha256(parts, 2, th); /* th2 */
  memset(&auth, 0, sizeof auth);
  slmp_hkdf_expand_label(hs, "client auth key", NULL, 0, auth.key, slmp_suite_key_len(c->suite));
  slmp_hkdf_expand_label(hs, "client auth iv", NULL, 0, auth.iv, slmp_suite_iv_len(c->suite));
  plain[0] = c->device_id_len;
  memcpy(plain + 1, c->device_id, c->device_id_len);
  parts[0].p = proof_label;
  parts[0].n = sizeof proof_label;
  parts[1].p = th;
  parts[1].n = 32;
  slmp_hmac(c->device_key, 32, parts, 2, plain + 1 + c->device_id_len);
  sealed = slmp_seal(c->suite, &auth, 0, auth_aad, 1, plain_len, c->tx + 4, c->random, c->now, c->ctx);
  mbedtls_platform_zeroize(&auth, sizeof auth);
  if (sealed == 0) {
    mbedtls_platform_zeroize(hs, sizeof hs);
    slmp_fail(c, SLMP_CLOSE_INTERNAL_ERROR, ev);
    return;
  }
  c->tx[0] = T_AUTH;
  slmp_put_u24(c->tx + 1, (uint32_t)sealed);
  parts[0].p = c->first_frame;
  parts[0].n = c->first_frame_len;
  parts[1].p = body - 4;
  parts[1].n = len + 4;
  parts[2].p = c->tx;
  parts[2].n = 4 + sealed;
  slmp_sha256(parts, 3, th); /* th3 */
  slmp_hkdf_extract(th, 32, hs, 32, ms);
  slmp_traffic_keys(c, ms, 1);
  mbedtls_platform_zeroize(hs, sizeof hs);
  mbedtls_platform_zeroize(ms, sizeof ms);
  c->last_c2s = 0;
  c->state = ST_AUTH_SENT;
  if (slmp_emit(c, T_AUTH, sealed) != 0) {
    ev->type = SLMP_EV_CLOSED;
    ev->close_code = SLMP_CLOSE_INTERNAL_ERROR;
  } else {
    ev->type = SLMP_EV_AUTH_SENT;
  }
}

int slmp_session_matches(const slmp_conn *c, const slmp_session *s) {
  uint8_t h[SLMP_HASH_LEN];
  slmp_part p;
  p.p = c->device_id;
  p.n = c->device_id_len;
  slmp_sha256(&p, 1, h);
  return s->suite == c->suite && memcmp(s->server_key_id, c->server_key_id, 4) == 0 &&
         memcmp(s->device_hash, h, 4) == 0;
}

int slmp_start_resume(slmp_conn *c, const slmp_session *s) {
  uint8_t *b = c->tx + 4;
  uint8_t key[32];
  uint8_t info[20]; /* u32(counter) || nonce_c */
  slmp_part p;
  size_t kl = slmp_suite_key_len(c->suite);

  if (c->state != ST_NEW) {
    return SLMP_ERR_STATE;
  }
  if (s->counter == 0 || !slmp_session_matches(c, s)) {
    return SLMP_ERR_ARG;
  }
  b[0] = 1;
  b[1] = c->suite;
  memcpy(b + 2, s->session_id, 16);
  slmp_put_u32(b + 18, s->counter);
  if (c->random(c->ctx, b + 22, 16) != 0) {
    c->state = ST_CLOSED;
    return SLMP_ERR_PLATFORM;
  }
  slmp_hkdf_expand_label(s->rs, "binder", NULL, 0, key, 32);
  p.p = b;
  p.n = 38;
  slmp_hmac(key, 32, &p, 1, b + 38);
  mbedtls_platform_zeroize(key, sizeof key);
  /* K_early = Expand(rs, label("early key") || u32(counter) || nonce_c, ...) (spec 8) */
  memcpy(info, b + 18, 20);
  slmp_hkdf_expand_label(s->rs, "early key", info, 20, c->once.early.key, kl);
  slmp_hkdf_expand_label(s->rs, "early iv", info, 20, c->once.early.iv, slmp_suite_iv_len(c->suite));
  memcpy(c->session_id, s->session_id, 16);
  memcpy(c->rs, s->rs, 32);
  c->resume_counter = s->counter;
  c->keepalive = s->keepalive;
  c->server_max_body = s->max_body;
  c->expires = s->expires;
  c->last_early = 0;
  c->tx[0] = T_RESUME;
  slmp_put_u24(c->tx + 1, 70);
  memcpy(c->first_frame, c->tx, 74);
  c->first_frame_len = 74;
  c->state = ST_RESUME_SENT;
  return slmp_emit(c, T_RESUME, 70);
}

void slmp_on_resumed(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev) {
  uint8_t th[32];
  uint8_t ms[32];
  uint8_t key[32];
  uint8_t confirm[32];
  slmp_part parts[2];
  int ok;

  if (len != 48) {
    slmp_fail(c, SLMP_CLOSE_PROTOCOL_ERROR, ev);
    return;
  }
  parts[0].p = c->first_frame;
  parts[0].n = c->first_frame_len;
  parts[1].p = body; /* th_r = H(RESUME_frame || nonce_s) */
  parts[1].n = 16;
  slmp_sha256(parts, 2, th);
  slmp_hkdf_extract(th, 32, c->rs, 32, ms);
  slmp_hkdf_expand_label(ms, "server confirm", NULL, 0, key, 32);
  parts[0].p = th;
  parts[0].n = 32;
  slmp_hmac(key, 32, parts, 1, confirm);
  ok = slmp_ct_memeq(confirm, body + 16, 32);
  if (ok) {
    slmp_traffic_keys(c, ms, 0);
  }
  mbedtls_platform_zeroize(ms, sizeof ms);
  mbedtls_platform_zeroize(key, sizeof key);
  if (!ok) {
    slmp_fail(c, SLMP_CLOSE_AUTH_FAILED, ev);
    return;
  }
  c->resumed = 1;
  c->have_session = 1;
  c->last_s2c = 0;
  c->last_c2s = 0;
  c->state = ST_ESTABLISHED;
  ev->type = SLMP_EV_ESTABLISHED;
}
