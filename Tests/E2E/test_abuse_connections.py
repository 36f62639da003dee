"""The connection abuse gate (issue 14): slow clients against a release server on 127.0.0.1,
bounded in connections and time, that once took the forum down without ever finishing a request.

- 1,100 connections sending half a header a byte at a time (slowloris) are each closed by the
  server at its header deadline, and /healthz answers fast throughout;
- the finding as reported: with the open-file limit at systemd's default of 1,024, 1,100 such
  connections from one address made /healthz time out; now that address gets its 64 and
  /healthz answers.

Latency bounds are generous (the machine is shared): they catch stalls of seconds."""
import contextlib
import os
import resource
import select
import socket
import statistics
import threading
import time

import requests

from conftest import serve
from timing import report

HEADER_SECONDS = 2
SLOW_CONNECTIONS = 1_100
ATTACK_SECONDS = 8
ROUND_SECONDS = 0.25
PER_ADDRESS = 64
# Half a request head, sent one byte per round; long enough never to be finished.
HALF_HEAD = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000
SLOW_ENV = {"CABILDO_HEADER_TIMEOUT_SECONDS": str(HEADER_SECONDS), "CABILDO_IDLE_TIMEOUT_SECONDS": "5",
            "CABILDO_BODY_TIMEOUT_SECONDS": "5"}


@contextlib.contextmanager
def open_file_limit(soft):
    """This process's soft open-file limit set to `soft` (within the hard limit) for what starts
    inside: a server started here inherits it."""
    before = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, before[1]), before[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, before)


def started(generator):
    """The forum of a `serve()` generator, which is stopped when the generator is closed."""
    return next(generator)


