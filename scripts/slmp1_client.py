#!/usr/bin/env python3
"""An SLMP/1 (revision 2) device, written from ../shared/spec/SLMP-1.md alone.

    SLMP_DEVICE_KEY=HEX python3 scripts/slmp1_client.py --host 127.0.0.1 --port 9999 \\
        --server-key HEX_OR_PEM_FILE --device ID [--device-key-file FILE] --suite 1|2|3 [--topic T] \\
        [--ack] [--state FILE] [--linger SECONDS] MESSAGE...

Each MESSAGE is one DATA frame. With --state FILE the session is kept there (mode 600) and the
next run resumes it, sending the messages as 0-RTT early data. Output: `full handshake` or
`resumed` first, then one `ack seq=N STATUS` line per acknowledged message. Commands the server
sends (its queue for this device comes right after WELCOME/RESUMED, before the ACKs or the PONG
this device waits for) are printed as `command topic=T payload=P` (P: the payload as UTF-8 when it
is printable, else base64) and ACKed ACCEPTED; --linger keeps reading for more that long.
The device key comes from --device-key-file, $SLMP_DEVICE_KEY or --device-key (in that order of
preference: other local users can read a process's arguments).
Exit status: 0 ok (every ACK ACCEPTED with --ack), 3 NOT_DELIVERED, 4 REJECTED, 100 + code when
the server sent CLOSE(code), 1 any other error (including a CLOSE this device sent), 2 usage.

`Device` is the protocol without I/O (it builds frames and checks received ones); randomness
and the clock are injectable (`SystemRandomness`) so the test vectors can be reproduced.
Needs only the `cryptography` package (38 or later) and the standard library.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import socket
import struct
import sys
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

HELLO, HELLO_REPLY, AUTH, WELCOME, RESUME, RESUMED = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06
DATA, ACK, PING, PONG, CLOSE = 0x10, 0x11, 0x12, 0x13, 0x1F
(NORMAL, PROTOCOL_ERROR, UNSUPPORTED_VERSION, UNSUPPORTED_SUITE, UNKNOWN_SERVER_KEY, AUTH_FAILED,
 SESSION_UNKNOWN, REPLAY, FRAME_TOO_LARGE, TIMEOUT, BUSY, INTERNAL_ERROR, DECRYPT_FAILED) = range(13)
ACK_REQUESTED, EARLY = 0x01, 0x02
STATUS_NAMES = {0: "ACCEPTED", 1: "NOT_DELIVERED", 2: "REJECTED"}
VERSION = 1
MIN_BODY = 1024            # every receiver accepts this much (spec 2)
RECEIVE_MAX_BODY = 65536   # what this device accepts

# suite id -> (group, cipher, key bytes, iv bytes)   (spec 3)
SUITES = {1: ("P-256", "fernet", 32, 0), 2: ("P-256", "aes-128-gcm", 16, 12),
          3: ("X25519", "chacha20-poly1305", 32, 12)}
P256_PRIME = 2**256 - 2**224 + 2**192 + 2**96 - 1


class SlmpError(Exception):
    """Something this device must refuse: it sends CLOSE(code)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class PeerClosed(Exception):
    """The server sent CLOSE."""

    def __init__(self, code, reason):
        super().__init__("closed: code=%s reason=%s" % (code, reason))
        self.code, self.reason = code, reason


# ---- primitives (spec 1) ----------------------------------------------------------------------

def sha256(x):
    return hashlib.sha256(x).digest()


def hmac256(key, x):
    return hmac.new(key, x, hashlib.sha256).digest()


def extract(salt, ikm):
    return hmac256(salt, ikm)


def expand(prk, info, n):
    return b"" if n == 0 else HKDFExpand(hashes.SHA256(), n, info).derive(prk)


def label(s):
    return b"slmp/1 " + s.encode("ascii")


def u32(n):
    return struct.pack(">I", n)


def frame(ftype, body):
    return bytes([ftype]) + len(body).to_bytes(3, "big") + body


def close_frame(code, reason=""):
    return frame(CLOSE, bytes([code]) + reason.encode("utf-8")[:254])


def key_id(public):
    return sha256(public)[:4]


# ---- groups (spec 3.1) ------------------------------------------------------------------------

