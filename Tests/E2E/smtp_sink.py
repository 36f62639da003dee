"""A real SMTP server for the tests: aiosmtpd (PyPI) on 127.0.0.1, keeping every message it accepts,
byte for byte, as one file in DIR/new/ (written in DIR/tmp/ first, then renamed, so a reader never
sees half a message), headed by X-MailFrom and X-RcptTo lines with the envelope.

Recipients whose local part starts with "reject" are refused with 550 (a mailbox that does not
exist), those starting with "tempfail" with 451 (try later), so tests can see both answers.
Prints "ready" on standard output once it accepts connections; stops on SIGTERM or SIGINT, or
when the process that started it ends.

    python3 Tests/E2E/smtp_sink.py --port 2525 --maildir /tmp/mail
        [--starttls CERT KEY | --smtps CERT KEY] [--auth USER:PASSWORD]

Used by the Swift tests (Tests/CabildoWebTests/Support/SMTPSink.swift), the E2E gates
(conftest.py) and bench/mail-throughput.py.
"""
import argparse
import itertools
import os
import signal
import ssl
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, maildir):
        self.maildir = maildir
        self.counter = itertools.count()
        for sub in ("tmp", "new"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 Mailbox unavailable"
        if local.startswith("tempfail"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns():020d}-{os.getpid()}-{next(self.counter):06d}.eml"
        head = f"X-MailFrom: {envelope.mail_from}\r\nX-RcptTo: {', '.join(envelope.rcpt_tos)}\r\n".encode()
        temporary = os.path.join(self.maildir, "tmp", name)
        with open(temporary, "wb") as file:
            file.write(head + envelope.original_content)
        os.rename(temporary, os.path.join(self.maildir, "new", name))
        return "250 Message accepted"


def main():
    # A parent may start us with signals blocked (a Swift test's thread does): SIGTERM must stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    tls = parser.add_mutually_exclusive_group()
    tls.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    tls.add_argument("--smtps", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", metavar="USER:PASSWORD")
    args = parser.parse_args()

    options = {}
    context = None
    if args.starttls or args.smtps:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*(args.starttls or args.smtps))
    if args.starttls:
        options.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = (part.encode() for part in args.auth.split(":", 1))

        def authenticator(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login == user and data.password == password
            # handled=False: aiosmtpd answers a failure with 535 itself (True would leave the client waiting).
            return AuthResult(success=ok, handled=False)

        # With --starttls, AUTH only after STARTTLS. Without TLS too, for a relay on loopback
        # (smtp://…?tls=off); and with --smtps, where aiosmtpd does not count the TLS it runs on.
        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.starttls))
    controller = Controller(Sink(args.maildir), hostname="127.0.0.1", port=args.port,
                            ssl_context=context if args.smtps else None, server_hostname="localhost", **options)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    # Woken every 0.2 s: a signal that lands on the server's thread would not interrupt a bare
    # wait(); and a test process that died without stopping us leaves no server behind.
    parent = os.getppid()
    while not stop.wait(0.2) and os.getppid() == parent:
        pass
    controller.stop()


if __name__ == "__main__":
    main()
