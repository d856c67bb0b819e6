/*
 * A sleepy device's loop on libslmp: wake, resume (0-RTT) or do a full handshake, send a reading, read the
 * commands the server queued, keep the session in "RTC memory", sleep. On a microcontroller rtc_session lives
 * in RTC/retention RAM or flash and slmp_posix_* is your network stack; here it runs on Linux.
 * Usage: sleepy_loop HOST PORT SERVER_KEY_HEX DEVICE_ID DEVICE_KEY_HEX [WAKES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slmp.h"
#include "slmp_posix.h"

static uint8_t rtc_session[SLMP_SESSION_BYTES]; /* survives deep sleep on a real device */
static slmp_conn conn;                          /* 1.9 KB: static, never on a small task stack */
static slmp_posix io;
static slmp_platform platform;
static uint8_t server_key[65], device_key[32];
static size_t server_key_len;
static const char *host;
static const uint8_t *device;
static int port;

static const uint8_t topic[4] = {'t', 'e', 'm', 'p'};
static char err[128];
static size_t device_len;
static uint8_t suite;

static void handle_command(slmp_conn *c, const slmp_event *ev) {
  printf("command: %.*s\n", (int)ev->payload_len, (const char *)ev->payload);
  if (ev->ack_requested) slmp_ack(c, ev->seq, SLMP_ACK_ACCEPTED);
}

/* One wake-up: 0-RTT when a session is kept, else a full handshake. The ACK of the reading comes after every
 * command the server queued (spec 6), so waiting for it reads them all. (Quoted in the README.) */
static void wake_and_report(const uint8_t *reading) {
  slmp_session s;
  slmp_event ev;
  int sent = 0;
  ev.type = SLMP_EV_NONE;
  if (slmp_posix_connect(&io, host, port, 5000, &platform, err, sizeof err) != 0) return; /* next wake */
  slmp_init(&conn, &platform, suite, server_key, server_key_len, device, device_len, device_key);
  if (slmp_session_load(&s, rtc_session) == SLMP_OK && slmp_session_matches(&conn, &s) &&
      slmp_session_advance(&s) == SLMP_OK && slmp_session_save(&s, rtc_session) == SLMP_OK)
    slmp_start_resume(&conn, &s); /* the counter is saved first (spec 8); the reading goes as 0-RTT data */
  else
    slmp_start_full(&conn);
  while (ev.type != SLMP_EV_ACK && ev.type != SLMP_EV_CLOSED) {
    if (!sent && slmp_can_send(&conn)) sent = slmp_send(&conn, topic, 4, reading, 4, 1, NULL, NULL) == SLMP_OK;
    if (slmp_posix_next_event(&io, &conn, 5000, &ev) <= 0) break;
    if (ev.type == SLMP_EV_ESTABLISHED && slmp_get_session(&conn, &s) == SLMP_OK) slmp_session_save(&s, rtc_session);
    if (ev.type == SLMP_EV_MESSAGE) handle_command(&conn, &ev); /* acknowledges it when asked */
  }
  if (ev.type == SLMP_EV_CLOSED && ev.by_peer &&
      (ev.close_code == SLMP_CLOSE_SESSION_UNKNOWN || ev.close_code == SLMP_CLOSE_REPLAY))
    memset(rtc_session, 0, sizeof rtc_session); /* session refused: a full handshake next time */
  if (!slmp_is_closed(&conn)) slmp_close(&conn, SLMP_CLOSE_NORMAL, "");
  slmp_posix_finish(&io);
  slmp_wipe(&conn);
}

static int unhex(const char *h, uint8_t *out, size_t n) {
  size_t i;
  unsigned v;
  if (strlen(h) != 2 * n) return -1;
  for (i = 0; i < n; i++) {
    if (sscanf(h + 2 * i, "%2x", &v) != 1) return -1;
    out[i] = (uint8_t)v;
  }
  return 0;
}

int main(int argc, char **argv) {
  int wakes;
  int i;
  if (argc < 6 || argc > 7) {
    fprintf(stderr, "usage: sleepy_loop HOST PORT SERVER_KEY_HEX DEVICE_ID DEVICE_KEY_HEX [WAKES]\n");
    return 2;
  }
  host = argv[1];
  port = atoi(argv[2]);
  server_key_len = strlen(argv[3]) / 2;
  device = (const uint8_t *)argv[4];
  device_len = strlen(argv[4]);
  wakes = argc == 7 ? atoi(argv[6]) : 3;
  if ((server_key_len != 65 && server_key_len != 32) || unhex(argv[3], server_key, server_key_len) != 0 ||
      unhex(argv[5], device_key, 32) != 0) {
    fprintf(stderr, "error: keys must be hex\n");
    return 2;
  }
  suite = server_key_len == 32 ? SLMP_SUITE_X25519_CHACHA20POLY1305 : SLMP_SUITE_P256_AES128GCM;
  for (i = 0; i < wakes; i++) {
    uint8_t reading[8];
    snprintf((char *)reading, sizeof reading, "21.%d", i % 10); /* 4 bytes: a real sensor's reading */
    printf("wake %d: reading %s\n", i + 1, (const char *)reading);
    wake_and_report(reading);
    if (i + 1 < wakes) sleep(1); /* deep sleep on a device */
  }
  return 0;
}
