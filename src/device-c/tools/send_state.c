/* slmp-send's files (send_state.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/base64.h>
#include <mbedtls/platform_util.h>

#include "send_state.h"

static int nib(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

int send_unhex(const char *text, uint8_t *out, size_t out_len) {
  size_t i;
  while (space(*text)) {
    text++;
  }
  for (i = 0; i < out_len; i++) {
    int hi = nib(text[2 * i]);
    int lo = hi < 0 ? -1 : nib(text[2 * i + 1]);
    if (lo < 0) {
      return -1;
    }
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  text += 2 * out_len;
  while (space(*text)) {
    text++;
  }
  return *text == '\0' ? 0 : -1;
}

static long read_small(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "rb");
  size_t n;
  if (f == NULL) {
    return -1;
  }
  n = fread(buf, 1, cap - 1, f);
  fclose(f);
  buf[n] = '\0';
  return (long)n;
}

/* The SPKI DER prefixes of the two groups; the key follows them to the end. */
static const uint8_t SPKI_P256[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
static const uint8_t SPKI_X25519[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};

static int from_pem(const char *text, uint8_t key[65], size_t *len) {
  static const char begin[] = "-----BEGIN PUBLIC KEY-----";
  const char *b = strstr(text, begin);
  const char *e = strstr(text, "-----END PUBLIC KEY-----");
  char b64[512];
  uint8_t der[256];
  size_t n = 0;
  size_t dl = 0;
  const char *p;
  if (b == NULL || e == NULL || e < b) {
    return -1;
  }
  for (p = b + sizeof begin - 1; p < e && n < sizeof b64 - 1; p++) {
    if (!space(*p)) {
      b64[n++] = *p;
    }
  }
  if (mbedtls_base64_decode(der, sizeof der, &dl, (const unsigned char *)b64, n) != 0) {
    return -1;
  }
  if (dl == sizeof SPKI_P256 + 65 && memcmp(der, SPKI_P256, sizeof SPKI_P256) == 0) {
    memcpy(key, der + sizeof SPKI_P256, 65);
    *len = 65;
    return 0;
  }
  if (dl == sizeof SPKI_X25519 + 32 && memcmp(der, SPKI_X25519, sizeof SPKI_X25519) == 0) {
    memcpy(key, der + sizeof SPKI_X25519, 32);
    *len = 32;
    return 0;
  }
  return -1;
}

int send_server_key(const char *arg, uint8_t key[65], size_t *len, char *err, size_t err_len) {
  char text[4096];
  if (send_unhex(arg, key, 65) == 0) {
    *len = 65;
    return 0;
  }
  if (send_unhex(arg, key, 32) == 0) {
    *len = 32;
    return 0;
  }
  if (read_small(arg, text, sizeof text) < 0) {
    snprintf(err, err_len, "--server-key: no such file %s (and not 130 or 64 hex digits)", arg);
    return -1;
  }
  if (send_unhex(text, key, 65) == 0) {
    *len = 65;
  } else if (send_unhex(text, key, 32) == 0) {
    *len = 32;
  } else if (from_pem(text, key, len) != 0) {
    snprintf(err, err_len, "--server-key %s: not a P-256 or X25519 public key", arg);
    return -1;
  }
  return 0;
}

int send_device_key_file(const char *path, uint8_t key[32], char *err, size_t err_len) {
  char text[256];
  int rc;
  if (read_small(path, text, sizeof text) < 0) {
    snprintf(err, err_len, "--device-key-file %s: %s", path, strerror(errno));
    return -1;
  }
  rc = send_unhex(text, key, 32);
  mbedtls_platform_zeroize(text, sizeof text);
  if (rc != 0) {
    snprintf(err, err_len, "--device-key-file %s: must hold 64 hex digits (32 bytes)", path); /* never echoed */
  }
  return rc;
}

int send_state_load(const char *path, slmp_session *s) {
  uint8_t b[SLMP_SESSION_BYTES + 1];
  size_t n;
  int rc;
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return errno == ENOENT ? 0 : -1;
  }
  n = fread(b, 1, sizeof b, f);
  fclose(f);
  rc = n == SLMP_SESSION_BYTES && slmp_session_load(s, b) == SLMP_OK ? 1 : -1;
  mbedtls_platform_zeroize(b, sizeof b);
  return rc;
}

/* Makes the rename durable too (best effort: some file systems cannot open a directory). */
static void sync_directory(const char *path) {
  char dir[4096];
  char *slash;
  int fd;
  snprintf(dir, sizeof dir, "%s", path);
  slash = strrchr(dir, '/');
  if (slash == NULL) {
    snprintf(dir, sizeof dir, ".");
  } else if (slash == dir) {
    dir[1] = '\0';
  } else {
    *slash = '\0';
  }
  fd = open(dir, O_RDONLY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

int send_state_save(const char *path, const slmp_session *s) {
  uint8_t b[SLMP_SESSION_BYTES];
  char tmp[4096];
  int fd;
  int ok;
  if (strlen(path) > sizeof tmp - 8 || slmp_session_save(s, b) != SLMP_OK) {
    return -1;
  }
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    return -1;
  }
  /* The counter must be on disk before RESUME goes out (spec 8): write, fsync, then rename over the old file. */
  ok = write(fd, b, sizeof b) == (ssize_t)sizeof b && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  mbedtls_platform_zeroize(b, sizeof b);
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    return -1;
  }
  sync_directory(path);
  return 0;
}

void send_state_delete(const char *path) {
  unlink(path);
}
