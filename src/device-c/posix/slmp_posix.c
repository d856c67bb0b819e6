/* The POSIX adapter: see slmp_posix.h. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "slmp_posix.h"

int64_t slmp_posix_millis(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int slmp_posix_random(void *ctx, uint8_t *out, size_t len) {
  size_t got = 0;
  int fd = open("/dev/urandom", O_RDONLY);
  (void)ctx;
  if (fd < 0) {
    return -1;
  }
  while (got < len) {
    ssize_t n = read(fd, out + got, len - got);
    if (n <= 0 && errno != EINTR) {
      close(fd);
      return -1;
    }
    got += n > 0 ? (size_t)n : 0;
  }
  close(fd);
  return 0;
}

uint64_t slmp_posix_now(void *ctx) {
  (void)ctx;
  return (uint64_t)time(NULL);
}

int slmp_posix_write(void *ctx, const uint8_t *data, size_t len) {
  slmp_posix *io = ctx;
  size_t done = 0;
  while (done < len) {
    ssize_t n = send(io->fd, data + done, len - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return -1;
    }
    done += (size_t)n;
  }
  io->bytes_out += len;
  return 0;
}

static int connect_with_timeout(int fd, const struct sockaddr *sa, socklen_t sl, int timeout_ms) {
  int flags = fcntl(fd, F_GETFL, 0);
  struct pollfd p;
  int soerr = 0;
  socklen_t el = sizeof soerr;
  int rc;
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  rc = connect(fd, sa, sl);
  if (rc < 0 && errno != EINPROGRESS) {
    return -1;
  }
  if (rc < 0) {
    p.fd = fd;
    p.events = POLLOUT;
    if (poll(&p, 1, timeout_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &el) != 0 || soerr != 0) {
      errno = soerr != 0 ? soerr : ETIMEDOUT;
      return -1;
    }
  }
  fcntl(fd, F_SETFL, flags);
  return 0;
}

int slmp_posix_connect(slmp_posix *io, const char *host, int port, int timeout_ms, slmp_platform *platform,
                       char *err, size_t err_len) {
  struct addrinfo hints;
  struct addrinfo *res = NULL;
  struct addrinfo *ai;
  char service[16];
  int one = 1;
  int rc;
  memset(io, 0, sizeof *io);
  io->fd = -1;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  snprintf(service, sizeof service, "%d", port);
  rc = getaddrinfo(host, service, &hints, &res);
  if (rc != 0) {
    snprintf(err, err_len, "cannot resolve %s: %s", host, gai_strerror(rc));
    return -1;
  }
  for (ai = res; ai != NULL && io->fd < 0; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
      continue;
    }
    if (connect_with_timeout(fd, ai->ai_addr, ai->ai_addrlen, timeout_ms) == 0) {
      io->fd = fd;
    } else {
      snprintf(err, err_len, "cannot connect to %s:%d: %s", host, port, strerror(errno));
      close(fd);
    }
  }
  freeaddrinfo(res);
  if (io->fd < 0) {
    return -1;
  }
  setsockopt(io->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* HELLO, AUTH + DATA: no Nagle delay */
  platform->random = slmp_posix_random;
  platform->now = slmp_posix_now;
  platform->write = slmp_posix_write;
  platform->ctx = io;
  return 0;
}

int slmp_posix_next_event(slmp_posix *io, slmp_conn *c, int timeout_ms, slmp_event *ev) {
  int64_t end = slmp_posix_millis() + timeout_ms;
  memset(ev, 0, sizeof *ev);
  for (;;) {
    struct pollfd p;
    int64_t left;
    ssize_t n;
    while (io->len > io->off) {
      io->off += slmp_feed(c, io->buf + io->off, io->len - io->off, ev);
      if (ev->type != SLMP_EV_NONE) {
        return 1;
      }
    }
    io->off = io->len = 0;
    left = end - slmp_posix_millis();
    if (left <= 0) {
      return 0;
    }
    p.fd = io->fd;
    p.events = POLLIN;
    if (poll(&p, 1, (int)left) <= 0) {
      continue; /* timeout (checked above) or EINTR */
    }
    n = recv(io->fd, io->buf, sizeof io->buf, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return -1;
    }
    io->len = (size_t)n;
    io->bytes_in += (uint64_t)n;
  }
}

void slmp_posix_finish(slmp_posix *io) {
  uint8_t sink[512];
  int64_t end = slmp_posix_millis() + 1000;
  size_t drained = 0;
  if (io->fd < 0) {
    return;
  }
  shutdown(io->fd, SHUT_WR);
  while (drained < (1u << 20)) {
    struct pollfd p;
    int64_t left = end - slmp_posix_millis();
    ssize_t n;
    p.fd = io->fd;
    p.events = POLLIN;
    if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
      break;
    }
    n = recv(io->fd, sink, sizeof sink, 0);
    if (n <= 0) {
      break;
    }
    drained += (size_t)n;
    io->bytes_in += (uint64_t)n;
  }
  close(io->fd);
  io->fd = -1;
}
