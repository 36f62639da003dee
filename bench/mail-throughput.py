#!/usr/bin/env python3
"""Mails per hour one delivery worker sustains: N password reset mails waiting in the outbox of a
fresh database (written with SQL, as N requests to /password/forgot would leave them), then a
release `cabildo serve` started with its mail going to aiosmtpd on 127.0.0.1 (Tests/E2E/smtp_sink.py,
no TLS: loopback), timed from the server's start to the N-th message on the sink's disk.

    python3 bench/mail-throughput.py [--mails 2000] [--binary .build/release/cabildo]

Bounded: it sends N mails to 127.0.0.1 and stops (at most --timeout seconds).
"""
import argparse
import base64
import hashlib
import os
import pathlib
import secrets
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(database, count):
    """N members with a confirmed address, each with a reset link and its mail due now."""
    now = int(time.time())
    db = sqlite3.connect(database)
    with db:
        for n in range(count):
            name = f"bench{n:06d}"
            user = db.execute(
                "INSERT INTO users (username, username_key, password_hash, stakeholder, created_at) "
                "VALUES (?, ?, '$argon2id$bench', 'individual', ?)", (name, name, now)).lastrowid
            address = f"{name}@example.org"
            db.execute("INSERT INTO member_email (user_id, address, address_key, confirmed_at) VALUES (?, ?, ?, ?)",
                       (user, address, address, now))
            token = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
            db.execute("INSERT INTO email_tokens (token_hash, user_id, purpose, created_at) VALUES (?, ?, 'reset', ?)",
                       (hashlib.sha256(token.encode()).digest(), user, now))
            db.execute("INSERT INTO mail_outbox (user_id, kind, recipient, language, payload, created_at, due_at) "
                       "VALUES (?, 'reset', ?, 'es', ?, ?, ?)", (user, address, token, now, now))
    db.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--binary", default=os.environ.get("CABILDO_BIN", str(ROOT / ".build" / "release" / "cabildo")))
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="cabildo-mail-bench-"))
    database = work / "bench.sqlite"
    env = dict(os.environ, CABILDO_DATABASE=str(database), CABILDO_TEMPLATES=str(ROOT / "Templates"),
               CABILDO_PUBLIC=str(ROOT / "Public"), CABILDO_RATE_LIMITS="off", CABILDO_LOG_LEVEL="warning")
    subprocess.run([args.binary, "migrate"], env=env, check=True, capture_output=True)
    seed(database, args.mails)

    smtp_port = free_port()
    sink = subprocess.Popen(["python3", str(ROOT / "Tests" / "E2E" / "smtp_sink.py"), "--port", str(smtp_port),
                             "--maildir", str(work / "mail")], stdout=subprocess.PIPE, text=True)
    assert sink.stdout.readline().strip() == "ready", "the SMTP sink did not start (pip install aiosmtpd)"
    port = free_port()
    env.update(CABILDO_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}?tls=off", CABILDO_MAIL_FROM="Foro <foro@example.org>",
               CABILDO_BASE_URL=f"http://127.0.0.1:{port}")
    started = time.monotonic()
    server = subprocess.Popen([args.binary, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=open(work / "server.log", "w"))
    arrived = work / "mail" / "new"
    try:
        while True:
            count = len(os.listdir(arrived)) if arrived.exists() else 0
            elapsed = time.monotonic() - started
            if count >= args.mails or elapsed > args.timeout:
                break
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=30)
        sink.terminate()
        sink.wait(timeout=30)
    print(f"{count} of {args.mails} mails in {elapsed:.1f} s (server start included): "
          f"{count / elapsed:.0f} mails/s, {count / elapsed * 3600:,.0f} mails/hour")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
