/*
 * The SLMP/1 vectors, device side, byte for byte: runs the scripts gen_vectors.py made from
 * the JSON files of ../shared/vectors/slmp1 (full handshake, data/ack, resumption, every case a device must refuse,
 * primitives), and flips one bit in every byte of every server frame of the positive files (each must be
 * refused, or left incomplete: never accepted). Usage: slmp-vectors SCRIPT_DIR. Exit 0 when all pass.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slmp_crypto.h"
#include "vt.h"

typedef struct vt_case {
  const char *file;
  char name[128];
  slmp_conn conn;
  slmp_platform cb;
  vt_platform plat;
  uint8_t suite;
  uint8_t server_key[65];
  size_t server_key_len;
  uint8_t device_id[64];
  size_t device_id_len;
  uint8_t device_key[32];
  slmp_session ticket;
  int started;
  int broken; /* a failure was reported: skip the rest of the case */
  slmp_event last; /* the event of the last "in" */
  long flips;
  long fuzzed;
} vt_case;

static vt_case k;
static slmp_conn snapshot_conn;
static vt_platform snapshot_plat;
static uint8_t frame[VT_MAX_BYTES];
static uint8_t bytes[VT_MAX_BYTES];
static long total_flips;
static long total_fuzzed;

static void fail(const char *what) {
  vt_fail(k.file, k.name, what);
  k.broken = 1;
}

/* Feeds a whole frame; returns the first event (a second one in the same bytes is a failure). */
static int bytewise; /* feed one byte per call: the decoder must assemble frames across calls */

static slmp_event feed_all(const uint8_t *data, size_t len) {
  slmp_event first;
  size_t used = 0;
  memset(&first, 0, sizeof first);
  while (used < len) {
    slmp_event ev;
    used += slmp_feed(&k.conn, data + used, bytewise ? 1 : len - used, &ev);
    if (ev.type != SLMP_EV_NONE) {
      if (first.type != SLMP_EV_NONE) {
        fail("two events from one frame");
      }
      first = ev;
    }
  }
  return first;
}

static void setup(void) {
  if (slmp_init(&k.conn, &k.cb, k.suite, k.server_key, k.server_key_len, k.device_id, k.device_id_len,
                k.device_key) != SLMP_OK) {
    fail("slmp_init refused the vector's keys");
  }
  k.started = 1;
}

static void act(char **t, int n) {
  int rc = -100;
  if (!k.started) {
    setup();
  }
  if (strcmp(t[1], "start_full") == 0) {
    rc = slmp_start_full(&k.conn);
  } else if (strcmp(t[1], "start_resume") == 0) {
    slmp_part p;
    uint8_t h[32];
    p.p = k.server_key;
    p.n = k.server_key_len;
    slmp_sha256(&p, 1, h);
    memcpy(k.ticket.server_key_id, h, 4);
    p.p = k.device_id;
    p.n = k.device_id_len;
    slmp_sha256(&p, 1, h);
    memcpy(k.ticket.device_hash, h, 4);
    rc = slmp_session_advance(&k.ticket);
    if (rc == SLMP_OK) {
      rc = slmp_start_resume(&k.conn, &k.ticket);
    }
  } else if (strcmp(t[1], "send") == 0 && n == 5) {
    int flags = atoi(t[2]);
    long tl = vt_hex(t[3], frame, sizeof frame);
    long pl = vt_hex(t[4], bytes, sizeof bytes);
    int early = -1;
    rc = slmp_send(&k.conn, frame, (size_t)tl, bytes, (size_t)pl, flags & 1, NULL, &early);
    if (rc == SLMP_OK && early != ((flags & 2) != 0)) {
      fail("EARLY flag differs");
    }
  } else if (strcmp(t[1], "ack") == 0 && n == 4) {
    rc = slmp_ack(&k.conn, (uint32_t)strtoul(t[2], NULL, 10), (uint8_t)atoi(t[3]));
  } else if (strcmp(t[1], "ping") == 0) {
    rc = slmp_ping(&k.conn);
  } else if (strcmp(t[1], "close") == 0 && n == 4) {
    long rl = vt_hex(t[3], frame, sizeof frame - 1);
    frame[rl] = '\0';
    rc = slmp_close(&k.conn, (uint8_t)atoi(t[2]), (const char *)frame);
  }
  if (rc != SLMP_OK) {
    fail(t[1]);
  }
}

