/*
 * slmp-send: one message as a device, like the Java `send`, on libslmp and the POSIX adapter. A full handshake
 * with the DATA pipelined behind AUTH, or with --state a resumed session with the DATA as 0-RTT early data.
 * Server DATA (commands) that arrive before the ACK, or within --linger seconds, are printed and acknowledged.
 *
 * Exit codes (as `send`): 0 sent (with --ack: ACCEPTED); 3 NOT_DELIVERED; 4 REJECTED; 100 + code when the
 * server closed the connection with a CLOSE code (104 UNKNOWN_SERVER_KEY, 105 AUTH_FAILED, 110 BUSY, ...);
 * 1 other errors (connection refused, timeout, unreadable key or state file); 2 usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "send_state.h"
#include "slmp.h"
#include "slmp_posix.h"

#define TIMEOUT_MS 10000
#define RESUME_REFUSED (-1000)

static const char USAGE[] =
    "usage: slmp-send [--host H] [--port P] --server-key FILE_OR_HEX --device ID (--device-key HEX | "
    "--device-key-file F) [--suite 1|2|3] [--topic T] [--ack] [--state FILE] [--linger S] MESSAGE...\n"
    "   (exit 0 ok, 3 NOT_DELIVERED, 4 REJECTED, 100+CLOSE code, 1 error, 2 usage)\n";

typedef struct options {
  const char *host;
  int port;
  const char *server_key_arg;
  const char *device;
  const char *device_key_hex;
  const char *device_key_file;
  int suite;
  const char *topic;
  int ack;
  const char *state;
  int linger_s;
  char payload[4096];
  size_t payload_len;
} options;

static options o;
static uint8_t server_key[65];
static size_t server_key_len;
static uint8_t device_key[32];
static slmp_conn conn;
static slmp_posix io;

static const char *suite_name(int s) {
  return s == 1 ? "P256_FERNET" : s == 2 ? "P256_AES128GCM" : "X25519_CHACHA20POLY1305";
}

static int usage(const char *msg) {
  fprintf(stderr, "error: %s\n%s", msg, USAGE);
  return 2;
}

static int number(const char *s, int lo, int hi, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
    return -1;
  }
  *out = (int)v;
  return 0;
}

/* Returns 0, or the exit code 2 after printing the usage error. */
static int parse(int argc, char **argv) {
  int i;
  o.host = "127.0.0.1";
  o.port = 9999;
  o.topic = "";
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--ack") == 0) {
      o.ack = 1;
      continue;
    }
    if (strncmp(a, "--", 2) != 0) {
      size_t l = strlen(a);
      if (o.payload_len + l + 1 >= sizeof o.payload) {
        return usage("MESSAGE too long");
      }
      if (o.payload_len > 0) {
        o.payload[o.payload_len++] = ' ';
      }
      memcpy(o.payload + o.payload_len, a, l);
      o.payload_len += l;
      continue;
    }
    if (v == NULL) {
      return usage("an option needs a value");
    }
    i++;
    if (strcmp(a, "--host") == 0) {
      o.host = v;
    } else if (strcmp(a, "--port") == 0) {
      if (number(v, 1, 65535, &o.port) != 0) {
        return usage("--port must be 1..65535");
      }
    } else if (strcmp(a, "--server-key") == 0) {
      o.server_key_arg = v;
    } else if (strcmp(a, "--device") == 0) {
      o.device = v;
    } else if (strcmp(a, "--device-key") == 0) {
      o.device_key_hex = v;
    } else if (strcmp(a, "--device-key-file") == 0) {
      o.device_key_file = v;
    } else if (strcmp(a, "--suite") == 0) {
      if (number(v, 1, 3, &o.suite) != 0) {
        return usage("--suite must be 1, 2 or 3");
      }
    } else if (strcmp(a, "--topic") == 0) {
      o.topic = v;
    } else if (strcmp(a, "--state") == 0) {
      o.state = v;
    } else if (strcmp(a, "--linger") == 0) {
      if (number(v, 0, 3600, &o.linger_s) != 0) {
        return usage("--linger must be 0..3600 seconds");
      }
    } else {
      return usage("unknown option");
    }
  }
  if (o.server_key_arg == NULL || o.device == NULL || (o.device_key_hex == NULL) == (o.device_key_file == NULL)) {
    return usage("--server-key, --device and one of --device-key or --device-key-file are required");
  }
  if (o.device_key_hex != NULL && send_unhex(o.device_key_hex, device_key, 32) != 0) {
    return usage("--device-key must be 64 hex digits (32 bytes)"); /* never echo the value */
  }
  if (strlen(o.device) < 1 || strlen(o.device) > 64) {
    return usage("--device must be 1 to 64 UTF-8 bytes");
  }
  if (strlen(o.topic) > 255) {
    return usage("--topic must be at most 255 UTF-8 bytes");
  }
  if (o.payload_len == 0) {
    return usage("no MESSAGE given");
  }
  return 0;
}

