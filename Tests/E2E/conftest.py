"""Fixtures for the end-to-end gates: a release `cabildo serve` on a fresh database on
127.0.0.1, and Debian's Chromium emulating a 360 px phone with JavaScript turned off."""
import os
import pathlib
import socket
import subprocess
import tempfile
import time

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / ".ci" / "artifacts"
AXE = ROOT / ".ci" / "cache" / "axe.min.js"
PHONE = {"width": 360, "height": 800, "deviceScaleFactor": 2, "mobile": True}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    """Base URL of a server started for this test session; stopped at the end."""
    binary = os.environ.get("CABILDO_BIN", str(ROOT / ".build" / "release" / "cabildo"))
    work = tempfile.mkdtemp(prefix="cabildo-e2e-")
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ,
               CABILDO_DATABASE=f"{work}/e2e.sqlite",
               CABILDO_TEMPLATES=str(ROOT / "Templates"),
               CABILDO_PUBLIC=str(ROOT / "Public"),
               CABILDO_RATE_LIMITS="off")
    log = open(ARTIFACTS / "server-e2e.log", "w")
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
        raise RuntimeError("cabildo serve did not start; see .ci/artifacts/server-e2e.log")
    yield base
    process.terminate()
    process.wait(timeout=10)
    log.close()


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
def auditor(server):
    """The same phone with JavaScript on, only to run axe-core: pages have no script of their own
    (the browser tests check that), so what axe audits is what the JavaScript-off phone shows."""
    driver = make_driver(javascript=True)
    driver.base = server
    yield driver
    driver.quit()