def p256_public(priv):
    key = ec.derive_private_key(int.from_bytes(priv, "big"), ec.SECP256R1())
    return key.public_key().public_bytes(serialization.Encoding.X962,
                                         serialization.PublicFormat.UncompressedPoint)


def p256_dh(priv, pub):
    # Only 04 || X || Y with X, Y < p on the curve; from_encoded_point checks the curve equation.
    if (len(pub) != 65 or pub[0] != 0x04 or int.from_bytes(pub[1:33], "big") >= P256_PRIME
            or int.from_bytes(pub[33:], "big") >= P256_PRIME):
        raise SlmpError(PROTOCOL_ERROR, "invalid P-256 public key")
    try:
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), pub)
    except ValueError:
        raise SlmpError(PROTOCOL_ERROR, "P-256 public key not on the curve") from None
    key = ec.derive_private_key(int.from_bytes(priv, "big"), ec.SECP256R1())
    return key.exchange(ec.ECDH(), peer)


def x25519_public(priv):
    return x25519.X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def x25519_dh(priv, pub):
    if len(pub) != 32:
        raise SlmpError(PROTOCOL_ERROR, "invalid X25519 public key")
    try:
        shared = x25519.X25519PrivateKey.from_private_bytes(priv).exchange(
            x25519.X25519PublicKey.from_public_bytes(pub))
    except ValueError:  # OpenSSL refuses an all-zero result
        shared = bytes(32)
    if not any(shared):
        raise SlmpError(PROTOCOL_ERROR, "low-order X25519 public key")
    return shared


GROUPS = {"P-256": (65, p256_public, p256_dh), "X25519": (32, x25519_public, x25519_dh)}


class SystemRandomness:
    """Fresh randomness and the real clock. Tests pass an object with the same methods."""

    def ephemeral_private(self, group):
        if group == "P-256":
            key = ec.generate_private_key(ec.SECP256R1())
            return key.private_numbers().private_value.to_bytes(32, "big")
        return secrets.token_bytes(32)

    def nonce_c(self):
        return secrets.token_bytes(16)

    def fernet_seal(self):
        """(iv, timestamp) of the next Fernet token."""
        return secrets.token_bytes(16), int(time.time())


# ---- sealing (spec 3.2) -----------------------------------------------------------------------

def fernet_seal(key, iv, timestamp, plaintext):
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(key[16:]), modes.CBC(iv)).encryptor()
    data = padder.update(plaintext) + padder.finalize()
    token = b"\x80" + struct.pack(">Q", timestamp) + iv + enc.update(data) + enc.finalize()
    return token + hmac256(key[:16], token)


def fernet_open(key, token):
    """The plaintext of a binary Fernet token, or None. The timestamp is never checked."""
    if len(token) < 73 or (len(token) - 57) % 16 != 0 or token[0] != 0x80:
        return None
    if not hmac.compare_digest(hmac256(key[:16], token[:-32]), token[-32:]):
        return None
    dec = Cipher(algorithms.AES(key[16:]), modes.CBC(token[9:25])).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(dec.update(token[25:-32]) + dec.finalize()) + unpadder.finalize()
    except ValueError:
        return None


class Keys:
    """K = (key, iv) of one direction for one suite."""

    def __init__(self, suite, key, iv, rand):
        self.cipher, self.key, self.iv, self.rand = SUITES[suite][1], key, iv, rand

    def nonce(self, seq):
        return self.iv[:8] + bytes(a ^ b for a, b in zip(self.iv[8:], u32(seq)))

    def _aead(self):
        return AESGCM(self.key) if self.cipher == "aes-128-gcm" else ChaCha20Poly1305(self.key)

    def seal(self, seq, aad, plaintext):
        if self.cipher == "fernet":
            iv, timestamp = self.rand.fernet_seal()
            return fernet_seal(self.key, iv, timestamp, aad + plaintext)
        return self._aead().encrypt(self.nonce(seq), plaintext, aad)

    def open(self, seq, aad, sealed):
        if self.cipher == "fernet":
            text = fernet_open(self.key, sealed)
            if text is not None and len(text) >= len(aad) and hmac.compare_digest(text[:len(aad)], aad):
                return text[len(aad):]
        else:
            try:
                return self._aead().decrypt(self.nonce(seq), sealed, aad)
            except (InvalidTag, ValueError):
                pass
        raise SlmpError(DECRYPT_FAILED, "frame does not open")


