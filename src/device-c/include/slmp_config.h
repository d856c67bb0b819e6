/* Compile-time configuration of libslmp. Override with -D on the compiler line (the same for the library and
 * the application: the connection struct's size depends on these). */
#ifndef SLMP_CONFIG_H
#define SLMP_CONFIG_H

/* deviceMaxBody (spec 2): the largest body the device accepts; the spec requires at least 1,024. It sizes the
 * receive buffer, the biggest part of struct slmp_conn. */
#ifndef SLMP_DEVICE_MAX_BODY
#define SLMP_DEVICE_MAX_BODY 1024
#endif

/* The largest body the device sends; it sizes the transmit buffer. AUTH needs up to 169 bytes (Fernet, 64-byte
 * id). A DATA body is 5 + 1 + topic + payload + 16 with AEAD, 5 + 57 + 16 * ((6 + 1 + topic + payload) / 16 + 1)
 * with Fernet: 384 carries topic + payload up to 362 bytes (suites 2, 3) or 312 bytes (suite 1). */
#ifndef SLMP_TX_MAX_BODY
#define SLMP_TX_MAX_BODY 384
#endif

/* How many DATA with ACK_REQUESTED may await their ACK at once. */
#ifndef SLMP_MAX_PENDING_ACKS
#define SLMP_MAX_PENDING_ACKS 8
#endif

/* Each suite can be compiled out to save flash: -DSLMP_NO_SUITE1 (P-256 + Fernet), -DSLMP_NO_SUITE2
 * (P-256 + AES-128-GCM), -DSLMP_NO_SUITE3 (X25519 + ChaCha20-Poly1305). */
#if !defined(SLMP_NO_SUITE1) || !defined(SLMP_NO_SUITE2)
#define SLMP_HAVE_P256 1
#endif
#if !defined(SLMP_NO_SUITE3)
#define SLMP_HAVE_X25519 1
#endif
#if defined(SLMP_NO_SUITE1) && defined(SLMP_NO_SUITE2) && defined(SLMP_NO_SUITE3)
#error "libslmp: every suite is compiled out"
#endif

#if SLMP_DEVICE_MAX_BODY < 1024 || SLMP_DEVICE_MAX_BODY > 0xFFFFFF
#error "SLMP_DEVICE_MAX_BODY must be 1024..16777215 (spec 2: every receiver accepts 1,024-byte bodies)"
#endif
#if SLMP_TX_MAX_BODY < 169
#error "SLMP_TX_MAX_BODY must hold an AUTH (at least 169 bytes)"
#endif

#endif
