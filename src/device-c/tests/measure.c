/*
 * The numbers a device maker asks for, on this machine: the connection struct's size, the mbedTLS contexts the
 * library puts on the stack during a call, the peak stack of a handshake (stack painting), and the device's CPU
 * time for a full handshake and a resumption per suite (the vectors' server frames, fed in memory: no network).
 * Usage: slmp-measure VECTOR_SCRIPT_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

#include <mbedtls/aes.h>
#include <mbedtls/chachapoly.h>
#include <mbedtls/ecp.h>
#include <mbedtls/gcm.h>
#include <mbedtls/sha256.h>

#include "slmp_crypto.h"
#include "vt.h"

#define PAINT_BYTES (96 * 1024)

/*
 * mbedTLS 2.28's bignums allocate with calloc (libslmp itself never does). To report its peak heap during a
 * handshake, this program interposes calloc/free (glibc, not under AddressSanitizer, which has its own): each
 * calloc'd block is remembered with its size, the running total's peak is kept. On a device the same number
 * sizes the MBEDTLS_MEMORY_BUFFER_ALLOC_C pool.
 */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define HEAP_TRACKING 1
extern void *__libc_calloc(size_t n, size_t size);
extern void __libc_free(void *p);
#define TRACKED 4096
static void *tracked_ptr[TRACKED];
static size_t tracked_size[TRACKED];
static size_t heap_now, heap_peak;

void *calloc(size_t n, size_t size) {
  void *p = __libc_calloc(n, size);
  size_t i;
  for (i = 0; p != NULL && i < TRACKED; i++) {
    if (tracked_ptr[i] == NULL) {
      tracked_ptr[i] = p;
      tracked_size[i] = n * size;
      heap_now += n * size;
      heap_peak = heap_now > heap_peak ? heap_now : heap_peak;
      break;
    }
  }
  return p;
}

void free(void *p) {
  size_t i;
  for (i = 0; p != NULL && i < TRACKED; i++) {
    if (tracked_ptr[i] == p) {
      tracked_ptr[i] = NULL;
      heap_now -= tracked_size[i];
      break;
    }
  }
  __libc_free(p);
}
#endif
#define RUNS 200

static slmp_conn conn;
static slmp_platform cb;
static vt_platform plat;
static vt_platform plat_start;
static uint8_t key[65], dev_id[64], dev_key[32], frames[4][1100];
static size_t key_len, id_len, frame_len[4];
static int nframes;
static slmp_session ticket;
static int resume;
static uint8_t suite;

/* Loads the device set-up and the first server frames of a script (full: HELLO_REPLY, WELCOME; resume: RESUMED). */
static int load(const char *dir, const char *name) {
  char path[1024];
  char *text;
  char *save = NULL;
  char *ln;
  char *t[VT_MAX_TOKENS];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  text = vt_read_file(path);
  if (text == NULL) {
    return -1;
  }
  vt_platform_init(&plat, &cb);
  nframes = 0;
  resume = 0;
  for (ln = strtok_r(text, "\n", &save); ln != NULL; ln = strtok_r(NULL, "\n", &save)) {
    int n = vt_split(ln, t);
    if (n >= 2 && strcmp(t[0], "suite") == 0) {
      suite = (uint8_t)atoi(t[1]);
    } else if (n == 2 && strcmp(t[0], "server_key") == 0) {
      key_len = (size_t)vt_hex(t[1], key, sizeof key);
    } else if (n == 3 && strcmp(t[0], "device") == 0) {
      id_len = (size_t)vt_hex(t[1], dev_id, sizeof dev_id);
      vt_hex(t[2], dev_key, 32);
    } else if (n == 3 && strcmp(t[0], "random") == 0) {
      plat.rnd_len = (size_t)vt_hex(t[1], plat.rnd, sizeof plat.rnd);
      plat.prefix = (size_t)atoi(t[2]);
    } else if (n >= 2 && strcmp(t[0], "clock") == 0) {
      int i;
      for (i = 1; i < n && plat.nclock < 32; i++) {
        plat.clock[plat.nclock++] = strtoull(t[i], NULL, 10);
      }
    } else if (n == 7 && strcmp(t[0], "ticket") == 0) {
      resume = 1;
      vt_hex(t[1], ticket.session_id, 16);
      vt_hex(t[2], ticket.rs, 32);
      ticket.suite = (uint8_t)atoi(t[3]);
      ticket.counter = (uint32_t)strtoul(t[4], NULL, 10) + 1;
      ticket.max_body = (uint32_t)strtoul(t[6], NULL, 10);
    } else if (n == 2 && strncmp(t[0], "in", 2) == 0 && nframes < (resume ? 1 : 2)) {
      frame_len[nframes] = (size_t)vt_hex(t[1], frames[nframes], sizeof frames[0]);
      nframes++;
    }
  }
  plat_start = plat;
  return 0;
}