static void print_text(FILE *to, const uint8_t *b, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    fputc(b[i] < 0x20 || b[i] == 0x7f ? '?' : b[i], to); /* no control characters from the network */
  }
}

/* A command from the server: printed, and acknowledged when it asks for it. */
static void command(const slmp_event *ev) {
  printf("command seq=%lu topic=", (unsigned long)ev->seq);
  print_text(stdout, ev->topic, ev->topic_len);
  printf(" bytes=%lu: ", (unsigned long)ev->payload_len);
  print_text(stdout, ev->payload, ev->payload_len);
  putchar('\n');
  if (ev->ack_requested) {
    (void)slmp_ack(&conn, ev->seq, SLMP_ACK_ACCEPTED);
  }
}

/* The exit code for a connection that ended with ev (CLOSED) or -1 (lost) / 0 (timeout). */
static int ended(int got, const slmp_event *ev, int resuming) {
  if (got == 0) {
    fprintf(stderr, "error: timed out\n");
    if (!slmp_is_closed(&conn)) {
      (void)slmp_close(&conn, SLMP_CLOSE_TIMEOUT, "timed out");
    }
    return 1;
  }
  if (got < 0) {
    fprintf(stderr, "error: connection lost\n");
    return 1;
  }
  if (!ev->by_peer) {
    fprintf(stderr, "error: closed: %s (0x%02X)%s\n", slmp_close_name(ev->close_code), ev->close_code,
            ev->close_code == SLMP_CLOSE_AUTH_FAILED ? " (the server could not prove it holds --server-key)" : "");
    return 1;
  }
  if (resuming && !slmp_is_established(&conn) &&
      (ev->close_code == SLMP_CLOSE_SESSION_UNKNOWN || ev->close_code == SLMP_CLOSE_REPLAY)) {
    fprintf(stderr, "resume refused (%s): ticket dropped; full handshake, resending the message\n",
            slmp_close_name(ev->close_code));
    return RESUME_REFUSED;
  }
  fprintf(stderr, "error: closed by server: %s (0x%02X) ", slmp_close_name(ev->close_code), ev->close_code & 0xFF);
  print_text(stderr, ev->payload, ev->payload_len);
  fprintf(stderr, "%s\n",
          ev->close_code == SLMP_CLOSE_AUTH_FAILED        ? " (check --device and --device-key)"
          : ev->close_code == SLMP_CLOSE_UNKNOWN_SERVER_KEY ? " (the server does not hold this --server-key)"
          : ev->close_code == SLMP_CLOSE_BUSY               ? " (session kept; retry later)"
                                                            : "");
  /* as `send`: 100 + code for a defined code; 1 for a CLOSE with no code or an undefined one */
  return ev->close_code >= 0 && ev->close_code <= SLMP_CLOSE_DECRYPT_FAILED ? 100 + ev->close_code : 1;
}

static int64_t established_ms; /* connect to WELCOME/RESUMED, for SLMP_SEND_STATS */