static void out(const char *hex) {
  long n = vt_hex(hex, frame, sizeof frame);
  if (n < 0 || (size_t)n > k.plat.out_len - k.plat.out_pos) {
    fail("the device wrote less than the vector's frame");
    return;
  }
  if (memcmp(k.plat.out + k.plat.out_pos, frame, (size_t)n) != 0) {
    fail("the device's frame differs from the vector");
  }
  k.plat.out_pos += (size_t)n;
}

/* Every byte of the frame gets one bit flipped (bit i % 8 of byte i), each on a copy of the connection as it was
 * before the frame: the device must close, or wait for more bytes (a length made larger), never accept. */
static void flip_test(const uint8_t *f, size_t len) {
  size_t i;
  if (len <= 4) {
    return; /* PING/PONG are unauthenticated (spec 2): a flipped type is another valid frame */
  }
  snapshot_conn = k.conn;
  snapshot_plat = k.plat;
  for (i = 0; i < len && !k.broken; i++) {
    slmp_event ev;
    memcpy(bytes, f, len);
    bytes[i] ^= (uint8_t)(1u << (i % 8));
    ev = feed_all(bytes, len);
    if (ev.type == SLMP_EV_CLOSED ? ev.by_peer || !slmp_is_closed(&k.conn)
                                  : ev.type != SLMP_EV_NONE || k.plat.out_len != snapshot_plat.out_len) {
      char what[96];
      sprintf(what, "flipped bit %u of byte %u was accepted (event %d)", (unsigned)(i % 8), (unsigned)i, ev.type);
      fail(what);
    }
    k.flips++;
    k.conn = snapshot_conn;
    k.plat = snapshot_plat;
  }
}

/* Random frames (a random known or unknown type, a random body of up to 1,100 bytes, so some are too large) on
 * copies of the connection before a server frame: whatever happens, nothing may be accepted as WELCOME,
 * RESUMED, DATA or ACK, and the sanitizers watch every length. */
static void fuzz_test(void) {
  static const uint8_t types[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x1F, 0xFF};
  static uint32_t x = 2463534242u; /* xorshift: the same frames on every run */
  int i;
  snapshot_conn = k.conn;
  snapshot_plat = k.plat;
  for (i = 0; i < 64 && !k.broken; i++) {
    size_t len;
    size_t j;
    slmp_event ev;
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    len = i < 8 ? (size_t)i : x % 1100;
    bytes[0] = types[x % sizeof types];
    bytes[1] = (uint8_t)(len >> 16);
    bytes[2] = (uint8_t)(len >> 8);
    bytes[3] = (uint8_t)len;
    for (j = 0; j < len; j++) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      bytes[4 + j] = (uint8_t)x;
    }
    ev = feed_all(bytes, 4 + len);
    if (ev.type == SLMP_EV_ESTABLISHED || ev.type == SLMP_EV_MESSAGE || ev.type == SLMP_EV_ACK) {
      fail("a random frame was accepted");
    }
    k.fuzzed++;
    k.conn = snapshot_conn;
    k.plat = snapshot_plat;
  }
}

static void in(const char *hex, int flip) {
  long n = vt_hex(hex, frame, sizeof frame);
  static uint8_t copy[VT_MAX_BYTES];
  if (n < 0) {
    fail("bad hex");
    return;
  }
  memcpy(copy, frame, (size_t)n);
  if (flip) {
    flip_test(copy, (size_t)n);
    fuzz_test();
  }
  bytewise = 1;
  k.last = feed_all(copy, (size_t)n);
  bytewise = 0;
}

