#!/usr/bin/env python3
"""A faithful copy of the SLMP prototype's ("seed") client, for testing legacy mode (spec section 10).

It speaks the prototype's wire format exactly: its P-256 public key as PEM SubjectPublicKeyInfo, the
server's PEM key in one recv(1024), ECDH, HKDF-SHA256 (salt=None, info=b'handshake data') to a Fernet key,
one Fernet token holding "token;username;message" with token = sha256(username + secret).hexdigest(), and
the server's one-token answer, printed as "Response from server: <answer>".

The prototype hard-coded its settings; this copy takes them from the command line so tests can point it
at a node (defaults are the prototype's):

    python3 scripts/legacy_prototype_client.py [HOST [PORT [USERNAME [SECRET [MESSAGE]]]]]

Needs the `cryptography` package (pip install cryptography).
"""
import base64
import hashlib
import socket
import sys

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

args = sys.argv[1:]
HOST = args[0] if len(args) > 0 else "localhost"
PORT = int(args[1]) if len(args) > 1 else 9999
USERNAME = args[2] if len(args) > 2 else "user1"
SHARED_SECRET = args[3] if len(args) > 3 else "my_secret"
MESSAGE = args[4] if len(args) > 4 else "Hello SLMP!"


def generate_token(username, secret):
    return hashlib.sha256(f"{username}{secret}".encode()).hexdigest()


def main():
    private_key = ec.generate_private_key(ec.SECP256R1())
    public_key = private_key.public_key()

    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.connect((HOST, PORT))

    client.send(public_key.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo))

    server_public_key_pem = client.recv(1024)
    server_public_key = serialization.load_pem_public_key(server_public_key_pem)

    shared_key = private_key.exchange(ec.ECDH(), server_public_key)
    derived_key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b'handshake data',
    ).derive(shared_key)
    cipher = Fernet(base64.urlsafe_b64encode(derived_key))

    token = generate_token(USERNAME, SHARED_SECRET)
    client.send(cipher.encrypt(f"{token};{USERNAME};{MESSAGE}".encode()))

    response = client.recv(1024)
    print(f"Response from server: {cipher.decrypt(response).decode()}")
    client.close()


if __name__ == "__main__":
    main()