# ---- the device's protocol, without I/O (spec 5-8) --------------------------------------------

class Device:
    def __init__(self, suite, server_key, device_id, device_key, rand=None):
        self.suite, self.server_key, self.device_id, self.device_key = suite, server_key, device_id, device_key
        self.group, _, self.key_bytes, self.iv_bytes = SUITES[suite]
        self.key_len, self.public, self.dh = GROUPS[self.group]
        self.rand = rand or SystemRandomness()
        self.state = "start"
        self.resumed = False
        self.trace = {}  # every intermediate value, for tests

    def _keys(self, prk, key_label, iv_label):
        return Keys(self.suite, expand(prk, key_label, self.key_bytes), expand(prk, iv_label, self.iv_bytes), self.rand)

    def _traffic_keys(self, ms):
        self.c2s = self._keys(ms, label("c2s key"), label("c2s iv"))
        self.s2c = self._keys(ms, label("s2c key"), label("s2c iv"))
        self.trace.update(ms=ms, K_c2s_key=self.c2s.key, K_c2s_iv=self.c2s.iv,
                          K_s2c_key=self.s2c.key, K_s2c_iv=self.s2c.iv)
        self.c2s_seq = 0   # the first DATA or ACK sent is seq 1

    # full handshake
    def hello(self):
        self.e_priv = self.rand.ephemeral_private(self.group)
        body = bytes([VERSION, self.suite]) + key_id(self.server_key) + self.public(self.e_priv)
        self.hello_frame = frame(HELLO, body)
        self.state = "hello sent"
        return self.hello_frame

    def _on_hello_reply(self, body):
        if len(body) != self.key_len + 32:
            raise SlmpError(PROTOCOL_ERROR, "HELLO_REPLY of %d bytes" % len(body))
        e_s, confirm = body[:self.key_len], body[self.key_len:]
        ee = self.dh(self.e_priv, e_s)
        es = self.dh(self.e_priv, self.server_key)
        th1 = sha256(self.hello_frame + e_s)
        self.hs = extract(th1, ee + es)
        confirm_key = expand(self.hs, label("server confirm"), 32)
        expected = hmac256(confirm_key, th1)
        self.trace.update(ee=ee, es=es, th1=th1, hs=self.hs, confirm_key=confirm_key, confirm=expected)
        if not hmac.compare_digest(expected, confirm):
            raise SlmpError(AUTH_FAILED, "the server's confirm is wrong: not the server we trust")
        self.reply_frame = frame(HELLO_REPLY, body)
        self.state = "hello reply received"

    def auth(self):
        assert self.state == "hello reply received"
        th2 = sha256(self.hello_frame + self.reply_frame)
        k_auth = self._keys(self.hs, label("client auth key"), label("client auth iv"))
        proof = hmac256(self.device_key, label("device proof") + th2)
        plaintext = bytes([len(self.device_id)]) + self.device_id + proof
        auth_frame = frame(AUTH, k_auth.seal(0, bytes([AUTH]), plaintext))
        th3 = sha256(self.hello_frame + self.reply_frame + auth_frame)
        ms = extract(th3, self.hs)
        self._traffic_keys(ms)
        self.rs = expand(ms, label("resumption"), 32)
        self.session_id = expand(ms, label("session id"), 16)
        self.trace.update(th2=th2, K_auth_key=k_auth.key, K_auth_iv=k_auth.iv, proof=proof,
                          auth_plaintext=plaintext, th3=th3, rs=self.rs, session_id=self.session_id)
        self.s2c_seq = -1  # WELCOME is s2c seq 0
        self.state = "auth sent"
        return auth_frame

    # resumption (spec 8)
    def resume(self, session_id, rs, counter):
        self.session_id, self.rs = session_id, rs
        nonce_c = self.rand.nonce_c()
        head = bytes([VERSION, self.suite]) + session_id + u32(counter) + nonce_c
        binder_key = expand(rs, label("binder"), 32)
        binder = hmac256(binder_key, head)
        self.resume_frame = frame(RESUME, head + binder)
        info = u32(counter) + nonce_c
        self.early = self._keys(rs, label("early key") + info, label("early iv") + info)
        self.early_seq = 0
        self.trace.update(session_id=session_id, rs=rs, binder_input=head, binder_key=binder_key, binder=binder,
                          K_early_key=self.early.key, K_early_iv=self.early.iv, nonce_c=nonce_c)
        self.state = "resume sent"
        return self.resume_frame

    def _on_resumed(self, body):
        if len(body) != 48:
            raise SlmpError(PROTOCOL_ERROR, "RESUMED of %d bytes" % len(body))
        nonce_s, confirm = body[:16], body[16:]
        th_r = sha256(self.resume_frame + nonce_s)
        ms = extract(th_r, self.rs)
        confirm_key = expand(ms, label("server confirm"), 32)
        expected = hmac256(confirm_key, th_r)
        self.trace.update(nonce_s=nonce_s, th_r=th_r, confirm_key=confirm_key, confirm=expected)
        if not hmac.compare_digest(expected, confirm):
            raise SlmpError(AUTH_FAILED, "the server's RESUMED confirm is wrong")
        self._traffic_keys(ms)
        self.s2c_seq = 0   # the first ACK or DATA from the server is seq 1
        self.resumed = True
        self.state = "established"

    # sealed frames (spec 6)
    def _seal(self, ftype, flags, plaintext):
        if flags & EARLY:
            keys, self.early_seq = self.early, self.early_seq + 1
            seq = self.early_seq
        else:
            keys, self.c2s_seq = self.c2s, self.c2s_seq + 1
            seq = self.c2s_seq
        if seq > 0xFFFFFFFF:
            raise SlmpError(NORMAL, "sequence numbers exhausted")
        head = bytes([flags]) + u32(seq)
        return seq, frame(ftype, head + keys.seal(seq, bytes([ftype]) + head, plaintext))

    def data(self, topic, payload, ack=False, early=False):
        """(seq, DATA frame). Early data is sealed with K_early and its own counter."""
        if len(topic) > 255:
            raise ValueError("topic longer than 255 bytes")
        flags = (ACK_REQUESTED if ack else 0) | (EARLY if early else 0)
        return self._seal(DATA, flags, bytes([len(topic)]) + topic + payload)

    def ack(self, acked_seq, status=0):
        return self._seal(ACK, 0, u32(acked_seq) + bytes([status]))[1]

    def _open(self, ftype, body, allowed_flags):
        if len(body) < 5:
            raise SlmpError(PROTOCOL_ERROR, "sealed body shorter than 5 bytes")
        flags, seq = body[0], int.from_bytes(body[1:5], "big")
        if flags & ~allowed_flags:
            raise SlmpError(PROTOCOL_ERROR, "invalid flags 0x%02x" % flags)
        if seq != self.s2c_seq + 1:
            raise SlmpError(REPLAY, "seq %d, expected %d" % (seq, self.s2c_seq + 1))
        plaintext = self.s2c.open(seq, bytes([ftype]) + body[:5], body[5:])
        self.s2c_seq = seq
        return flags, seq, plaintext

    def on_frame(self, ftype, body):
        """Checks one received frame; returns an event tuple or raises SlmpError / PeerClosed."""
        if ftype == CLOSE:
            code = body[0] if body else None
            raise PeerClosed(code, body[1:].decode("utf-8", "replace"))
        if self.state == "hello sent" and ftype == HELLO_REPLY:
            self._on_hello_reply(body)
            return ("hello_reply",)
        if self.state == "resume sent" and ftype == RESUMED:
            self._on_resumed(body)
            return ("resumed",)
        if self.state == "auth sent" and ftype == WELCOME:
            _, _, plaintext = self._open(WELCOME, body, 0)
            if len(plaintext) != 9:
                raise SlmpError(PROTOCOL_ERROR, "WELCOME plaintext of %d bytes" % len(plaintext))
            self.trace["welcome_plaintext"] = plaintext
            self.state = "established"
            lifetime, keepalive = struct.unpack(">IH", plaintext[:6])
            return ("welcome", lifetime, keepalive, int.from_bytes(plaintext[6:], "big"))
        if self.state == "established":
            if ftype == DATA:
                flags, seq, plaintext = self._open(DATA, body, ACK_REQUESTED)
                if len(plaintext) < 1 or plaintext[0] > len(plaintext) - 1:
                    raise SlmpError(PROTOCOL_ERROR, "DATA topic_len beyond the plaintext")
                topic = plaintext[1:1 + plaintext[0]]
                try:
                    topic.decode("utf-8")
                except UnicodeDecodeError:
                    raise SlmpError(PROTOCOL_ERROR, "DATA topic not UTF-8") from None
                return ("data", seq, flags, topic, plaintext[1 + plaintext[0]:])
            if ftype == ACK:
                flags, seq, plaintext = self._open(ACK, body, EARLY if self.resumed else 0)
                if len(plaintext) != 5 or plaintext[4] not in STATUS_NAMES:
                    raise SlmpError(PROTOCOL_ERROR, "malformed ACK")
                return ("ack", bool(flags & EARLY), int.from_bytes(plaintext[:4], "big"), plaintext[4])
            if ftype in (PING, PONG):
                if body:
                    raise SlmpError(PROTOCOL_ERROR, "PING/PONG with a body")
                return ("ping",) if ftype == PING else ("pong",)
        raise SlmpError(PROTOCOL_ERROR, "frame type 0x%02x not allowed in state '%s'" % (ftype, self.state))