/* One connection: connect, handshake, send, wait for the ACK and commands, close. */
static int connection(const slmp_session *resume) {
  slmp_platform platform;
  slmp_event ev;
  char err[256];
  uint32_t seq = 0;
  int sent = 0;
  int got;
  int code = 0;
  int64_t end;
  if (slmp_posix_connect(&io, o.host, o.port, TIMEOUT_MS, &platform, err, sizeof err) != 0) {
    fprintf(stderr, "error: %s\n", err);
    return 1;
  }
  if (slmp_init(&conn, &platform, (uint8_t)o.suite, server_key, server_key_len, (const uint8_t *)o.device,
                strlen(o.device), device_key) != SLMP_OK ||
      (resume != NULL ? slmp_start_resume(&conn, resume) : slmp_start_full(&conn)) != SLMP_OK) {
    fprintf(stderr, "error: cannot start the handshake\n");
    slmp_posix_finish(&io);
    return 1;
  }
  end = slmp_posix_millis() + TIMEOUT_MS;
  established_ms = slmp_posix_millis();
  for (;;) {
    if (!sent && slmp_can_send(&conn)) { /* 0-RTT behind RESUME, or pipelined behind AUTH */
      int rc = slmp_send(&conn, (const uint8_t *)o.topic, strlen(o.topic), (const uint8_t *)o.payload,
                         o.payload_len, o.ack, &seq, NULL);
      if (rc != SLMP_OK) {
        fprintf(stderr, "error: cannot send the message (%s)\n",
                rc == SLMP_ERR_TOO_LARGE ? "too large for this build or the server's max_body" : "state");
        (void)slmp_close(&conn, SLMP_CLOSE_NORMAL, "");
        slmp_posix_finish(&io);
        return 1;
      }
      sent = 1;
    }
    if (slmp_is_established(&conn)) {
      break;
    }
    got = slmp_posix_next_event(&io, &conn, (int)(end - slmp_posix_millis()), &ev);
    if (got <= 0 || ev.type == SLMP_EV_CLOSED) {
      code = ended(got, &ev, resume != NULL);
      slmp_posix_finish(&io);
      return code;
    }
  }
  established_ms = slmp_posix_millis() - established_ms;
  if (resume != NULL) {
    printf("connected: resumed session %02x%02x%02x%02x\n", resume->session_id[0], resume->session_id[1],
           resume->session_id[2], resume->session_id[3]);
  } else {
    slmp_session s;
    printf("connected: full handshake, suite %s\n", suite_name(o.suite));
    if (o.state != NULL && slmp_get_session(&conn, &s) == SLMP_OK && send_state_save(o.state, &s) != 0) {
      fprintf(stderr, "warning: state file %s could not be written\n", o.state);
    }
    mbedtls_platform_zeroize(&s, sizeof s);
  }
  printf("sent seq=%lu topic=%s bytes=%lu\n", (unsigned long)seq, o.topic, (unsigned long)o.payload_len);
  fflush(stdout);
  /* Queued commands come before the ACK of our DATA (spec 6): waiting for the ACK reads them all. */
  while (o.ack && slmp_pending_acks(&conn) > 0) {
    got = slmp_posix_next_event(&io, &conn, (int)(end - slmp_posix_millis()), &ev);
    if (got <= 0 || ev.type == SLMP_EV_CLOSED) {
      code = ended(got, &ev, 0);
      slmp_posix_finish(&io);
      return code;
    }
    if (ev.type == SLMP_EV_MESSAGE) {
      command(&ev);
    } else if (ev.type == SLMP_EV_ACK) {
      static const char *const names[] = {"ACCEPTED", "NOT_DELIVERED", "REJECTED"};
      printf("ack seq=%lu %s%s\n", (unsigned long)ev.seq, names[ev.status], ev.early ? " early" : "");
      code = ev.status == SLMP_ACK_ACCEPTED ? 0 : ev.status == SLMP_ACK_NOT_DELIVERED ? 3 : 4;
    }
  }
  end = slmp_posix_millis() + 1000L * o.linger_s;
  while (slmp_posix_millis() < end) {
    got = slmp_posix_next_event(&io, &conn, (int)(end - slmp_posix_millis()), &ev);
    if (got < 0 || ev.type == SLMP_EV_CLOSED) {
      code = got < 0 ? code : ended(got, &ev, 0);
      slmp_posix_finish(&io);
      return code;
    }
    if (got > 0 && ev.type == SLMP_EV_MESSAGE) {
      command(&ev);
    }
  }
  fflush(stdout);
  (void)slmp_close(&conn, SLMP_CLOSE_NORMAL, "");
  slmp_posix_finish(&io);
  return code;
}

