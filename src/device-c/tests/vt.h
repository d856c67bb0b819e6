/* The vector tests' shared pieces: a scripted platform (fixed randomness and clock, recorded output) and a line
 * reader for the scripts tests/gen_vectors.py writes. Test code only. */
#ifndef VT_H
#define VT_H

#include <stddef.h>
#include <stdint.h>

#include "slmp.h"

#define VT_MAX_BYTES 70000
#define VT_MAX_TOKENS 12

typedef struct vt_platform {
  uint8_t rnd[2048];
  size_t rnd_len;
  size_t rnd_pos;
  size_t prefix; /* random bytes before the first Fernet iv */
  uint64_t clock[32];
  size_t nclock;
  uint8_t out[16384];
  size_t out_len;
  size_t out_pos; /* how much of out the script has checked */
  int overflow;
} vt_platform;

void vt_platform_init(vt_platform *p, slmp_platform *callbacks);

/* Splits a line in place into at most VT_MAX_TOKENS tokens; returns the count. */
int vt_split(char *line, char **tok);
/* Decodes hex ("-" is empty) into out (at most cap bytes); returns the length, or -1. */
long vt_hex(const char *hex, uint8_t *out, size_t cap);
/* Reads a whole file into a static buffer; NULL on failure. The buffer is reused by the next call. */
char *vt_read_file(const char *path);

/* Reports a failure (file, case, what) and counts it. */
void vt_fail(const char *file, const char *name, const char *what);
extern int vt_failures;

/* primitives_test.c: runs one primitives line; returns 1 if it was a vector line, 0 otherwise. */
int vt_primitive(const char *file, char **tok, int n);

#endif
