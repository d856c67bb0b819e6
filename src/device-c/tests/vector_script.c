/* The scripted platform and the script reader of the vector tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vt.h"

int vt_failures = 0;

static int vt_random(void *ctx, uint8_t *out, size_t len) {
  vt_platform *p = ctx;
  if (len > p->rnd_len - p->rnd_pos) {
    return -1; /* the device drew more than the vector recorded */
  }
  memcpy(out, p->rnd + p->rnd_pos, len);
  p->rnd_pos += len;
  return 0;
}

/* The timestamp of the next Fernet token: the library reads the clock just before drawing the token's iv. */
static uint64_t vt_now(void *ctx) {
  vt_platform *p = ctx;
  size_t i = p->rnd_pos <= p->prefix ? 0 : (p->rnd_pos - p->prefix) / 16;
  return i < p->nclock ? p->clock[i] : 0;
}

static int vt_write(void *ctx, const uint8_t *data, size_t len) {
  vt_platform *p = ctx;
  if (len > sizeof p->out - p->out_len) {
    p->overflow = 1;
    return -1;
  }
  memcpy(p->out + p->out_len, data, len);
  p->out_len += len;
  return 0;
}

void vt_platform_init(vt_platform *p, slmp_platform *callbacks) {
  memset(p, 0, sizeof *p);
  callbacks->random = vt_random;
  callbacks->now = vt_now;
  callbacks->write = vt_write;
  callbacks->ctx = p;
}

int vt_split(char *line, char **tok) {
  int n = 0;
  char *s = line;
  while (*s != '\0' && n < VT_MAX_TOKENS) {
    while (*s == ' ') {
      *s++ = '\0';
    }
    if (*s == '\0') {
      break;
    }
    tok[n++] = s;
    while (*s != ' ' && *s != '\0') {
      s++;
    }
  }
  return n;
}

static int nibble(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

long vt_hex(const char *hex, uint8_t *out, size_t cap) {
  size_t n = strlen(hex);
  size_t i;
  if (strcmp(hex, "-") == 0) {
    return 0;
  }
  if (n % 2 != 0 || n / 2 > cap) {
    return -1;
  }
  for (i = 0; i < n / 2; i++) {
    int hi = nibble(hex[2 * i]);
    int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return -1;
    }
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return (long)(n / 2);
}

char *vt_read_file(const char *path) {
  static char buf[1 << 20];
  FILE *f = fopen(path, "rb");
  size_t n;
  if (f == NULL) {
    return NULL;
  }
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  if (n == sizeof buf - 1) {
    return NULL;
  }
  buf[n] = '\0';
  return buf;
}

void vt_fail(const char *file, const char *name, const char *what) {
  fprintf(stderr, "FAIL %s %s: %s\n", file, name, what);
  vt_failures++;
}