/* A connection, and with SLMP_SEND_STATS=1 in the environment its bytes on the air (TCP payload both ways). */
static int attempt(const slmp_session *resume) {
  int code = connection(resume);
  slmp_wipe(&conn); /* keys, rs and the device key: zeroed once the connection is over */
  const char *stats = getenv("SLMP_SEND_STATS");
  if (stats != NULL && strcmp(stats, "1") == 0) {
    fprintf(stderr, "stats: %s bytes_out=%lu bytes_in=%lu total=%lu handshake_ms=%ld\n",
            resume != NULL ? "resumed" : "full", (unsigned long)io.bytes_out, (unsigned long)io.bytes_in,
            (unsigned long)(io.bytes_out + io.bytes_in), (long)established_ms);
  }
  return code;
}

/* The stored session if it can be used now with this server key, device and suite, else 0 (noted). */
static int usable(slmp_session *s) {
  slmp_platform p;
  uint8_t probe_key[32] = {0};
  int rc = send_state_load(o.state, s);
  const char *why = NULL;
  if (rc < 0) {
    fprintf(stderr, "warning: state file %s is not a valid session; doing a full handshake\n", o.state);
    return 0;
  }
  if (rc == 0) {
    return 0;
  }
  /* A connection that is never started, to check the session's binding (slmp_session_matches). */
  p.random = slmp_posix_random;
  p.now = slmp_posix_now;
  p.write = slmp_posix_write;
  p.ctx = NULL;
  if (slmp_init(&conn, &p, (uint8_t)o.suite, server_key, server_key_len, (const uint8_t *)o.device,
                strlen(o.device), probe_key) != SLMP_OK) {
    return 0;
  }
  why = !slmp_session_matches(&conn, s)                        ? "made for another server key, device or suite"
        : s->expires != 0 && s->expires <= slmp_posix_now(NULL) ? "expired"
        : s->counter == 0xFFFFFFFFu                             ? "out of resume counters"
                                                                : NULL;
  slmp_wipe(&conn);
  if (why != NULL) {
    fprintf(stderr, "stored session %s: doing a full handshake\n", why);
    return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  char err[256];
  slmp_session s;
  int code = parse(argc, argv);
  if (code != 0) {
    return code;
  }
  if (send_server_key(o.server_key_arg, server_key, &server_key_len, err, sizeof err) != 0 ||
      (o.device_key_file != NULL && send_device_key_file(o.device_key_file, device_key, err, sizeof err) != 0)) {
    fprintf(stderr, "error: %s\n", err);
    return 1;
  }
  if (o.suite == 0) {
    o.suite = server_key_len == 65 ? 1 : 3;
  } else if ((o.suite == 3) != (server_key_len == 32)) {
    return usage("--suite does not match the server key's group");
  }
  if (o.state != NULL && usable(&s)) {
    if (slmp_session_advance(&s) != SLMP_OK || send_state_save(o.state, &s) != 0) { /* spec 8: before RESUME */
      fprintf(stderr, "error: state file %s: cannot store the resume counter\n", o.state);
      return 1;
    }
    code = attempt(&s);
    mbedtls_platform_zeroize(&s, sizeof s);
    if (code != RESUME_REFUSED) {
      return code;
    }
    send_state_delete(o.state);
  }
  code = attempt(NULL);
  mbedtls_platform_zeroize(device_key, sizeof device_key);
  return code == RESUME_REFUSED ? 1 : code;
}