class Slowloris:
    """Keeps `count` connections to the server sending half a header, one byte per socket per
    round, reopening each one the server closes until `seconds` pass; then stops reopening and
    waits up to `drain` seconds for the server to close the rest. Records each connection's
    lifetime (opened to closed by the server) and, each round, how many files the server has open:
    a connection the client sees open may be the server's, or only waiting in its kernel backlog.
    One thread, non-blocking sockets polled, so the rounds keep time."""

    def __init__(self, forum, count, seconds, drain, source="127.0.0.1", reopen_per_round=200):
        self.port, self.pid = int(forum.base.rsplit(":", 1)[1]), forum.pid
        self.count, self.seconds, self.drain = count, seconds, drain
        self.source, self.reopen_per_round = source, reopen_per_round
        self.lifetimes = []
        self.still_open = 0
        self.server_files_before = self.server_files()
        self.most_server_files = 0
        self.opened = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, sockets, poller):
        sock = socket.socket()
        sock.bind((self.source, 0))
        sock.setblocking(False)
        try:
            sock.connect(("127.0.0.1", self.port))
        except BlockingIOError:
            pass
        sockets[sock.fileno()] = [sock, time.monotonic(), 0]
        poller.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
        self.opened += 1

    def _run(self):
        sockets, poller = {}, select.poll()
        start = time.monotonic()
        for _ in range(self.count):
            self._open(sockets, poller)
        while sockets and time.monotonic() < start + self.seconds + self.drain:
            round_start = time.monotonic()
            for fd, _ in poller.poll(0):
                sock, opened, _ = sockets[fd]
                try:
                    if sock.recv(4096):
                        continue  # an answer would be a bug; the closing is what counts
                except BlockingIOError:
                    continue
                except OSError:
                    pass
                self.lifetimes.append(time.monotonic() - opened)
                poller.unregister(fd)
                sock.close()
                del sockets[fd]
            for entry in sockets.values():
                sock, _, sent = entry
                if sent < len(HALF_HEAD):
                    with contextlib.suppress(OSError):
                        entry[2] += sock.send(HALF_HEAD[sent:sent + 1])
            self.most_server_files = max(self.most_server_files, self.server_files())
            now = time.monotonic()
            if now < start + self.seconds:
                for _ in range(min(self.count - len(sockets), self.reopen_per_round)):
                    self._open(sockets, poller)
            time.sleep(max(0.0, ROUND_SECONDS - (time.monotonic() - round_start)))
        self.still_open = len(sockets)
        for sock, _, _ in sockets.values():
            sock.close()

    def server_files(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.thread.join(timeout=self.seconds + self.drain + 30)


def healthz_latencies(base, seconds):
    """/healthz on a new connection each time (each must be accepted behind the slow ones)."""
    latencies, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        begin = time.monotonic()
        try:
            status = requests.get(base + "/healthz", timeout=5, headers={"Connection": "close"}).status_code
        except requests.RequestException:
            status = None
        latencies.append(time.monotonic() - begin if status == 200 else float("inf"))
        time.sleep(0.05)
    return latencies


def test_slow_headers_are_closed_at_the_deadline_while_healthz_stays_fast():
    # 1,100 connections and the server's own files fit under this limit, which the server inherits.
    with open_file_limit(8192):
        generator = serve(SLOW_ENV)
        forum = started(generator)
    try:
        with Slowloris(forum, SLOW_CONNECTIONS, ATTACK_SECONDS, drain=HEADER_SECONDS + 4) as attack:
            time.sleep(0.5)
            during = healthz_latencies(forum.base, ATTACK_SECONDS - 1)
        lifetimes = sorted(attack.lifetimes) or [float("inf")]
        print(f"slow connections opened {attack.opened}, closed by the server {len(attack.lifetimes)}, "
              f"still open {attack.still_open}; lifetime min {lifetimes[0]:.2f} s, "
              f"median {statistics.median(lifetimes):.2f} s, max {lifetimes[-1]:.2f} s; "
              f"server's open files {attack.server_files_before} before, at most {attack.most_server_files} during")
        p99 = report("/healthz during 1,100 slow headers", during)
        # Before: none was ever closed (still open after 75 s in the finding).
        assert attack.still_open == 0, attack.still_open
        assert attack.opened >= 2 * SLOW_CONNECTIONS, attack.opened
        # At the header deadline: not at once (they were accepted), not much later (a round of
        # this loop and the machine's load are the slack).
        assert lifetimes[0] > HEADER_SECONDS - 0.5, lifetimes[0]
        assert lifetimes[-1] < HEADER_SECONDS + 3, lifetimes[-1]  # generous: CI machines are shared
        # Before: /healthz timed out. Alone on the machine it is under 0.1 s; 2 s leaves room for
        # a shared CI machine while still telling a stall apart.
        assert p99 < 2.0, p99
    finally:
        generator.close()


def test_one_address_cannot_hold_the_file_limit_of_a_default_systemd_service():
    # As in the finding: systemd's default of 1,024 open files, 1,100 connections from one address.
    # That address is 127.0.0.2, another loopback address playing a visitor's: 127.0.0.1 and ::1
    # are not capped per address (a reverse proxy on the same machine carries everyone).
    with open_file_limit(1024):
        generator = serve(SLOW_ENV)
        forum = started(generator)
    try:
        with Slowloris(forum, SLOW_CONNECTIONS, ATTACK_SECONDS, drain=HEADER_SECONDS + 4, source="127.0.0.2",
                       reopen_per_round=100) as attack:
            time.sleep(0.5)
            during = healthz_latencies(forum.base, ATTACK_SECONDS - 1)
        refused = sum(1 for lifetime in attack.lifetimes if lifetime < 0.5)
        print(f"from 127.0.0.2: opened {attack.opened}, closed within 0.5 s {refused}, still open {attack.still_open}; "
              f"server's open files {attack.server_files_before} before, at most {attack.most_server_files} during")
        p99 = report("/healthz during 1,100 slow headers from one address, 1,024 open files", during)
        # Before: every connection was held until the server ran out of files (1,024), and /healthz
        # timed out. Now the address holds its 64; the rest of the margin is /healthz and rounding.
        assert attack.most_server_files <= attack.server_files_before + PER_ADDRESS + 32, attack.most_server_files
        assert refused > SLOW_CONNECTIONS - PER_ADDRESS, refused
        assert attack.still_open == 0, attack.still_open
        assert p99 < 2.0, p99
        assert requests.get(forum.base + "/healthz", timeout=5).status_code == 200
    finally:
        generator.close()