/* One handshake as the device does it; 0 when it ends ESTABLISHED. */
static int __attribute__((noinline)) handshake(void) {
  slmp_event ev;
  int i;
  plat = plat_start;
  if (slmp_init(&conn, &cb, suite, key, key_len, dev_id, id_len, dev_key) != SLMP_OK) {
    return -1;
  }
  if (resume) {
    slmp_part p;
    uint8_t h[32];
    p.p = key;
    p.n = key_len;
    slmp_sha256(&p, 1, h);
    memcpy(ticket.server_key_id, h, 4);
    p.p = dev_id;
    p.n = id_len;
    slmp_sha256(&p, 1, h);
    memcpy(ticket.device_hash, h, 4);
    ticket.suite = suite;
    if (slmp_start_resume(&conn, &ticket) != SLMP_OK) {
      return -1;
    }
  } else if (slmp_start_full(&conn) != SLMP_OK) {
    return -1;
  }
  for (i = 0; i < nframes; i++) {
    (void)slmp_feed(&conn, frames[i], frame_len[i], &ev);
  }
  return slmp_is_established(&conn) ? 0 : -1;
}

/* Where the painted area is: below the caller's frame once paint() returned (deliberately kept as a number). */
static uintptr_t painted_at;

static void __attribute__((noinline)) paint(void) {
  volatile uint8_t area[PAINT_BYTES];
  size_t i;
  for (i = 0; i < sizeof area; i++) {
    area[i] = 0xA5;
  }
  painted_at = (uintptr_t)area;
}

/* How much of the painted area the calls since paint() overwrote: painted[0] is the deepest address (the stack
 * grows down on x86-64), so the untouched bytes are the ones at its start. */
static size_t __attribute__((noinline)) painted_used(void) {
  volatile const uint8_t *painted = (volatile const uint8_t *)painted_at;
  size_t i = 0;
  while (i < PAINT_BYTES && painted[i] == 0xA5) {
    i++;
  }
  return PAINT_BYTES - i;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a;
  double y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void measure(const char *dir, const char *file, const char *what) {
  static double t[RUNS];
  size_t stack;
  size_t heap = 0;
  int i;
  if (load(dir, file) != 0 || !slmp_suite_supported(suite)) {
    return;
  }
#ifdef HEAP_TRACKING
  heap_peak = heap_now;
#endif
  paint();
  if (handshake() != 0) {
    printf("measure: %s %s: FAILED\n", file, what);
    return;
  }
  stack = painted_used();
#ifdef HEAP_TRACKING
  heap = heap_peak - heap_now;
#endif
  for (i = 0; i < RUNS; i++) {
    double s = now_ms();
    handshake();
    t[i] = now_ms() - s;
  }
  qsort(t, RUNS, sizeof t[0], by_value);
  printf("measure: suite %d %s: %.3f ms median (%.3f min) device CPU, peak stack %zu bytes, mbedTLS peak heap %zu "
         "bytes\n", suite, what, t[RUNS / 2], t[0], stack, heap);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: slmp-measure VECTOR_SCRIPT_DIR\n");
    return 2;
  }
  printf("measure: sizeof(slmp_conn) = %zu bytes (SLMP_DEVICE_MAX_BODY %d, SLMP_TX_MAX_BODY %d)\n", sizeof(slmp_conn),
         SLMP_DEVICE_MAX_BODY, SLMP_TX_MAX_BODY);
  printf("measure: sizeof(slmp_session) = %zu, saved session = %d bytes\n", sizeof(slmp_session), SLMP_SESSION_BYTES);
  printf("measure: mbedTLS contexts on the stack during a call: ecp_group %zu + 2 ecp_point %zu + mpi %zu (DH), "
         "gcm %zu, chachapoly %zu, aes %zu, sha256 %zu\n",
         sizeof(mbedtls_ecp_group), 2 * sizeof(mbedtls_ecp_point), sizeof(mbedtls_mpi), sizeof(mbedtls_gcm_context),
         sizeof(mbedtls_chachapoly_context), sizeof(mbedtls_aes_context), sizeof(mbedtls_sha256_context));
  measure(argv[1], "suite01_full_handshake.txt", "full handshake");
  measure(argv[1], "suite01_resumption.txt", "resumption");
  measure(argv[1], "suite02_full_handshake.txt", "full handshake");
  measure(argv[1], "suite02_resumption.txt", "resumption");
  measure(argv[1], "suite03_full_handshake.txt", "full handshake");
  measure(argv[1], "suite03_resumption.txt", "resumption");
  return 0;
}
