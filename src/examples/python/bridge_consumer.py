#!/usr/bin/env python3
"""Consume SLMP's decrypted device messages through the TCP event-bus bridge; Python standard library only.

  python3 bridge_consumer.py [--host H] [--port P] [--count N] [--deliver]
      prints every message published on slmp.in; with --deliver also takes slmp.deliver messages and
      accepts each (the device gets ACK ACCEPTED)
  python3 bridge_consumer.py [--host H] [--port P] --send DEVICE TEXT [--topic T] [--ack]
      sends a command to slmp.out.DEVICE and prints the node's reply

The node needs "bridge": {"enabled": true} (port 7000 on 127.0.0.1 by default). A frame is a 4-byte
big-endian length, then that many bytes of UTF-8 JSON (docs/event-bus.md, "The TCP bridge"). The first
frame carries the node's bridge token, "headers": {"token": ...}, read from DATA_DIR/bridge.token
(--token-file; the node creates it, mode 600, on first start): without it the node closes the connection.
"""
import argparse
import base64
import json
import os
import socket
import struct
import sys


def send_frame(sock, frame):
    data = json.dumps(frame).encode("utf-8")
    sock.sendall(struct.pack(">I", len(data)) + data)


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("the node closed the bridge connection")
        buf += chunk
    return buf


def recv_frame(sock):
    (length,) = struct.unpack(">I", recv_exact(sock, 4))
    return json.loads(recv_exact(sock, length).decode("utf-8"))


def with_token(frame, args):
    """The first frame of a connection presents the bridge token."""
    frame["headers"] = {"token": args.token}
    return frame


def consume(sock, args):
    addresses = ["slmp.in"] + (["slmp.deliver"] if args.deliver else [])
    for i, address in enumerate(addresses):
        frame = {"type": "register", "address": address}
        send_frame(sock, with_token(frame, args) if i == 0 else frame)
    # The bridge handles a connection's frames in order: the pong means the registrations are in place.
    send_frame(sock, {"type": "ping"})
    seen = 0
    while True:
        frame = recv_frame(sock)
        kind = frame.get("type")
        if kind == "pong":
            print("listening on " + ", ".join(addresses), flush=True)
        elif kind == "err":
            print("bridge error: " + frame.get("message", "?"), file=sys.stderr)
            return 1
        elif kind == "message":
            m = frame["body"]
            text = base64.b64decode(m["payload"]).decode("utf-8", "replace")
            if frame["address"] == "slmp.deliver":
                # Any reply is ACCEPTED; {"failureCode": 2, "message": why} instead would be REJECTED.
                send_frame(sock, {"type": "send", "address": frame["replyAddress"], "body": {"accepted": True}})
            print("[%s] %s on '%s': %s" % (frame["address"], m["device"], m["topic"], text), flush=True)
            seen += 1
            if args.count and seen >= args.count:
                return 0


def command(sock, args):
    device, text = args.send
    body = {"topic": args.topic, "payload": base64.b64encode(text.encode("utf-8")).decode("ascii"), "ack": args.ack}
    send_frame(sock, with_token({"type": "send", "address": "slmp.out." + device,
                                 "replyAddress": "bridge_consumer.reply", "body": body}, args))
    frame = recv_frame(sock)
    if frame.get("type") == "message":
        print(json.dumps(frame["body"]), flush=True)
        return 0
    if frame.get("failureType") == "NO_HANDLERS":
        print("device %s is not connected" % device, file=sys.stderr)
    else:
        print("command failed: %s %s %s" % (frame.get("failureType"), frame.get("failureCode"), frame.get("message")),
              file=sys.stderr)
    return 1


def main():
    p = argparse.ArgumentParser(description="SLMP event-bus bridge consumer")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7000)
    p.add_argument("--count", type=int, default=0, help="exit after this many messages (0: never)")
    p.add_argument("--deliver", action="store_true", help="also consume slmp.deliver and accept each message")
    p.add_argument("--send", nargs=2, metavar=("DEVICE", "TEXT"), help="send a command to a device instead")
    p.add_argument("--topic", default="cmd", help="topic of the command (--send)")
    p.add_argument("--ack", action="store_true", help="ask the device to acknowledge the command (--send)")
    p.add_argument("--token-file", default=os.path.join(os.environ.get("SLMP_DATA_DIR", "data"), "bridge.token"),
                   help="the node's bridge token (default $SLMP_DATA_DIR/bridge.token, else data/bridge.token)")
    args = p.parse_args()
    try:
        with open(args.token_file, encoding="ascii") as f:
            args.token = f.read().strip()
    except OSError as e:
        print("error: cannot read the bridge token: %s" % e, file=sys.stderr)
        return 1
    try:
        with socket.create_connection((args.host, args.port)) as sock:
            return command(sock, args) if args.send else consume(sock, args)
    except KeyboardInterrupt:
        return 0
    except (OSError, ValueError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
