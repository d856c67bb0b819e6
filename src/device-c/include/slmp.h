/*
 * libslmp: the device side of SLMP/1 revision 2 (spec: ../shared/spec/SLMP-1.md), sans-I/O.
 *
 * The library never allocates (mbedTLS's bignum code does, see the README), never reads a socket and never reads
 * a clock by itself: the application owns one slmp_conn (a compile-time constant size), feeds it the bytes it
 * received with slmp_feed() and gets frames to send through its write callback. Randomness and the time come
 * from two more callbacks. Everything is single-threaded: one connection, one caller at a time.
 */
#ifndef SLMP_H
#define SLMP_H

#include <stddef.h>
#include <stdint.h>

#include "slmp_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- suites, codes ------------------------------------------------------------------------------ */

#define SLMP_SUITE_P256_FERNET 1
#define SLMP_SUITE_P256_AES128GCM 2
#define SLMP_SUITE_X25519_CHACHA20POLY1305 3

/* CLOSE codes (spec 6). */
#define SLMP_CLOSE_NORMAL 0x00
#define SLMP_CLOSE_PROTOCOL_ERROR 0x01
#define SLMP_CLOSE_UNSUPPORTED_VERSION 0x02
#define SLMP_CLOSE_UNSUPPORTED_SUITE 0x03
#define SLMP_CLOSE_UNKNOWN_SERVER_KEY 0x04
#define SLMP_CLOSE_AUTH_FAILED 0x05
#define SLMP_CLOSE_SESSION_UNKNOWN 0x06
#define SLMP_CLOSE_REPLAY 0x07
#define SLMP_CLOSE_FRAME_TOO_LARGE 0x08
#define SLMP_CLOSE_TIMEOUT 0x09
#define SLMP_CLOSE_BUSY 0x0A
#define SLMP_CLOSE_INTERNAL_ERROR 0x0B
#define SLMP_CLOSE_DECRYPT_FAILED 0x0C
#define SLMP_CLOSE_NO_CODE (-1) /* a CLOSE with an empty body */

/* ACK status (spec 6). */
#define SLMP_ACK_ACCEPTED 0
#define SLMP_ACK_NOT_DELIVERED 1
#define SLMP_ACK_REJECTED 2

/* Return values of the API functions: 0 is success. */
#define SLMP_OK 0
#define SLMP_ERR_ARG (-1)       /* a bad argument (key, id, topic not UTF-8, unsupported suite, ...) */
#define SLMP_ERR_STATE (-2)     /* not allowed in the connection's current state */
#define SLMP_ERR_TOO_LARGE (-3) /* the frame would exceed SLMP_TX_MAX_BODY or the server's max_body */
#define SLMP_ERR_PLATFORM (-4)  /* the random or write callback failed: the connection is closed */
#define SLMP_ERR_FULL (-5)      /* SLMP_MAX_PENDING_ACKS DATA already await an ACK */
#define SLMP_ERR_EXHAUSTED (-6) /* the sequence or resume counter is used up: CLOSE(NORMAL) sent */
#define SLMP_ERR_CRYPTO (-7)    /* mbedTLS failed (out of heap, ...): the connection is closed */

/* ---- the three callbacks ---------------------------------------------------------------------- */

typedef struct slmp_platform {
  /* Fills out[0..len) with cryptographically strong random bytes (ephemeral keys, nonce_c, Fernet ivs). 0 = ok. */
  int (*random)(void *ctx, uint8_t *out, size_t len);
  /* Unix time in seconds; only Fernet timestamps and the session's expiry use it (a clockless device may
   * return 0: receivers never check Fernet timestamps, and the server enforces expiry). */
  uint64_t (*now)(void *ctx);
  /* Sends bytes to the server (all of them, in order, or fails). 0 = ok. Called from inside slmp_* calls. */
  int (*write)(void *ctx, const uint8_t *data, size_t len);
  void *ctx;
} slmp_platform;

/* ---- the session the device keeps between sleeps (spec 8) ------------------------------------- */

typedef struct slmp_session {
  uint8_t suite;
  uint8_t server_key_id[4];
  uint8_t device_hash[4]; /* SHA-256(device_id)[0:4]: a session is never offered for another device */
  uint8_t session_id[16];
  uint8_t rs[32]; /* secret */
  uint32_t counter; /* the last resume counter used (0: never resumed) */
  uint16_t keepalive;
  uint32_t max_body;
  uint64_t expires; /* Unix seconds by the device's clock (0 if it has none) */
} slmp_session;

/*
 * The serialised session, SLMP_SESSION_BYTES bytes, layout version 1 (integers big-endian):
 *   0 'S' 'L'  2 version=1  3 suite  4 server key_id[4]  8 device_hash[4]  12 session_id[16]  28 rs[32]
 *   60 counter u32  64 keepalive u16  66 max_body u24  69 expires u64  77 check[4] = SHA-256(bytes 0..76)[0:4]
 * The check catches a torn or corrupted RTC/flash copy; it is no protection against an attacker (rs is a
 * secret: keep the bytes where only the device can read them).
 */
