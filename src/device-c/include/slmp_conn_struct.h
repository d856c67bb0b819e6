/* struct slmp_conn: included by slmp.h so that applications can allocate it (statically, on the stack or in
 * RTC memory). The fields are private to the library. It holds plain bytes only (no pointers into itself, no
 * mbedTLS contexts: those live on the stack during a call), so copying it copies the connection. */
#ifndef SLMP_CONN_STRUCT_H
#define SLMP_CONN_STRUCT_H

#include <stddef.h>
#include <stdint.h>

#include "slmp_config.h"

typedef struct slmp_keys {
  uint8_t key[32];
  uint8_t iv[12];
} slmp_keys;

struct slmp_conn {
  /* The platform callbacks, copied from slmp_platform. */
  int (*random)(void *, uint8_t *, size_t);
  uint64_t (*now)(void *);
  int (*write)(void *, const uint8_t *, size_t);
  void *ctx;

  uint8_t state;
  uint8_t suite;
  uint8_t resumed;
  uint8_t have_session;
  uint8_t device_id_len;
  uint8_t device_id[64];
  uint8_t device_key[32];
  uint8_t server_pub[65];
  uint8_t server_key_id[4];

  /* Handshake: the first frame as sent (HELLO up to 4 + 6 + 65, RESUME 4 + 70), the ephemeral private key. */
  uint8_t first_frame[75];
  uint8_t first_frame_len;
  /* A full handshake needs the ephemeral private key until HELLO_REPLY, a resumption K_early: never both. */
  union {
    uint8_t eph_priv[32];
    slmp_keys early;
  } once;

  slmp_keys c2s, s2c;
  uint32_t last_c2s, last_early, last_s2c;
  uint32_t pending_seq[SLMP_MAX_PENDING_ACKS];
  uint8_t pending_kind[SLMP_MAX_PENDING_ACKS]; /* 0 free, 1 ordinary, 2 early */

  uint8_t session_id[16];
  uint8_t rs[32];
  uint32_t resume_counter;
  uint32_t lifetime;
  uint16_t keepalive;
  uint32_t server_max_body;
  uint64_t expires;

  /* The frame being received: header then body, at most SLMP_DEVICE_MAX_BODY (checked on the header). */
  uint32_t rx_len;
  uint8_t rx[4 + SLMP_DEVICE_MAX_BODY];
  /* The frame being sent. */
  uint8_t tx[4 + SLMP_TX_MAX_BODY];
};

#endif