static void ev(char **t, int n) {
  const slmp_event *e = &k.last;
  int ok;
  if (strcmp(t[1], "none") == 0) {
    ok = e->type == SLMP_EV_NONE;
  } else if (strcmp(t[1], "auth_sent") == 0) {
    ok = e->type == SLMP_EV_AUTH_SENT;
  } else if (strcmp(t[1], "established") == 0) {
    ok = e->type == SLMP_EV_ESTABLISHED;
  } else if (strcmp(t[1], "pong") == 0) {
    ok = e->type == SLMP_EV_PONG;
  } else if (strcmp(t[1], "ack") == 0 && n == 5) {
    ok = e->type == SLMP_EV_ACK && e->seq == strtoul(t[2], NULL, 10) && e->early == atoi(t[3]) &&
         e->status == atoi(t[4]);
  } else if (strcmp(t[1], "message") == 0 && n == 6) {
    long tl = vt_hex(t[4], frame, sizeof frame);
    long pl = vt_hex(t[5], bytes, sizeof bytes);
    ok = e->type == SLMP_EV_MESSAGE && e->seq == strtoul(t[2], NULL, 10) && e->ack_requested == atoi(t[3]) &&
         e->topic_len == (size_t)tl && memcmp(e->topic, frame, (size_t)tl) == 0 && e->payload_len == (size_t)pl &&
         (pl == 0 || memcmp(e->payload, bytes, (size_t)pl) == 0);
  } else {
    ok = 0;
  }
  if (!ok) {
    char what[64];
    sprintf(what, "expected event %s, got %d (close code %d)", t[1], e->type, e->close_code);
    fail(what);
  }
}

static void reject(const char *hex, int code) {
  slmp_event e;
  const uint8_t *o;
  long n = vt_hex(hex, frame, sizeof frame);
  e = feed_all(frame, (size_t)n);
  o = k.plat.out + k.plat.out_pos;
  if (e.type != SLMP_EV_CLOSED || e.by_peer || e.close_code != code || !slmp_is_closed(&k.conn)) {
    char what[64];
    sprintf(what, "expected CLOSE(%d), got event %d code %d", code, e.type, e.close_code);
    fail(what);
  } else if (k.plat.out_len - k.plat.out_pos < 5 || o[0] != 0x1F || o[4] != code ||
             k.plat.out_len != k.plat.out_pos + 4 + ((size_t)o[1] << 16 | (size_t)o[2] << 8 | o[3])) {
    fail("the device did not write exactly one CLOSE with the code");
  } else {
    k.plat.out_pos = k.plat.out_len;
  }
}

static void line(char **t, int n) {
  if (strcmp(t[0], "suite") == 0) {
    k.suite = (uint8_t)atoi(t[1]);
  } else if (strcmp(t[0], "server_key") == 0) {
    k.server_key_len = (size_t)vt_hex(t[1], k.server_key, sizeof k.server_key);
  } else if (strcmp(t[0], "device") == 0) {
    k.device_id_len = (size_t)vt_hex(t[1], k.device_id, sizeof k.device_id);
    vt_hex(t[2], k.device_key, 32);
  } else if (strcmp(t[0], "random") == 0) {
    k.plat.rnd_len = (size_t)vt_hex(t[1], k.plat.rnd, sizeof k.plat.rnd);
    k.plat.prefix = (size_t)atoi(t[2]);
  } else if (strcmp(t[0], "clock") == 0) {
    int i;
    for (i = 1; i < n && k.plat.nclock < 32; i++) {
      k.plat.clock[k.plat.nclock++] = strtoull(t[i], NULL, 10);
    }
  } else if (strcmp(t[0], "ticket") == 0 && n == 7) {
    vt_hex(t[1], k.ticket.session_id, 16);
    vt_hex(t[2], k.ticket.rs, 32);
    k.ticket.suite = (uint8_t)atoi(t[3]);
    k.ticket.counter = (uint32_t)strtoul(t[4], NULL, 10);
    k.ticket.keepalive = (uint16_t)atoi(t[5]);
    k.ticket.max_body = (uint32_t)strtoul(t[6], NULL, 10);
  } else if (strcmp(t[0], "act") == 0) {
    act(t, n);
  } else if (strcmp(t[0], "out") == 0) {
    out(t[1]);
  } else if (strcmp(t[0], "in") == 0 || strcmp(t[0], "in_flip") == 0) {
    in(t[1], t[0][2] == '_');
  } else if (strcmp(t[0], "ev") == 0) {
    ev(t, n);
  } else if (strcmp(t[0], "reject") == 0 && n == 3) {
    reject(t[1], atoi(t[2]));
  } else {
    fail("unknown script line");
  }
}

