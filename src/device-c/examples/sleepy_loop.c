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
static const char *host, *device;
static int port;

static void handle_command(const uint8_t *cmd, size_t len) {
  printf("command: %.*s\n", (int)len, (const char *)cmd);
}

/* One wake-up: 0-RTT when a session is kept, else a full handshake; the ACK of the reading comes after every
 * queued command (spec 6), so waiting for it reads them all. */
static void wake_and_report(const char *reading) {
  slmp_session s;
  slmp_event ev;
  int sent = 0;
  char err[128];
  if (slmp_posix_connect(&io, host, port, 5000, &platform, err, sizeof err) != 0) return; /* retry next wake */
  slmp_init(&conn, &platform, server_key_len == 32 ? 3 : 2, server_key, server_key_len,
            (const uint8_t *)device, strlen(device), device_key);
  if (slmp_session_load(&s, rtc_session) == SLMP_OK && slmp_session_matches(&conn, &s) &&
      slmp_session_advance(&s) == SLMP_OK && slmp_session_save(&s, rtc_session) == SLMP_OK) {
    slmp_start_resume(&conn, &s); /* the counter was saved first (spec 8) */
  } else {
    slmp_start_full(&conn);
  }
  for (;;) {
    if (!sent && slmp_can_send(&conn))
      sent = slmp_send(&conn, (const uint8_t *)"temp", 4, (const uint8_t *)reading, strlen(reading), 1, NULL,
                       NULL) == SLMP_OK;
    if (slmp_posix_next_event(&io, &conn, 5000, &ev) <= 0 || ev.type == SLMP_EV_CLOSED) break;
    if (ev.type == SLMP_EV_ESTABLISHED && slmp_get_session(&conn, &s) == SLMP_OK) slmp_session_save(&s, rtc_session);
    if (ev.type == SLMP_EV_MESSAGE) {
      handle_command(ev.payload, ev.payload_len);
      if (ev.ack_requested) slmp_ack(&conn, ev.seq, SLMP_ACK_ACCEPTED);
    }
    if (ev.type == SLMP_EV_ACK) break;
  }
  if (ev.type == SLMP_EV_CLOSED && ev.by_peer &&
      (ev.close_code == SLMP_CLOSE_SESSION_UNKNOWN || ev.close_code == SLMP_CLOSE_REPLAY))
    memset(rtc_session, 0, sizeof rtc_session); /* refused: a full handshake next time (BUSY keeps it) */
  if (!slmp_is_closed(&conn)) slmp_close(&conn, SLMP_CLOSE_NORMAL, "");
  slmp_posix_finish(&io);
  slmp_wipe(&conn);
  printf("%s: %s\n", sent ? "sent" : "not sent", reading);
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
  device = argv[4];
  wakes = argc == 7 ? atoi(argv[6]) : 3;
  if ((server_key_len != 65 && server_key_len != 32) || unhex(argv[3], server_key, server_key_len) != 0 ||
      unhex(argv[5], device_key, 32) != 0) {
    fprintf(stderr, "error: keys must be hex\n");
    return 2;
  }
  for (i = 0; i < wakes; i++) {
    char reading[32];
    snprintf(reading, sizeof reading, "21.%d", i);
    wake_and_report(reading);
    if (i + 1 < wakes) sleep(1); /* deep sleep on a device */
  }
  return 0;
}
