#!/usr/bin/env python3
"""Checks scripts/slmp1_client.py against the SLMP/1 test vectors, byte for byte.

    python3 scripts/slmp1_client_selftest.py [VECTORS_DIR]    (default ../shared/vectors)

For each suite: the full handshake (HELLO, AUTH and every intermediate, WELCOME opened), the
data/ACK exchange that continues it, the resumption (RESUME, EARLY DATA, RESUMED, ACKs told apart
by their EARLY flag) and the negative cases whose side under test is the device (the CLOSE code it
must send). The device's randomness and clock come from the vectors. Exit 0 when all pass.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import slmp1_client as slmp  # noqa: E402

TYPES = {"HELLO": slmp.HELLO, "HELLO_REPLY": slmp.HELLO_REPLY, "AUTH": slmp.AUTH, "WELCOME": slmp.WELCOME,
         "RESUME": slmp.RESUME, "RESUMED": slmp.RESUMED, "DATA": slmp.DATA, "ACK": slmp.ACK,
         "PING": slmp.PING, "PONG": slmp.PONG, "CLOSE": slmp.CLOSE}
failures = []
checks = 0


def check(what, expected, actual):
    global checks
    checks += 1
    if expected != actual:
        failures.append("%s: expected %s, got %s" % (what, expected, actual))


class VectorRandomness:
    """The values a vector's device drew, handed out in order; the clock is the recorded one."""

    def __init__(self, r):
        self.eph = [bytes.fromhex(x) for x in r["ephemeral_private"]]
        self.nonces = [bytes.fromhex(x) for x in r["nonce_c"]]
        self.seals = [(bytes.fromhex(s["iv"]), s["timestamp"]) for s in r["fernet_seals"]]

    def ephemeral_private(self, group):
        return self.eph.pop(0)

    def nonce_c(self):
        return self.nonces.pop(0)

    def fernet_seal(self):
        return self.seals.pop(0)


def walk(name, dev, frames, ticket=None, stop_at=None):
    """Plays a device through `frames`: frames it sends must be byte-identical, frames it receives
    must give the recorded decoded values. Returns the SlmpError raised at index `stop_at`."""
    for f in frames:
        what = "%s frame %d %s" % (name, f["index"], f["type"])
        d = f.get("decoded") or {}
        raw = bytes.fromhex(f["hex"])
        if f["direction"] == "c2s":
            t = f["type"]
            if t == "HELLO":
                mine = dev.hello()
            elif t == "AUTH":
                mine = dev.auth()
            elif t == "RESUME":
                mine = dev.resume(bytes.fromhex(ticket["session_id"]), bytes.fromhex(ticket["rs"]),
                                  ticket["last_counter_used"] + 1)
            elif t == "DATA":
                mine = dev.data(d["topic"].encode(), bytes.fromhex(d["payload_hex"]),
                                ack=bool(d["flags"] & 1), early=bool(d["flags"] & 2))[1]
            elif t == "ACK":
                mine = dev.ack(d["acked_seq"], d["status"])
            elif t == "PING":
                mine = slmp.frame(slmp.PING, b"")
            elif t == "CLOSE":
                mine = slmp.close_frame(d["code"], d["reason"])
            else:
                raise AssertionError(what)
            check(what, f["hex"], mine.hex())
            continue
        if f["index"] == stop_at:
            try:
                dev.on_frame(raw[0], raw[4:])
            except slmp.SlmpError as e:
                return e
            return None
        event = dev.on_frame(raw[0], raw[4:])
        check(what + " type", TYPES[f["type"]], raw[0])
        if f["type"] == "WELCOME":
            check(what, (d["lifetime"], d["keepalive"], d["max_body"]), event[1:])
        elif f["type"] == "DATA":
            check(what, (d["seq"], d["flags"], d["topic"].encode(), bytes.fromhex(d["payload_hex"])), event[1:])
        elif f["type"] == "ACK":
            check(what, (bool(d["flags"] & 2), d["acked_seq"], d["status"]), event[1:])
        elif f["type"] in ("HELLO_REPLY", "RESUMED", "PONG"):
            check(what, f["type"].lower(), event[0])
    return None


def check_trace(name, dev, expected):
    for k, v in expected.items():
        if k in dev.trace:
            check("%s %s" % (name, k), v, dev.trace[k].hex())


