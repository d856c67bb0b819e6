/* Sealed frames after the handshake (spec 6): WELCOME, DATA, ACK both ways, PING; and the connection's getters. */
#include <string.h>

#include <mbedtls/platform_util.h>

#include "slmp_internal.h"

/* The receiver's checks of spec 6, in order; returns a CLOSE code, or -1 with the plaintext in *plain. */
static int open_sealed(slmp_conn *c, uint8_t type, uint8_t *b, size_t len, uint8_t allowed_flags, uint64_t due,
                       uint8_t **plain, size_t *plain_len) {
  uint8_t aad[6];
  uint32_t seq;
  long n;
  if (len < SEALED_PREFIX) {
    return SLMP_CLOSE_PROTOCOL_ERROR;
  }
  if ((b[0] & (uint8_t)~allowed_flags) != 0) {
    return SLMP_CLOSE_PROTOCOL_ERROR;
  }
  seq = slmp_get_u32(b + 1);
  if ((uint64_t)seq != due) { /* a gap or a repeat; due may be 2^32, which no seq equals */
    return SLMP_CLOSE_REPLAY;
  }
  aad[0] = type;
  memcpy(aad + 1, b, SEALED_PREFIX);
  n = slmp_open(c->suite, &c->s2c, seq, aad, sizeof aad, b + SEALED_PREFIX, len - SEALED_PREFIX, plain);
  if (n < 0) {
    return SLMP_CLOSE_DECRYPT_FAILED;
  }
  c->last_s2c = seq;
  *plain_len = (size_t)n;
  return -1;
}

void slmp_on_welcome(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev) {
  uint8_t *p;
  size_t n;
  int code = open_sealed(c, T_WELCOME, body, len, 0, 0, &p, &n);
  if (code < 0 && n != 9) {
    code = SLMP_CLOSE_PROTOCOL_ERROR;
  }
  if (code >= 0) {
    slmp_fail(c, code, ev);
    return;
  }
  c->lifetime = slmp_get_u32(p);
  c->keepalive = (uint16_t)slmp_get_u16(p + 4);
  c->server_max_body = slmp_get_u24(p + 6);
  c->have_session = c->lifetime > 0; /* lifetime 0: the server keeps no session (spec 5) */
  c->expires = c->lifetime > 0 ? c->now(c->ctx) + c->lifetime : 0;
  c->resume_counter = 0;
  c->state = ST_ESTABLISHED;
  ev->type = SLMP_EV_ESTABLISHED;
}

void slmp_on_data(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev) {
  uint8_t *p;
  size_t n;
  /* A server never sends EARLY DATA (spec 7): only ACK_REQUESTED is allowed. */
  int code = open_sealed(c, T_DATA, body, len, FLAG_ACK_REQUESTED, (uint64_t)c->last_s2c + 1, &p, &n);
  if (code < 0 && (n < 1 || p[0] > n - 1 || !slmp_utf8_ok(p + 1, p[0]))) {
    code = SLMP_CLOSE_PROTOCOL_ERROR;
  }
  if (code >= 0) {
    slmp_fail(c, code, ev);
    return;
  }
  ev->type = SLMP_EV_MESSAGE;
  ev->seq = c->last_s2c;
  ev->ack_requested = (body[0] & FLAG_ACK_REQUESTED) != 0;
  ev->topic = p + 1;
  ev->topic_len = p[0];
  ev->payload = p + 1 + p[0];
  ev->payload_len = n - 1 - p[0];
}

