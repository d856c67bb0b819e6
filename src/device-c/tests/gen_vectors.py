#!/usr/bin/env python3
"""Turns the SLMP/1 vector files (../shared/vectors/slmp1/*.json) into line scripts for tests/vector_test.c.

Nothing is copied by hand: this runs at build time (scripts/build-c.sh) and the C test reads its output at test
time. One script per JSON file, same name with .txt. A script is a list of cases; the device side of each case is
driven by these lines (hex "-" is the empty string):

  case NAME                      a new case; the device is set up from the lines up to the first action
  suite N | server_key HEX | device ID_HEX KEY_HEX
  random HEX PREFIX_LEN          the device's random stream in draw order (ephemeral key or nonce_c, then the Fernet
                                 ivs); PREFIX_LEN bytes before the first Fernet iv
  clock TS...                    Fernet timestamps, the n-th for the n-th Fernet iv drawn
  ticket SID RS SUITE LAST KEEPALIVE MAX_BODY
  act start_full | act start_resume | act send FLAGS TOPIC PAYLOAD | act ack SEQ STATUS | act ping
  act close CODE REASON
  out HEX                        the device must have written exactly these bytes next
  in HEX                         fed to the device (flip: also the bit-flip test, positive files only)
  ev none | ev auth_sent | ev established | ev pong | ev message SEQ ACKREQ TOPIC PAYLOAD | ev ack SEQ EARLY STATUS
  reject HEX CODE                fed to the device: it must write CLOSE(CODE) and close
  end
Primitive files use one line per vector, see primitives_test.c.
"""
import json
import os
import sys


def h(s):
    return s if s else "-"