/* Runs one script; returns the number of cases run, or -1 when its suite is compiled out. */
static long run_file(const char *path, const char *name, long *announced) {
  char *text = vt_read_file(path);
  char *save = NULL;
  char *ln;
  long cases = 0;
  char *t[VT_MAX_TOKENS];
  if (text == NULL) {
    vt_fail(name, "-", "cannot read the script");
    return 0;
  }
  for (ln = strtok_r(text, "\n", &save); ln != NULL; ln = strtok_r(NULL, "\n", &save)) {
    int n = vt_split(ln, t);
    if (n == 0) {
      continue;
    }
    if (strcmp(t[0], "file") == 0) {
      *announced = atol(t[2]);
    } else if (strcmp(t[0], "case") == 0) {
      memset(&k, 0, sizeof k);
      k.file = name;
      snprintf(k.name, sizeof k.name, "%s", t[1]);
      vt_platform_init(&k.plat, &k.cb);
    } else if (strcmp(t[0], "end") == 0) {
      if (!slmp_suite_supported(k.suite)) {
        return -1;
      }
      if (!k.broken && k.plat.out_pos != k.plat.out_len) {
        fail("the device wrote more than the vector");
      }
      total_flips += k.flips;
      total_fuzzed += k.fuzzed;
      slmp_wipe(&k.conn);
      cases++;
    } else if (vt_primitive(name, t, n)) {
      cases++;
    } else if (strcmp(t[0], "suite") == 0) {
      k.suite = (uint8_t)atoi(t[1]);
    } else if (k.file != NULL && !k.broken && slmp_suite_supported(k.suite)) {
      line(t, n);
    }
  }
  return cases;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  DIR *dir;
  struct dirent *de;
  static char names[64][256];
  char *sorted[64];
  int count = 0;
  int i;
  if (argc != 2 || (dir = opendir(argv[1])) == NULL) {
    fprintf(stderr, "usage: slmp-vectors SCRIPT_DIR (made by tests/gen_vectors.py)\n");
    return 2;
  }
  while ((de = readdir(dir)) != NULL && count < 64) {
    size_t l = strlen(de->d_name);
    if (l > 4 && l < 250 && strcmp(de->d_name + l - 4, ".txt") == 0) {
      snprintf(names[count], sizeof names[count], "%s", de->d_name);
      sorted[count] = names[count];
      count++;
    }
  }
  closedir(dir);
  qsort(sorted, (size_t)count, sizeof sorted[0], by_name);
  for (i = 0; i < count; i++) {
    char path[1024];
    long announced = -1;
    long n;
    snprintf(path, sizeof path, "%s/%s", argv[1], sorted[i]);
    n = run_file(path, sorted[i], &announced);
    sorted[i][strlen(sorted[i]) - 4] = '\0';
    if (n < 0) {
      printf("[vectors] %s.json: 0 cases run (suite compiled out)\n", sorted[i]);
      continue;
    }
    if (n != announced) {
      vt_fail(sorted[i], "-", "ran a different number of cases than the file holds");
    }
    printf("[vectors] %s.json: %ld cases run\n", sorted[i], n);
  }
  printf("[vectors] flipped-bit frames refused: %ld\n", total_flips);
  printf("[vectors] random frames not accepted: %ld (server frames fed one byte at a time)\n", total_fuzzed);
  printf("[vectors] %d files, %d failures\n", count, vt_failures);
  return count > 0 && vt_failures == 0 ? 0 : 1;
}
