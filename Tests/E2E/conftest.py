"""Fixtures for the end-to-end gates: a release `cabildo serve` on a fresh database on
127.0.0.1 (one per test module), and Debian's Chromium emulating a 360 px phone with
JavaScript turned off."""
import email
import email.policy
import os
import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from forum import PASSWORD, unique

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / ".ci" / "artifacts"
AXE = ROOT / ".ci" / "cache" / "axe.min.js"
PHONE = {"width": 360, "height": 800, "deviceScaleFactor": 2, "mobile": True}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Forum:
    """A running `cabildo serve` on its own fresh database, and the way to make staff accounts,
    which only the server's shell can do: `cabildo admin create` against the same SQLite file
    while the server runs (WAL lets both write)."""

    def __init__(self, base, database, binary, env):
        self.base = base
        self.database = database
        self.binary = binary
        self.env = env

    def create_account(self, role, prefix=None, stakeholder="academia"):
        """A new account with `role` (member, moderator, committee or admin), `stakeholder` (the
        form's value, e.g. "private-sector") and the usual E2E password; returns its username."""
        name = unique(prefix or role)
        done = subprocess.run([self.binary, "admin", "create", name, "--role", role, "--stakeholder", stakeholder,
                               "--database", self.database],
                              input=PASSWORD + "\n", text=True, env=self.env, capture_output=True, timeout=60)
        assert done.returncode == 0, f"cabildo admin create {name}: {done.stdout}{done.stderr}"
        return name


# Limits on, with values small enough for a test to reach: 3 sign-in attempts and one reply
# and one new thread per new account every 10 minutes. Everything else (page loads, accounts
# made from the one test address) is generous, so only what a test aims at is refused.
# CABILDO_TRUSTED_PROXIES stays unset: the client address is the socket peer, 127.0.0.1.
RATE_LIMITS_ON = {
    "CABILDO_RATE_LIMITS": "on",
    "CABILDO_RATE_REQUESTS_BURST": "10000/10",
    "CABILDO_RATE_REQUESTS": "10000/60",
    "CABILDO_RATE_LOGIN": "3/600",
    "CABILDO_RATE_REGISTER": "1000/3600",
    "CABILDO_RATE_REPLY_NEW": "1/600",
    "CABILDO_RATE_THREAD_NEW": "1/600",
    "CABILDO_TRUSTED_PROXIES": None,
}


class MailSink:
    """A real SMTP server on 127.0.0.1 for a module's forum: aiosmtpd through smtp_sink.py, keeping
    each message in a folder that `wait_for` reads. `env` points a server at it (no TLS: loopback)."""

    def __init__(self):
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="cabildo-mail-")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log = open(ARTIFACTS / "smtp-sink.log", "a")
        self.process = subprocess.Popen(
            ["python3", str(ROOT / "Tests" / "E2E" / "smtp_sink.py"), "--port", str(self.port), "--maildir", self.folder],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP sink did not start; see .ci/artifacts/smtp-sink.log (pip install aiosmtpd)")
        self.env = {"CABILDO_SMTP_URL": f"smtp://127.0.0.1:{self.port}?tls=off",
                    "CABILDO_MAIL_FROM": "Foro Cabildo <foro@cabildo.test>",
                    # serve() puts the server's own address here: links in mails lead back to it.
                    "CABILDO_BASE_URL": "{base}"}

    def messages(self):
        """Every message received so far, oldest first, as email.message.EmailMessage."""
        new = pathlib.Path(self.folder) / "new"
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(new.iterdir())] if new.exists() else []

    def wait_for(self, to, link, timeout=15):
        """The link starting with `link` (e.g. "/password/reset/") in the newest mail to `to`."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for message in reversed(self.messages()):
                if message["X-RcptTo"] == to:
                    found = re.search(r"https?://\S+" + re.escape(link) + r"\S+", message.get_content())
                    if found:
                        return found.group(0)
            time.sleep(0.1)
        raise AssertionError(f"no mail to {to} with a {link} link within {timeout} s")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def mail_sink():
    """An SMTP server for this module; `serve(mail_sink.env)` sends the forum's mail to it."""
    sink = MailSink()
    yield sink
    sink.stop()


