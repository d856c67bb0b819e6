/*
 * A scripted SLMP/1 server for one connection, suite 3 only, to test slmp-send's command path over real TCP
 * while the node has no downlink queue: full handshake with the given static key, then, after the device's
 * first DATA, a server DATA (a "queued command", ACK_REQUESTED) BEFORE the ACK of that DATA (spec 6), and
 * finally the device's ACK of the command and its CLOSE are checked. Built from the library's primitives; it is
 * test code, not a server (no timeouts, no limits beyond its buffers).
 * Usage: slmp-fake-server STATIC_PRIVATE_HEX DEVICE_KEY_HEX   (prints "port N", exits 0 when all went right)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "slmp_internal.h"
#include "vt.h"

#define SUITE SLMP_SUITE_X25519_CHACHA20POLY1305

static int fd;
static uint8_t frame_buf[3][2048]; /* HELLO, HELLO_REPLY, AUTH as they went over the wire */
static size_t frame_len[3];
static uint8_t in[2048];
static uint8_t out[2048];

static int fail(const char *what) {
  fprintf(stderr, "fake-server: %s\n", what);
  return 1;
}

static int read_all(uint8_t *b, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = recv(fd, b + got, n - got, 0);
    if (r <= 0) {
      return -1;
    }
    got += (size_t)r;
  }
  return 0;
}

/* Reads one frame into in; returns its body length, or -1. */
static long read_frame(uint8_t want_type) {
  uint32_t len;
  if (read_all(in, 4) != 0 || (len = slmp_get_u24(in + 1)) > sizeof in - 4 || read_all(in + 4, len) != 0 ||
      in[0] != want_type) {
    return -1;
  }
  return (long)len;
}

static int send_frame(uint8_t type, size_t body_len) {
  out[0] = type;
  slmp_put_u24(out + 1, (uint32_t)body_len);
  return send(fd, out, 4 + body_len, 0) == (ssize_t)(4 + body_len) ? 0 : -1;
}

static int no_random(void *ctx, uint8_t *b, size_t n) {
  (void)ctx;
  (void)b;
  (void)n;
  return -1; /* AEAD sealing draws nothing */
}

static uint64_t no_clock(void *ctx) {
  (void)ctx;
  return 0;
}

/* A sealed frame of spec 6 from the server: flags, seq, plaintext already at out + 9. */
static int send_sealed(const slmp_keys *k, uint8_t type, uint8_t flags, uint32_t seq, size_t plain_len) {
  uint8_t aad[6];
  size_t n;
  aad[0] = type;
  aad[1] = flags;
  slmp_put_u32(aad + 2, seq);
  out[4] = flags;
  slmp_put_u32(out + 5, seq);
  n = slmp_seal(SUITE, k, seq, aad, 6, plain_len, out + 9, no_random, no_clock, NULL);
  return n == 0 ? -1 : send_frame(type, 5 + n);
}

/* Opens a sealed c2s frame in `in` (body len) with the expected seq; returns the plaintext length or -1. */
static long open_sealed(const slmp_keys *k, uint8_t type, long len, uint32_t seq, uint8_t **plain) {
  uint8_t aad[6];
  if (len < 5 || slmp_get_u32(in + 5) != seq) {
    return -1;
  }
  aad[0] = type;
  memcpy(aad + 1, in + 4, 5);
  return slmp_open(SUITE, k, seq, aad, 6, in + 9, (size_t)len - 5, plain);
}

static void keys(const uint8_t *secret, const char *key_label, const char *iv_label, slmp_keys *k) {
  slmp_hkdf_expand_label(secret, key_label, NULL, 0, k->key, 32);
  slmp_hkdf_expand_label(secret, iv_label, NULL, 0, k->iv, 12);
}