def primitives(vectors):
    p = json.load(open(os.path.join(vectors, "slmp1", "primitives.json")))
    for l in p["labels"]:
        check("label " + l["s"], l["hex"], slmp.label(l["s"]).hex())
    for e in p["hkdf_expand"]:
        check("expand %d" % e["length"], e["okm"], slmp.expand(bytes.fromhex(e["prk"]), bytes.fromhex(e["info"]), e["length"]).hex())
    for e in p["hkdf_extract"]:
        check("extract", e["prk"], slmp.extract(bytes.fromhex(e["salt"]), bytes.fromhex(e["ikm"])).hex())
    for k in p["key_id"]:
        check("key_id " + k["group"], k["key_id"], slmp.key_id(bytes.fromhex(k["public"])).hex())
    for n in p["aead_nonce"]:
        keys = slmp.Keys(2, bytes(16), bytes.fromhex(n["iv"]), None)
        check("nonce seq %d" % n["seq"], n["nonce"], keys.nonce(n["seq"]).hex())
    fb = p["fernet_binary"]
    key, aad, pt = bytes.fromhex(fb["key"]), bytes.fromhex(fb["aad"]), bytes.fromhex(fb["plaintext"])
    token = slmp.fernet_seal(key, bytes.fromhex(fb["iv"]), fb["timestamp"], aad + pt)
    check("fernet token", fb["token"], token.hex())
    check("fernet open", pt, slmp.Keys(1, key, b"", None).open(0, aad, token))
    for lo in p["x25519_low_order_points"]:
        try:
            slmp.x25519_dh(bytes.fromhex(p["x25519_private_used"]), bytes.fromhex(lo["u"]))
            check("x25519 low order " + lo["name"], "rejected", "accepted")
        except slmp.SlmpError as e:
            check("x25519 low order " + lo["name"], slmp.PROTOCOL_ERROR, e.code)


def suite(vectors, nn):
    def load(kind):
        return json.load(open(os.path.join(vectors, "slmp1", "suite%s_%s.json" % (nn, kind))))

    fh = load("full_handshake")
    i = fh["inputs"]
    sid = fh["suite"]["id"]
    device = (sid, bytes.fromhex(i["server_static_public"]), bytes.fromhex(i["device_id_hex"]), bytes.fromhex(i["device_key"]))
    dev = slmp.Device(*device, rand=VectorRandomness(i["client_randomness"]))
    walk("suite%s full_handshake" % nn, dev, fh["frames"])
    check_trace("suite%s full_handshake" % nn, dev, fh["intermediates"])
    check("suite%s full_handshake trace complete" % nn, True, all(k in dev.trace for k in fh["intermediates"]))

    da = load("data_ack")
    dev = slmp.Device(*device, rand=VectorRandomness(da["inputs"]["client_randomness"]))
    walk("suite%s data_ack" % nn, dev, da["handshake_frames"] + da["frames"])

    rs = load("resumption")
    ri = rs["inputs"]
    dev = slmp.Device(*device, rand=VectorRandomness(ri["client_randomness"]))
    walk("suite%s resumption" % nn, dev, rs["frames"], ticket=ri["client_ticket"])
    check_trace("suite%s resumption" % nn, dev, rs["intermediates"])

    neg = load("negative")
    d = neg["device"]
    n = 0
    for case in neg["cases"]:
        if case["rejected_by"] != "client":
            continue
        n += 1
        dev = slmp.Device(sid, bytes.fromhex(d["server_static_public"]), bytes.fromhex(d["device_id_hex"]),
                          bytes.fromhex(d["device_key"]), rand=VectorRandomness(case["client_randomness"]))
        try:
            err = walk("suite%s %s" % (nn, case["name"]), dev, case["frames"], case.get("client_ticket"),
                       stop_at=case["rejected_frame_index"])
            check("suite%s %s CLOSE code" % (nn, case["name"]), case["expected_close_code"], err and err.code)
        except slmp.SlmpError as e:
            check("suite%s %s refused too early" % (nn, case["name"]), None, str(e))
    print("suite%s: full handshake, data/ack, resumption, %d device-side negative cases" % (nn, n))


def command_lines():
    """The line a command is printed as: the same as the Java CLI's (CommandPrinterTest has these cases)."""
    cases = [(b"cmd/led", b"on", "command topic=cmd/led payload=on"),
             (b"t", "caf\u00e9 \u2713".encode(), "command topic=t payload=caf\u00e9 \u2713"),
             (b"", b"", "command topic= payload="),
             (b"bin", b"\x00\x01\xff", "command topic=bin payload=AAH/"),
             (b"nl", b"a\nb", "command topic=nl payload=YQpi"),
             (b"c1", "\u0085".encode(), "command topic=c1 payload=woU="),
             (b"bad", b"\xc3\x28", "command topic=bad payload=wyg=")]
    for topic, payload, line in cases:
        check("command line %r" % payload, line, slmp.command_line(topic, payload))
    print("command lines: %d cases" % len(cases))


def main():
    vectors = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "vectors")
    if len(sys.argv) == 1 and not os.path.isdir(vectors):   # run from elsewhere than the checkout
        vectors = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "vectors")
    import cryptography
    print("python %s, cryptography %s, vectors %s" % (sys.version.split()[0], cryptography.__version__, vectors))
    primitives(vectors)
    for nn in ("01", "02", "03"):
        suite(vectors, nn)
    command_lines()
    for f in failures:
        print("FAIL " + f)
    print("%d checks, %d failures" % (checks, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
