/* Framing (spec 2): the incremental decoder, the encoder, CLOSE, and byte helpers. */
#include <string.h>

#include <mbedtls/platform_util.h>

#include "slmp_internal.h"

void slmp_put_u16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

void slmp_put_u24(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 16);
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)v;
}

void slmp_put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  slmp_put_u24(p + 1, v);
}

uint32_t slmp_get_u16(const uint8_t *p) {
  return ((uint32_t)p[0] << 8) | p[1];
}

uint32_t slmp_get_u24(const uint8_t *p) {
  return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

uint32_t slmp_get_u32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | slmp_get_u24(p + 1);
}

int slmp_utf8_ok(const uint8_t *b, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = b[i];
    size_t more;
    uint32_t cp;
    uint32_t min;
    size_t k;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1, cp = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      more = 2, cp = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      more = 3, cp = c & 0x07u, min = 0x10000;
    } else {
      return 0; /* a continuation byte, C0/C1 (overlong) or F5..FF */
    }
    if (n - i <= more) {
      return 0;
    }
    for (k = 1; k <= more; k++) {
      if ((b[i + k] & 0xC0) != 0x80) {
        return 0;
      }
      cp = (cp << 6) | (b[i + k] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return 0;
    }
    i += more + 1;
  }
  return 1;
}

int slmp_emit(slmp_conn *c, uint8_t type, size_t body_len) {
  c->tx[0] = type;
  slmp_put_u24(c->tx + 1, (uint32_t)body_len);
  if (c->write(c->ctx, c->tx, 4 + body_len) != 0) {
    c->state = ST_CLOSED;
    slmp_wipe_traffic(c);
    return SLMP_ERR_PLATFORM;
  }
  return SLMP_OK;
}

const char *slmp_close_name(int code) {
  static const char *const names[] = {"NORMAL", "PROTOCOL_ERROR", "UNSUPPORTED_VERSION", "UNSUPPORTED_SUITE",
                                      "UNKNOWN_SERVER_KEY", "AUTH_FAILED", "SESSION_UNKNOWN", "REPLAY",
                                      "FRAME_TOO_LARGE", "TIMEOUT", "BUSY", "INTERNAL_ERROR", "DECRYPT_FAILED"};
  if (code < 0) {
    return "NO_CODE";
  }
  return code < (int)(sizeof names / sizeof names[0]) ? names[code] : "UNKNOWN_CODE";
}

static int send_close(slmp_conn *c, uint8_t code, const char *reason) {
  size_t n = reason == NULL ? 0 : strlen(reason);
  if (n > 254) {
    n = 254; /* callers pass short ASCII reasons: no UTF-8 sequence is cut */
  }
  c->tx[4] = code;
  if (n > 0) {
    memcpy(c->tx + 5, reason, n);
  }
  c->state = ST_CLOSED;
  (void)slmp_emit(c, T_CLOSE, 1 + n);
  slmp_wipe_traffic(c);
  return SLMP_OK;
}

int slmp_close(slmp_conn *c, uint8_t code, const char *reason) {
  if (c->state == ST_CLOSED) {
    return SLMP_ERR_STATE;
  }
  return send_close(c, code, reason);
}

void slmp_fail(slmp_conn *c, int code, slmp_event *ev) {
  /* The reason names the code only: nothing from the peer or a secret is echoed. */
  (void)send_close(c, (uint8_t)code, slmp_close_name(code));
  memset(ev, 0, sizeof *ev);
  ev->type = SLMP_EV_CLOSED;
  ev->close_code = code;
}

static void on_close(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev) {
  c->state = ST_CLOSED;
  slmp_wipe_traffic(c);
  ev->type = SLMP_EV_CLOSED;
  ev->by_peer = 1;
  ev->close_code = len > 0 ? body[0] : SLMP_CLOSE_NO_CODE;
  ev->payload = len > 1 ? body + 1 : body;
  ev->payload_len = len > 1 ? len - 1 : 0;
}

/* The state in which a device accepts each type (spec 7), -1 for a type it never accepts. */
static int state_for(uint8_t type) {
  switch (type) {
    case T_HELLO_REPLY:
      return ST_HELLO_SENT;
    case T_WELCOME:
      return ST_AUTH_SENT;
    case T_RESUMED:
      return ST_RESUME_SENT;
    case T_DATA:
    case T_ACK:
    case T_PING:
    case T_PONG:
      return ST_ESTABLISHED;
    default:
      return -1;
  }
}

void slmp_on_hello_reply(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev);
void slmp_on_resumed(slmp_conn *c, uint8_t *body, size_t len, slmp_event *ev);

static void handle(slmp_conn *c, uint8_t type, uint8_t *body, size_t len, slmp_event *ev) {
  if (type == T_CLOSE) {
    on_close(c, body, len, ev);
    return;
  }
  if (state_for(type) != (int)c->state) {
    slmp_fail(c, SLMP_CLOSE_PROTOCOL_ERROR, ev);
    return;
  }
  switch (type) {
    case T_HELLO_REPLY:
      slmp_on_hello_reply(c, body, len, ev);
      break;
    case T_WELCOME:
      slmp_on_welcome(c, body, len, ev);
      break;
    case T_RESUMED:
      slmp_on_resumed(c, body, len, ev);
      break;
    case T_DATA:
      slmp_on_data(c, body, len, ev);
      break;
    case T_ACK:
      slmp_on_ack(c, body, len, ev);
      break;
    default: /* PING, PONG: empty bodies (spec 2) */
      if (len != 0) {
        slmp_fail(c, SLMP_CLOSE_PROTOCOL_ERROR, ev);
      } else if (type == T_PING) {
        if (slmp_emit(c, T_PONG, 0) != SLMP_OK) {
          ev->type = SLMP_EV_CLOSED; /* the write callback failed: the connection is over */
          ev->close_code = SLMP_CLOSE_INTERNAL_ERROR;
        }
      } else {
        ev->type = SLMP_EV_PONG;
      }
      break;
  }
}

size_t slmp_feed(slmp_conn *c, const uint8_t *data, size_t len, slmp_event *ev) {
  size_t used = 0;
  memset(ev, 0, sizeof *ev);
  while (used < len && c->state != ST_CLOSED) {
    size_t want;
    size_t take;
    if (c->rx_len < 4) {
      want = 4 - c->rx_len;
    } else {
      want = 4 + (size_t)slmp_get_u24(c->rx + 1) - c->rx_len;
    }
    take = len - used < want ? len - used : want;
    memcpy(c->rx + c->rx_len, data + used, take);
    c->rx_len += (uint32_t)take;
    used += take;
    if (c->rx_len == 4 && slmp_get_u24(c->rx + 1) > SLMP_DEVICE_MAX_BODY) {
      /* Decided on the header alone, before type or state; the body is never buffered (spec 2). */
      c->rx_len = 0;
      slmp_fail(c, SLMP_CLOSE_FRAME_TOO_LARGE, ev);
      return used;
    }
    if (c->rx_len >= 4 && c->rx_len == 4 + slmp_get_u24(c->rx + 1)) {
      size_t body_len = c->rx_len - 4;
      c->rx_len = 0;
      handle(c, c->rx[0], c->rx + 4, body_len, ev);
      if (ev->type != SLMP_EV_NONE) {
        return used; /* one event per call: its pointers into rx stay valid until the next feed */
      }
    }
  }
  /* After CLOSE, what still arrives is read and discarded (spec 2: the caller drains the socket). */
  return len;
}
