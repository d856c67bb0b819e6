/* A small POSIX adapter for libslmp: a TCP socket, /dev/urandom, the system clock, and a read loop that feeds the
 * connection. Devices port these few functions to their own stack (lwIP, Zephyr sockets, a modem's AT commands). */
#ifndef SLMP_POSIX_H
#define SLMP_POSIX_H

#include <stddef.h>
#include <stdint.h>

#include "slmp.h"

typedef struct slmp_posix {
  int fd;
  uint8_t buf[1024]; /* bytes read from the socket and not yet consumed by slmp_feed */
  size_t off;
  size_t len;
  uint64_t bytes_out; /* TCP payload written and read (including what finish() drained): bytes on the air */
  uint64_t bytes_in;
} slmp_posix;

/* Connects over TCP (timeout_ms for the connect); fills the platform callbacks (ctx = io). 0 ok; -1 with a
 * message in err. */
int slmp_posix_connect(slmp_posix *io, const char *host, int port, int timeout_ms, slmp_platform *platform,
                       char *err, size_t err_len);
/* Waits at most timeout_ms for the next event. Returns 1 with an event, 0 on timeout (ev NONE), -1 when the
 * connection was lost (EOF or error without a CLOSE). */
int slmp_posix_next_event(slmp_posix *io, slmp_conn *c, int timeout_ms, slmp_event *ev);
/* After a CLOSE was sent or received: half-closes, reads and discards for at most 1 s or 1 MiB, closes (spec 2). */
void slmp_posix_finish(slmp_posix *io);

int slmp_posix_random(void *ctx, uint8_t *out, size_t len);
uint64_t slmp_posix_now(void *ctx);
int slmp_posix_write(void *ctx, const uint8_t *data, size_t len);
/* Milliseconds of a monotonic clock, for timeouts. */
int64_t slmp_posix_millis(void);

#endif
