/* Shared between the library's files; not for applications. */
#ifndef SLMP_INTERNAL_H
#define SLMP_INTERNAL_H

#include "slmp.h"
#include "slmp_crypto.h"

enum {
  ST_NEW = 0,
  ST_HELLO_SENT,
  ST_AUTH_SENT,
  ST_RESUME_SENT,
  ST_ESTABLISHED,
  ST_CLOSED
};

/* Frame types (spec 2). */
#define T_HELLO 0x01
#define T_HELLO_REPLY 0x02
#define T_AUTH 0x03
#define T_WELCOME 0x04
#define T_RESUME 0x05
#define T_RESUMED 0x06
#define T_DATA 0x10
#define T_ACK 0x11
#define T_PING 0x12
#define T_PONG 0x13
#define T_CLOSE 0x1F

#define FLAG_ACK_REQUESTED 0x01
#define FLAG_EARLY 0x02
#define SEALED_PREFIX 5 /* flags u8 || seq u32 */

void slmp_put_u16(uint8_t *p, uint32_t v);
void slmp_put_u24(uint8_t *p, uint32_t v);
void slmp_put_u32(uint8_t *p, uint32_t v);
uint32_t slmp_get_u16(const uint8_t *p);
uint32_t slmp_get_u24(const uint8_t *p);
uint32_t slmp_get_u32(const uint8_t *p);
/* 1 when b[0..n) is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF). */
int slmp_utf8_ok(const uint8_t *b, size_t n);

/* Writes the frame whose body (body_len bytes) is already at c->tx + 4. */
int slmp_emit(slmp_conn *c, uint8_t type, size_t body_len);
/* Sends CLOSE(code), ends the connection and reports it in ev (by_peer 0). */
void slmp_fail(slmp_conn *c, int code, slmp_event *ev);
/* The frame handlers of slmp_data.c; each reports what happened in ev or fails the connection. */
void slmp_on_welcome(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev);
void slmp_on_data(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev);
void slmp_on_ack(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev);
/* Zeroes keys and the ephemeral key; keeps the session (rs) for slmp_get_session after a close. */
void slmp_wipe_traffic(slmp_conn *c);
/* Derives K_c2s, K_s2c (and rs, session_id after a full handshake) from ms (spec 5). */
void slmp_traffic_keys(slmp_conn *c, const uint8_t ms[32], int full);

#endif