static int serve(const uint8_t s_priv[32], const uint8_t device_key[32]) {
  uint8_t e_priv[32], ikm[64], th[32], hs[32], ms[32], confirm_key[32];
  slmp_keys auth, c2s, s2c;
  slmp_part p[3];
  uint8_t *plain;
  long len;
  long n;
  static const uint8_t proof_label[] = "slmp/1 device proof";
  uint8_t proof[32];

  len = read_frame(0x01);
  if (len != 38 || in[4] != 1 || in[5] != SUITE) {
    return fail("no suite 3 HELLO");
  }
  memcpy(frame_buf[0], in, frame_len[0] = 4 + (size_t)len);
  FILE *r = fopen("/dev/urandom", "rb");
  if (r == NULL || fread(e_priv, 1, 32, r) != 32) {
    return fail("no randomness");
  }
  fclose(r);
  if (slmp_dh_public(SUITE, e_priv, out + 4) != 0 || slmp_dh(SUITE, e_priv, in + 10, 32, ikm) != 0 ||
      slmp_dh(SUITE, s_priv, in + 10, 32, ikm + 32) != 0) {
    return fail("DH failed");
  }
  p[0].p = frame_buf[0];
  p[0].n = frame_len[0];
  p[1].p = out + 4;
  p[1].n = 32;
  slmp_sha256(p, 2, th); /* th1 */
  slmp_hkdf_extract(th, 32, ikm, 64, hs);
  slmp_hkdf_expand_label(hs, "server confirm", NULL, 0, confirm_key, 32);
  p[0].p = th;
  p[0].n = 32;
  slmp_hmac(confirm_key, 32, p, 1, out + 36);
  if (send_frame(0x02, 64) != 0) {
    return fail("write");
  }
  memcpy(frame_buf[1], out, frame_len[1] = 68);

  len = read_frame(0x03);
  if (len < 0) {
    return fail("no AUTH");
  }
  memcpy(frame_buf[2], in, frame_len[2] = 4 + (size_t)len);
  keys(hs, "client auth key", "client auth iv", &auth);
  n = slmp_open(SUITE, &auth, 0, (const uint8_t *)"\x03", 1, in + 4, (size_t)len, &plain);
  if (n < 34 || n != 1 + plain[0] + 32) {
    return fail("AUTH does not open");
  }
  p[0].p = frame_buf[0];
  p[0].n = frame_len[0];
  p[1].p = frame_buf[1];
  p[1].n = frame_len[1];
  slmp_sha256(p, 2, th); /* th2 */
  p[0].p = proof_label;
  p[0].n = sizeof proof_label - 1;
  p[1].p = th;
  p[1].n = 32;
  slmp_hmac(device_key, 32, p, 2, proof);
  if (!slmp_ct_memeq(proof, plain + 1 + plain[0], 32)) {
    return fail("wrong proof");
  }
  p[0].p = frame_buf[0];
  p[0].n = frame_len[0];
  p[1].p = frame_buf[1];
  p[1].n = frame_len[1];
  p[2].p = frame_buf[2];
  p[2].n = frame_len[2];
  slmp_sha256(p, 3, th); /* th3 */
  slmp_hkdf_extract(th, 32, hs, 32, ms);
  keys(ms, "c2s key", "c2s iv", &c2s);
  keys(ms, "s2c key", "s2c iv", &s2c);
  slmp_put_u32(out + 9, 3600); /* lifetime */
  slmp_put_u16(out + 13, 0);   /* keepalive */
  slmp_put_u24(out + 15, 65536);
  if (send_sealed(&s2c, 0x04, 0, 0, 9) != 0) {
    return fail("write WELCOME");
  }

  len = read_frame(0x10);
  if (len < 0 || in[4] != 0x01 || open_sealed(&c2s, 0x10, len, 1, &plain) < 1) {
    return fail("no DATA seq 1 with ACK_REQUESTED");
  }
  /* The queued command first, then the ACK of the device's DATA (spec 6). */
  out[9] = 3;
  memcpy(out + 10, "cmdreboot", 9);
  if (send_sealed(&s2c, 0x10, 0x01, 1, 10) != 0) {
    return fail("write DATA");
  }
  slmp_put_u32(out + 9, 1);
  out[13] = 0;
  if (send_sealed(&s2c, 0x11, 0, 2, 5) != 0) {
    return fail("write ACK");
  }
  len = read_frame(0x11);
  if (len < 0 || (n = open_sealed(&c2s, 0x11, len, 2, &plain)) != 5 || slmp_get_u32(plain) != 1 || plain[4] != 0) {
    return fail("no ACK seq 2 of the command, ACCEPTED");
  }
  len = read_frame(0x1F);
  if (len < 1 || in[4] != 0) {
    return fail("no CLOSE(NORMAL)");
  }
  printf("fake-server: command acknowledged, CLOSE(NORMAL) received\n");
  return 0;
}

int main(int argc, char **argv) {
  uint8_t s_priv[32], device_key[32];
  struct sockaddr_in a;
  socklen_t al = sizeof a;
  int ls;
  int one = 1;
  int rc;
  if (argc != 3 || vt_hex(argv[1], s_priv, 32) != 32 || vt_hex(argv[2], device_key, 32) != 32) {
    fprintf(stderr, "usage: slmp-fake-server STATIC_PRIVATE_HEX DEVICE_KEY_HEX\n");
    return 2;
  }
  ls = socket(AF_INET, SOCK_STREAM, 0);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 1) != 0 ||
      getsockname(ls, (struct sockaddr *)&a, &al) != 0) {
    return fail("cannot listen");
  }
  printf("port %d\n", ntohs(a.sin_port));
  fflush(stdout);
  fd = accept(ls, NULL, NULL);
  if (fd < 0) {
    return fail("accept");
  }
  rc = serve(s_priv, device_key);
  fflush(stdout);
  close(fd);
  close(ls);
  return rc;
}
