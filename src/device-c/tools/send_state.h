/* slmp-send's files: the server key (hex or PEM), the device key file, and the state file. */
#ifndef SEND_STATE_H
#define SEND_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "slmp.h"

/* Decodes exactly out_len bytes of hex (surrounding whitespace allowed); 0 ok, -1 otherwise. */
int send_unhex(const char *text, uint8_t *out, size_t out_len);
/* --server-key: 130 or 64 hex digits, or a file holding them or a PEM "PUBLIC KEY" (P-256 or X25519 SPKI).
 * Writes the key (65 or 32 bytes) and its length; -1 with a message in err. */
int send_server_key(const char *arg, uint8_t key[65], size_t *len, char *err, size_t err_len);
/* --device-key-file: a file holding 64 hex digits. */
int send_device_key_file(const char *path, uint8_t key[32], char *err, size_t err_len);

/*
 * The state file: the library's session layout (slmp.h, SLMP_SESSION_BYTES bytes, layout version 1) as is,
 * written atomically (temp file, fsync, rename) with mode 600. 1 loaded, 0 no file, -1 unreadable/invalid.
 */
int send_state_load(const char *path, slmp_session *s);
int send_state_save(const char *path, const slmp_session *s);
void send_state_delete(const char *path);

#endif