def randomness(r, lines):
    prefix = "".join(r.get("ephemeral_private", [])) + "".join(r.get("nonce_c", []))
    ivs = "".join(s["iv"] for s in r.get("fernet_seals", []))
    lines.append("random %s %d" % (h(prefix + ivs), len(prefix) // 2))
    lines.append("clock " + " ".join(str(s["timestamp"]) for s in r.get("fernet_seals", [])) + " 0")


def device(suite, server_key, dev_id_hex, dev_key, lines):
    lines.append("suite %d" % suite)
    lines.append("server_key " + server_key)
    lines.append("device %s %s" % (dev_id_hex, dev_key))


def ticket(t, lines):
    lines.append("ticket %s %s %d %d %d %d" % (t["session_id"], t["rs"], t["suite"], t["last_counter_used"],
                                               t["keepalive"], t["max_body"]))


def frame(f, lines, state, flip):
    t, d, x = f["type"], f.get("decoded", {}), f["hex"]
    if f["direction"] == "c2s":
        if t == "HELLO":
            lines.append("act start_full")
        elif t == "RESUME":
            lines.append("act start_resume")
        elif t == "DATA":
            lines.append("act send %d %s %s" % (d["flags"], h(d["topic"].encode().hex()), h(d["payload_hex"])))
        elif t == "ACK":
            lines.append("act ack %d %d" % (d["acked_seq"], d["status"]))
        elif t == "PING":
            lines.append("act ping")
        elif t == "CLOSE":
            lines.append("act close %d %s" % (d["code"], h(d.get("reason", "").encode().hex())))
        lines.append("out " + x)  # AUTH and PONG are answers: no action
        return
    lines.append(("in " if not flip else "in_flip ") + x)
    if t in ("WELCOME", "RESUMED"):
        lines.append("ev established")
    elif t == "HELLO_REPLY":
        lines.append("ev auth_sent")
    elif t == "PONG":
        lines.append("ev pong")
    elif t == "DATA":
        lines.append("ev message %d %d %s %s" % (d["seq"], d["flags"] & 1, h(d["topic"].encode().hex()),
                                                 h(d["payload_hex"])))
    elif t == "ACK":
        lines.append("ev ack %d %d %d" % (d["acked_seq"], 1 if d["flags"] & 2 else 0, d["status"]))
    else:
        lines.append("ev none")


def scenario(doc, lines):
    suite = doc["suite"]["id"]
    sc = doc["scenario"]
    inp = doc.get("inputs", {})
    if sc == "full_handshake" or sc == "data_ack":
        hs = doc if sc == "full_handshake" else None
        lines.append("case " + sc)
        if hs is None:
            # data_ack repeats the handshake's frames; the keys come from its own handshake vector file
            base = json.load(open(os.path.join(os.path.dirname(SRC), doc["handshake_vector"])))
            hi = base["inputs"]
        else:
            hi = inp
        device(suite, hi["server_static_public"], hi["device_id_hex"], hi["device_key"], lines)
        randomness(inp["client_randomness"], lines)
        for f in doc.get("handshake_frames", []) + doc["frames"]:
            frame(f, lines, None, True)
        lines.append("end")
        return 1
    if sc == "resumption":
        base = json.load(open(os.path.join(os.path.dirname(SRC), doc["handshake_vector"])))["inputs"]
        lines.append("case resumption")
        device(suite, base["server_static_public"], base["device_id_hex"], base["device_key"], lines)
        randomness(inp["client_randomness"], lines)
        ticket(dict(inp["client_ticket"]), lines)
        for f in doc["frames"]:
            frame(f, lines, None, True)
        lines.append("end")
        return 1
    if sc == "negative":
        n = 0
        dev = doc["device"]
        for c in doc["cases"]:
            if c["rejected_by"] != "client":
                continue  # the server's cases: Java's and Python's tests run them
            lines.append("case " + c["name"])
            device(suite, dev["server_static_public"], dev["device_id_hex"], dev["device_key"], lines)
            randomness(c["client_randomness"], lines)
            if "client_ticket" in c:
                ticket(c["client_ticket"], lines)
            for f in c["frames"][: c["rejected_frame_index"]]:
                frame(f, lines, None, False)
            r = c["frames"][c["rejected_frame_index"]]
            assert r["direction"] == "s2c"
            lines.append("reject %s %d" % (r["hex"], c["expected_close_code"]))
            lines.append("end")
            n += 1
        return n
    raise SystemExit("unknown scenario " + sc)


def primitives(doc, lines):
    n = 0
    for v in doc["labels"]:
        lines.append("label %s %s" % (v["s"].encode().hex(), v["hex"]))
    for v in doc["hkdf_expand"]:
        lines.append("hkdf_expand %s %s %d %s" % (v["prk"], h(v["info"]), v["length"], h(v["okm"])))
    for v in doc["hkdf_extract"]:
        lines.append("hkdf_extract %s %s %s" % (v["salt"], v["ikm"], v["prk"]))
    for v in doc["key_id"]:
        lines.append("key_id %s %s" % (v["public"], v["key_id"]))
    for v in doc["device_key"]:
        lines.append("device_key %s %s %s" % (v["master_secret"], v["device_id_hex"], v["device_key"]))
    for v in doc["aead_nonce"]:
        lines.append("aead_nonce %s %d %s" % (v["iv"], v["seq"], v["nonce"]))
    for v in doc["early_keys"]:
        lines.append("early_keys %d %s %d %s %s %s" % (v["suite"], v["rs"], v["counter"], v["nonce_c"],
                                                        v["K_early_key"], h(v["K_early_iv"])))
    f = doc["fernet_binary"]
    lines.append("fernet %s %s %d %s %s %s" % (f["key"], f["iv"], f["timestamp"], f["aad"], h(f["plaintext"]),
                                                f["token"]))
    for v in doc["x25519_low_order_points"]:
        lines.append("x25519_low_order %s %s" % (doc["x25519_private_used"], v["u"]))
    n = len(lines)
    return n


if __name__ == "__main__":
    src_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    for name in sorted(os.listdir(src_dir)):
        if not name.endswith(".json"):
            continue
        SRC = os.path.join(src_dir, name)
        doc = json.load(open(SRC))
        lines = []
        count = primitives(doc, lines) if doc["scenario"] == "primitives" else scenario(doc, lines)
        with open(os.path.join(out_dir, name[:-5] + ".txt"), "w") as out:
            out.write("file %s %d\n" % (name, count))
            out.write("\n".join(lines) + "\n")