def serve(extra_env=None):
    """Starts `cabildo serve` on a fresh database, yields its Forum, and stops it: the body of
    every server fixture. `extra_env` is added to (and overrides) the test environment, in which
    rate limits are off; a variable set to None there is removed, and "{base}" in a value becomes
    the server's own address."""
    binary = os.environ.get("CABILDO_BIN", str(ROOT / ".build" / "release" / "cabildo"))
    work = tempfile.mkdtemp(prefix="cabildo-e2e-")
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ,
               CABILDO_DATABASE=f"{work}/e2e.sqlite",
               CABILDO_TEMPLATES=str(ROOT / "Templates"),
               CABILDO_PUBLIC=str(ROOT / "Public"),
               CABILDO_RATE_LIMITS="off",
               # Staff act without enrolling in two-factor sign-in, except in test_two_factor.py.
               CABILDO_REQUIRE_2FA="off",
               # Flags from accounts made a second earlier count, as the flows here need: who
               # counts as an established flagger is the Swift suite's to test (AbuseTests).
               CABILDO_FLAG_MIN_ACCOUNT_HOURS="0",
               CABILDO_FLAG_MIN_POSTS="0")
    for name, value in (extra_env or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value.replace("{base}", f"http://127.0.0.1:{port}")
    # Appended to: every module's server writes its part of the one log.
    log = open(ARTIFACTS / "server-e2e.log", "a")
    process = subprocess.Popen([binary, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    else:
        process.kill()
        log.close()
        raise RuntimeError("cabildo serve did not start; see .ci/artifacts/server-e2e.log")
    try:
        forum = Forum(base, env["CABILDO_DATABASE"], binary, env)
        forum.pid = process.pid  # for gates that watch the server's open files
        yield forum
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def forum(request):
    """A server started for one test module, on a database of its own; stopped at the end.
    One per module keeps modules independent: what one module leaves in the moderation queue
    or log is never seen by another. A module may set `FORUM_ENV` (a dict of environment
    variables) for its server, e.g. `FORUM_ENV = RATE_LIMITS_ON`."""
    yield from serve(getattr(request.module, "FORUM_ENV", None))


@pytest.fixture(scope="module")
def limited_forum():
    """A second server for a module whose own runs without limits, with `RATE_LIMITS_ON`."""
    yield from serve(RATE_LIMITS_ON)


@pytest.fixture(scope="module")
def server(forum):
    """Base URL of this module's server."""
    return forum.base


@pytest.fixture(scope="session", autouse=True)
def fresh_server_log():
    """The server log holds this run only (module servers append to it)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "server-e2e.log").write_text("")


def make_driver(javascript=False):
    options = webdriver.ChromeOptions()
    # Pinned paths: without them Selenium Manager tries to download a browser.
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=es-GT"]:
        options.add_argument(argument)
    prefs = {"intl.accept_languages": "es-GT,es"}
    if not javascript:
        # JavaScript off in the profile: the forum must work fully without it.
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    # A phone through DevTools device metrics: chromedriver's `mobileEmulation` option makes
    # clicks hang when JavaScript is off, and --window-size cannot go below 500 px.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(30)
    return driver


@pytest.fixture
def browser(server):
    """A fresh phone browser (no cookies) per test."""
    driver = make_driver()
    driver.base = server
    yield driver
    driver.quit()


@pytest.fixture
def second_browser(server):
    """Another phone with its own cookies, for a second person in the same test."""
    driver = make_driver()
    driver.base = server
    yield driver
    driver.quit()


@pytest.fixture
def auditor(server):
    """The same phone with JavaScript on, only to run axe-core: pages have no script of their own
    (the browser tests check that), so what axe audits is what the JavaScript-off phone shows."""
    driver = make_driver(javascript=True)
    driver.base = server
    yield driver
    driver.quit()