# ---- I/O ---------------------------------------------------------------------------------------

class Connection:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)

    def send(self, *frames):
        self.sock.sendall(b"".join(frames))

    def _exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("connection closed by the server without CLOSE")
            buf += chunk
        return bytes(buf)

    def read_frame(self):
        header = self._exact(4)
        length = int.from_bytes(header[1:], "big")
        if length > RECEIVE_MAX_BODY:   # decided from the header alone (spec 2)
            raise SlmpError(FRAME_TOO_LARGE, "frame of %d bytes" % length)
        return header[0], self._exact(length)

    def close(self, code=None, reason=""):
        """Send CLOSE (if a code is given), half-close, drain for a moment, close (spec 2)."""
        try:
            if code is not None:
                self.sock.sendall(close_frame(code, reason))
            self.sock.shutdown(socket.SHUT_WR)
            self.sock.settimeout(1.0)
            end, drained = time.monotonic() + 1.0, 0
            while time.monotonic() < end and drained < 1 << 20:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                drained += len(chunk)
        except OSError:
            pass
        finally:
            self.sock.close()


def load_state(path):
    try:
        with open(path) as f:
            s = json.load(f)
        return dict(s, session_id=bytes.fromhex(s["session_id"]), rs=bytes.fromhex(s["rs"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_state(path, s):
    data = dict(s, session_id=s["session_id"].hex(), rs=s["rs"].hex())
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def drop_state(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def printable(payload):
    """The payload as text when it is UTF-8 without control characters, else base64 (as the Java CLI)."""
    try:
        text = payload.decode("utf-8")
        if not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text):
            return text
    except UnicodeDecodeError:
        pass
    return base64.b64encode(payload).decode("ascii")


def command_line(topic, payload):
    return "command topic=%s payload=%s" % (topic.decode("utf-8", "replace"), printable(payload))


def handle(conn, dev, event, pending, statuses):
    """One event from the server: an ACK of ours, a command (printed, ACKed ACCEPTED), PING; True for a PONG."""
    if event[0] == "ack":
        _, early, acked, status = event
        if (early, acked) in pending:   # an ACK that matches nothing is ignored (spec 6)
            pending.remove((early, acked))
            statuses.append(status)
            print("ack seq=%d %s%s" % (acked, STATUS_NAMES[status], " early" if early else ""), flush=True)
    elif event[0] == "data":
        _, seq, flags, topic, payload = event
        print(command_line(topic, payload), flush=True)
        if flags & ACK_REQUESTED:
            conn.send(dev.ack(seq, 0))
    elif event[0] == "ping":
        conn.send(frame(PONG, b""))
    return event[0] == "pong"


def exchange(conn, dev, pending, flush):
    """Reads until every requested ACK arrived (and, with flush, a PONG); returns the statuses.

    The server sends a device's queued commands before anything else after WELCOME/RESUMED, so
    they have all been handled when the last ACK (or the PONG) arrives."""
    statuses = []
    if flush:
        conn.send(frame(PING, b""))
    while pending or flush:
        if handle(conn, dev, dev.on_frame(*conn.read_frame()), pending, statuses):
            flush = False
    return statuses


def linger(conn, dev, seconds):
    """Reads for `seconds` more, handling commands as they come."""
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        conn.sock.settimeout(left)
        try:
            header = conn.sock.recv(1, socket.MSG_PEEK)
        except socket.timeout:
            return
        if not header:
            raise ConnectionError("connection closed by the server without CLOSE")
        conn.sock.settimeout(max(left, 5.0))   # a frame that has begun is read whole
        handle(conn, dev, dev.on_frame(*conn.read_frame()), set(), [])


def run(args, rand=None):
    group = SUITES[args.suite][0]
    device_id, device_key = args.device.encode("utf-8"), args.device_key
    server_key = read_server_key(args.server_key)
    if len(server_key) != GROUPS[group][0]:
        raise SystemExit("error: --server-key is not a %s key (suite %d)" % (group, args.suite))
    if not 1 <= len(device_id) <= 64 or len(device_key) != 32:
        raise SystemExit("error: the device id must be 1..64 bytes and the device key 32 bytes")
    topic, messages = args.topic.encode("utf-8"), [m.encode("utf-8") for m in args.message]
    if len(topic) > 255:
        raise SystemExit("error: the topic is longer than 255 bytes")
    # A DATA body is at most 5 + 57 + 16 + aad, topic_len, topic and payload (Fernet, the largest).
    largest = max(85 + len(topic) + len(m) for m in messages)
    ticket = load_state(args.state) if args.state else None
    if ticket and (ticket.get("suite") != args.suite or ticket.get("expires", 0) <= time.time()
                   or largest > ticket.get("max_body", 0)):
        ticket = None

    dev = Device(args.suite, server_key, device_id, device_key, rand)
    conn = Connection(args.host, args.port, args.timeout)
    pending = set()
    try:
        if ticket:
            ticket["counter"] += 1
            save_state(args.state, ticket)        # the new counter is stored before RESUME leaves
            first_flight = [dev.resume(ticket["session_id"], ticket["rs"], ticket["counter"])]
            for m in messages:
                seq, f = dev.data(topic, m, ack=args.ack, early=True)
                first_flight.append(f)
                if args.ack:
                    pending.add((True, seq))
            conn.send(*first_flight)
            try:
                dev.on_frame(*conn.read_frame())
            except PeerClosed as e:
                if e.code in (SESSION_UNKNOWN, REPLAY):   # the session is gone: full handshake next time
                    drop_state(args.state)
                raise
            print("resumed", flush=True)
        else:
            print("full handshake", flush=True)
            conn.send(dev.hello())
            dev.on_frame(*conn.read_frame())
            frames = [dev.auth()]
            sizes_ok = largest <= MIN_BODY   # else wait for WELCOME's max_body
            data = [dev.data(topic, m, ack=args.ack) for m in messages] if sizes_ok else []
            conn.send(*frames, *(f for _, f in data))   # DATA may follow AUTH at once (spec 5)
            _, lifetime, keepalive, max_body = dev.on_frame(*conn.read_frame())
            if args.state:
                if lifetime > 0:
                    save_state(args.state, {"session_id": dev.session_id, "rs": dev.rs, "suite": args.suite,
                                            "counter": 0, "lifetime": lifetime, "keepalive": keepalive,
                                            "max_body": max_body, "expires": int(time.time()) + lifetime})
                else:
                    drop_state(args.state)
            if not sizes_ok:
                if largest > max_body:
                    raise SlmpError(NORMAL, "message larger than the server's max_body %d" % max_body)
                data = [dev.data(topic, m, ack=args.ack) for m in messages]
                conn.send(*(f for _, f in data))
            pending = {(False, seq) for seq, _ in data} if args.ack else set()
        # Without ACKs, a PING/PONG round trip shows the server has read (and not refused) the data.
        statuses = exchange(conn, dev, pending, flush=not args.ack)
        if args.linger > 0:
            linger(conn, dev, args.linger)
        conn.close(NORMAL, "bye")
    except PeerClosed as e:
        conn.close()
        print("closed: code=%s reason=%s" % (e.code, e.reason), flush=True)
        return 100 + (e.code or 0)
    except SlmpError as e:
        conn.close(e.code, str(e))
        print("error: %s (sent CLOSE code=%d)" % (e, e.code), flush=True)
        return 1
    if args.replay_resume_to:
        if not ticket:
            print("replayed: nothing to replay (no resumption)", flush=True)
            return 1
        host, port = args.replay_resume_to.rsplit(":", 1)
        replay = Connection(host, int(port), args.timeout)
        replay.send(*first_flight)
        try:
            ftype, body = replay.read_frame()
        finally:
            replay.close()
        if ftype != CLOSE:
            print("replayed: frame type 0x%02x (the replay was not refused)" % ftype, flush=True)
            return 1
        print("replayed: CLOSE code=%s" % (body[0] if body else None), flush=True)
        return 0 if body[:1] == bytes([REPLAY]) else 1
    return 4 if 2 in statuses else 3 if 1 in statuses else 0   # REJECTED, NOT_DELIVERED


def read_server_key(value):
    """Hex of the raw public key (65-byte P-256 point or 32-byte X25519 key), or a PEM .pub file."""
    if os.path.isfile(value):
        with open(value, "rb") as f:
            key = serialization.load_pem_public_key(f.read())
        if isinstance(key, ec.EllipticCurvePublicKey):
            return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return bytes.fromhex(value)


def main(argv=None):
    p = argparse.ArgumentParser(description="SLMP/1 device: send messages to an SLMP/1 server.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9999)
    p.add_argument("--server-key", required=True, help="the server's static public key (hex) or its PEM file")
    p.add_argument("--device", required=True, help="device id (UTF-8, 1..64 bytes)")
    p.add_argument("--device-key-file", metavar="FILE", help="a file holding the device's key (64 hex digits)")
    p.add_argument("--device-key", metavar="HEX",
                   help="the device's 32-byte key (hex); default: $SLMP_DEVICE_KEY")
    p.add_argument("--suite", type=int, choices=sorted(SUITES), default=1)
    p.add_argument("--topic", default="")
    p.add_argument("--ack", action="store_true", help="request an ACK for every message")
    p.add_argument("--state", help="session file: kept after a full handshake, resumed next time")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for the server")
    p.add_argument("--linger", type=float, default=0.0, metavar="SECONDS",
                   help="after the messages, keep reading commands this long")
    p.add_argument("--replay-resume-to", metavar="HOST:PORT",
                   help="test aid: after a resumption, send its first flight again there")
    p.add_argument("message", nargs="+", metavar="MESSAGE", help="one DATA frame each")
    args = p.parse_args(argv)
    if args.linger < 0:
        p.error("--linger must not be negative")
    if args.device_key is not None and args.device_key_file is not None:
        p.error("give --device-key or --device-key-file, not both")
    try:
        if args.device_key_file is not None:
            try:
                with open(args.device_key_file, "rb") as f:
                    text = f.read(4097).decode("ascii", "replace").strip()
            except OSError as e:
                print("error: --device-key-file %s: cannot read it (%s)" % (args.device_key_file, e.strerror),
                      flush=True)
                return 1
            if not re.fullmatch(r"[0-9a-fA-F]{64}", text):
                print("error: --device-key-file %s: does not hold 64 hex digits (32 bytes)" % args.device_key_file,
                      flush=True)
                return 1
        else:
            text = args.device_key if args.device_key is not None else os.environ.get("SLMP_DEVICE_KEY", "").strip()
            if not text:
                p.error("missing the device key: --device-key-file FILE, $SLMP_DEVICE_KEY or --device-key HEX")
            if not re.fullmatch(r"[0-9a-fA-F]{64}", text):
                p.error("the device key must be 64 hex digits (32 bytes)")
        args.device_key = bytes.fromhex(text)
        return run(args)
    except (OSError, ValueError) as e:
        print("error: %s" % e, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