#define SLMP_SESSION_BYTES 81
#define SLMP_SESSION_LAYOUT 1

int slmp_session_save(const slmp_session *s, uint8_t out[SLMP_SESSION_BYTES]);
/* SLMP_OK, or SLMP_ERR_ARG when the bytes are not a version-1 session (wrong magic, version, check, suite). */
int slmp_session_load(slmp_session *s, const uint8_t in[SLMP_SESSION_BYTES]);
/* Takes the next resume counter. Spec 8: store the session (with this counter) BEFORE slmp_start_resume. */
int slmp_session_advance(slmp_session *s);

/* ---- events --------------------------------------------------------------------------------- */

typedef enum slmp_event_type {
  SLMP_EV_NONE = 0,    /* need more bytes */
  SLMP_EV_AUTH_SENT,   /* HELLO_REPLY checked, AUTH written: DATA may be sent now, pipelined before WELCOME */
  SLMP_EV_ESTABLISHED, /* WELCOME or RESUMED: slmp_get_session() now has the session to keep */
  SLMP_EV_MESSAGE,     /* a DATA from the server (a command); answer with slmp_ack() if ack_requested */
  SLMP_EV_ACK,         /* the server acknowledged one of our DATA */
  SLMP_EV_PONG,
  SLMP_EV_CLOSED       /* the connection is over (by_peer: the server sent CLOSE; else we did) */
} slmp_event_type;

typedef struct slmp_event {
  slmp_event_type type;
  uint32_t seq;     /* MESSAGE: its seq (pass it to slmp_ack); ACK: the seq of our DATA it acknowledges */
  int early;        /* ACK: it acknowledges an EARLY DATA (early seqs count separately) */
  int ack_requested;/* MESSAGE */
  uint8_t status;   /* ACK */
  int close_code;   /* CLOSED: the code, or SLMP_CLOSE_NO_CODE */
  int by_peer;      /* CLOSED */
  /* MESSAGE: topic/payload, CLOSED by peer: reason (not terminated). They point into the connection's
   * buffer and stay valid until the next slmp_feed(). */
  const uint8_t *topic;
  size_t topic_len;
  const uint8_t *payload;
  size_t payload_len;
} slmp_event;

/* ---- the connection -------------------------------------------------------------------------- */

#include "slmp_conn_struct.h" /* struct slmp_conn: fields are private; its size is the footprint */

typedef struct slmp_conn slmp_conn;

/*
 * Sets the connection up. server_pub: the server's static key in the spec's encoding (65 bytes P-256, 32 bytes
 * X25519), validated here; device_id: 1..64 bytes of UTF-8; device_key: 32 bytes. Copies everything it keeps.
 */
int slmp_init(slmp_conn *c, const slmp_platform *platform, uint8_t suite, const uint8_t *server_pub,
              size_t server_pub_len, const uint8_t *device_id, size_t device_id_len, const uint8_t device_key[32]);
/* Sends HELLO. */
int slmp_start_full(slmp_conn *c);
/* 1 when s was made for this connection's suite, server key and device (slmp_start_resume requires it). */
int slmp_session_matches(const slmp_conn *c, const slmp_session *s);
/* Sends RESUME for s (advanced and stored by the caller). SLMP_ERR_ARG when s is for another suite, server key
 * or device. */
int slmp_start_resume(slmp_conn *c, const slmp_session *s);
/* Feeds received bytes; returns how many it consumed (it stops after one event). Call again with the rest. */
size_t slmp_feed(slmp_conn *c, const uint8_t *data, size_t len, slmp_event *ev);

/* DATA: as EARLY DATA while RESUME is unanswered, otherwise ordinary (pipelined behind AUTH is fine).
 * Not before HELLO_REPLY (SLMP_ERR_STATE: see slmp_can_send). seq_out/early_out may be NULL. */
int slmp_send(slmp_conn *c, const uint8_t *topic, size_t topic_len, const uint8_t *payload, size_t payload_len,
              int ack_requested, uint32_t *seq_out, int *early_out);
int slmp_can_send(const slmp_conn *c);
/* Answers a server DATA that asked for an ACK. */
int slmp_ack(slmp_conn *c, uint32_t seq, uint8_t status);
int slmp_ping(slmp_conn *c);
/* Sends CLOSE(code, reason) and ends the connection; the caller then half-closes and drains (spec 2). */
int slmp_close(slmp_conn *c, uint8_t code, const char *reason);

int slmp_is_established(const slmp_conn *c);
int slmp_is_closed(const slmp_conn *c);
int slmp_is_resumed(const slmp_conn *c);
/* DATA sent with ACK_REQUESTED and not yet acknowledged. */
int slmp_pending_acks(const slmp_conn *c);
/* The session to keep: SLMP_OK after ESTABLISHED if the server keeps one (lifetime > 0), else SLMP_ERR_STATE. */
int slmp_get_session(const slmp_conn *c, slmp_session *out);
/* Zeroes every secret in the connection (call when done; slmp_close and a peer's CLOSE do it too). */
void slmp_wipe(slmp_conn *c);

const char *slmp_close_name(int code);

#ifdef __cplusplus
}
#endif

#endif