void slmp_on_ack(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev) {
  uint8_t *p;
  size_t n;
  int i;
  uint8_t kind;
  uint32_t acked;
  /* The EARLY flag on an ACK only on a resumed connection (spec 7). */
  int code = open_sealed(c, T_ACK, body, len, c->resumed ? FLAG_EARLY : 0, (uint64_t)c->last_s2c + 1, &p, &n);
  if (code < 0 && (n != 5 || p[4] > SLMP_ACK_REJECTED)) {
    code = SLMP_CLOSE_PROTOCOL_ERROR;
  }
  if (code >= 0) {
    slmp_fail(c, code, ev);
    return;
  }
  acked = slmp_get_u32(p);
  kind = (body[0] & FLAG_EARLY) ? 2 : 1;
  for (i = 0; i < SLMP_MAX_PENDING_ACKS; i++) {
    if (c->pending_kind[i] == kind && c->pending_seq[i] == acked) {
      c->pending_kind[i] = 0;
      ev->type = SLMP_EV_ACK;
      ev->seq = acked;
      ev->early = kind == 2;
      ev->status = p[4];
      return;
    }
  }
  /* An ACK that matches no outstanding DATA is ignored (spec 6). */
}

int slmp_can_send(const slmp_conn *c) {
  return c->state == ST_AUTH_SENT || c->state == ST_RESUME_SENT || c->state == ST_ESTABLISHED;
}

/* Builds and writes one sealed frame whose plaintext (plain_len bytes) is already in place in tx. */
static int send_sealed(slmp_conn *c, uint8_t type, uint8_t flags, uint32_t seq, const slmp_keys *k,
                       size_t plain_len) {
  uint8_t aad[6];
  size_t sealed;
  aad[0] = type;
  aad[1] = flags;
  slmp_put_u32(aad + 2, seq);
  c->tx[4] = flags;
  slmp_put_u32(c->tx + 5, seq);
  sealed = slmp_seal(c->suite, k, seq, aad, sizeof aad, plain_len, c->tx + 4 + SEALED_PREFIX, c->random, c->now,
                     c->ctx);
  if (sealed == 0) {
    slmp_event ignored;
    slmp_fail(c, SLMP_CLOSE_INTERNAL_ERROR, &ignored);
    return SLMP_ERR_CRYPTO;
  }
  return slmp_emit(c, type, SEALED_PREFIX + sealed);
}

int slmp_send(slmp_conn *c, const uint8_t *topic, size_t topic_len, const uint8_t *payload, size_t payload_len,
              int ack_requested, uint32_t *seq_out, int *early_out) {
  int early = c->state == ST_RESUME_SENT;
  uint32_t *last = early ? &c->last_early : &c->last_c2s;
  size_t off = 4 + SEALED_PREFIX + slmp_seal_plain_offset(c->suite, 6);
  size_t body;
  int slot = -1;
  int i;
  uint8_t flags;

  if (!slmp_can_send(c)) {
    return SLMP_ERR_STATE;
  }
  if (topic_len > 255 || (topic_len > 0 && topic == NULL) || (payload_len > 0 && payload == NULL) ||
      !slmp_utf8_ok(topic, topic_len)) {
    return SLMP_ERR_ARG;
  }
  if (payload_len > SLMP_TX_MAX_BODY) {
    return SLMP_ERR_TOO_LARGE; /* before any arithmetic on it */
  }
  body = SEALED_PREFIX + slmp_sealed_len(c->suite, 6, 1 + topic_len + payload_len);
  if (body > SLMP_TX_MAX_BODY || body > c->server_max_body) {
    return SLMP_ERR_TOO_LARGE;
  }
  if (ack_requested) {
    for (i = 0; i < SLMP_MAX_PENDING_ACKS && slot < 0; i++) {
      slot = c->pending_kind[i] == 0 ? i : -1;
    }
    if (slot < 0) {
      return SLMP_ERR_FULL;
    }
  }
  if (*last == 0xFFFFFFFFu) { /* 2^32-1 was the last seq: never wrap (spec 6) */
    (void)slmp_close(c, SLMP_CLOSE_NORMAL, "counter exhausted");
    return SLMP_ERR_EXHAUSTED;
  }
  c->tx[off] = (uint8_t)topic_len;
  if (topic_len > 0) {
    memcpy(c->tx + off + 1, topic, topic_len);
  }
  if (payload_len > 0) {
    memcpy(c->tx + off + 1 + topic_len, payload, payload_len);
  }
  flags = (uint8_t)((ack_requested ? FLAG_ACK_REQUESTED : 0) | (early ? FLAG_EARLY : 0));
  *last += 1;
  if (slot >= 0) {
    c->pending_kind[slot] = early ? 2 : 1;
    c->pending_seq[slot] = *last;
  }
  if (seq_out != NULL) {
    *seq_out = *last;
  }
  if (early_out != NULL) {
    *early_out = early;
  }
  return send_sealed(c, T_DATA, flags, *last, early ? &c->once.early : &c->c2s, 1 + topic_len + payload_len);
}

int slmp_ack(slmp_conn *c, uint32_t seq, uint8_t status) {
  uint8_t *p = c->tx + 4 + SEALED_PREFIX + slmp_seal_plain_offset(c->suite, 6);
  if (c->state != ST_ESTABLISHED) {
    return SLMP_ERR_STATE;
  }
  if (status > SLMP_ACK_REJECTED) {
    return SLMP_ERR_ARG;
  }
  if (c->last_c2s == 0xFFFFFFFFu) {
    (void)slmp_close(c, SLMP_CLOSE_NORMAL, "counter exhausted");
    return SLMP_ERR_EXHAUSTED;
  }
  slmp_put_u32(p, seq);
  p[4] = status;
  c->last_c2s++;
  return send_sealed(c, T_ACK, 0, c->last_c2s, &c->c2s, 5);
}

int slmp_ping(slmp_conn *c) {
  return c->state == ST_ESTABLISHED ? slmp_emit(c, T_PING, 0) : SLMP_ERR_STATE;
}

int slmp_is_established(const slmp_conn *c) {
  return c->state == ST_ESTABLISHED;
}

int slmp_is_closed(const slmp_conn *c) {
  return c->state == ST_CLOSED;
}

int slmp_is_resumed(const slmp_conn *c) {
  return c->resumed;
}

int slmp_pending_acks(const slmp_conn *c) {
  int i;
  int n = 0;
  for (i = 0; i < SLMP_MAX_PENDING_ACKS; i++) {
    n += c->pending_kind[i] != 0;
  }
  return n;
}

int slmp_get_session(const slmp_conn *c, slmp_session *out) {
  slmp_part p;
  uint8_t h[SLMP_HASH_LEN];
  if (!c->have_session) { /* set by WELCOME with lifetime > 0, or RESUMED; kept after a close */
    return SLMP_ERR_STATE;
  }
  memset(out, 0, sizeof *out);
  out->suite = c->suite;
  memcpy(out->server_key_id, c->server_key_id, 4);
  p.p = c->device_id;
  p.n = c->device_id_len;
  slmp_sha256(&p, 1, h);
  memcpy(out->device_hash, h, 4);
  memcpy(out->session_id, c->session_id, 16);
  memcpy(out->rs, c->rs, 32);
  out->counter = c->resume_counter;
  out->keepalive = c->keepalive;
  out->max_body = c->server_max_body;
  out->expires = c->expires;
  return SLMP_OK;
}

void slmp_wipe_traffic(slmp_conn *c) {
  mbedtls_platform_zeroize(&c->once, sizeof c->once);
  mbedtls_platform_zeroize(&c->c2s, sizeof c->c2s);
  mbedtls_platform_zeroize(&c->s2c, sizeof c->s2c);
  mbedtls_platform_zeroize(c->device_key, sizeof c->device_key);
  /* rx may hold a peer CLOSE's reason that the caller is about to read; tx never holds a secret in clear
   * once sealed. slmp_wipe() clears both. */
}

void slmp_wipe(slmp_conn *c) {
  mbedtls_platform_zeroize(c, sizeof *c);
  c->state = ST_CLOSED;
}
