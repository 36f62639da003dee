#!/usr/bin/env python3
"""The cost of a sign-in with two-factor on, step by step, against a release server on 127.0.0.1
at the default argon2id parameters: POST /login (argon2id verify, then the challenge) and
POST /login/2fa (TOTP check, the session), beside a sign-in without two-factor.

    bench/signin-2fa.py [sign-ins]     (needs .build/release/cabildo and pyotp; stops by itself)
"""
import os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time
import pyotp, requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
PASSWORD = "una-clave-larga-1"


def token(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def timed(call):
    start = time.perf_counter()
    response = call()
    return response, (time.perf_counter() - start) * 1000


def main():
    work = tempfile.mkdtemp(prefix="cabildo-2fa-bench-")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    env = dict(os.environ, CABILDO_DATABASE=f"{work}/db.sqlite", CABILDO_TEMPLATES=f"{ROOT}/Templates",
               CABILDO_PUBLIC=f"{ROOT}/Public", CABILDO_RATE_LIMITS="off", CABILDO_REQUIRE_2FA="off")
    server = subprocess.Popen([f"{ROOT}/.build/release/cabildo", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/healthz", timeout=1).ok: break
            except requests.RequestException:
                time.sleep(0.1)
        apps = {}
        for i in range(N):
            for two_factor in (True, False):
                name = f"{'tf' if two_factor else 'pw'}{i:03d}"
                s = requests.Session()
                s.post(base + "/register", data=dict(username=name, password=PASSWORD, password_confirmation=PASSWORD,
                                                     stakeholder="academia", csrf_token=token(s.get(base + "/register").text)))
                if two_factor:
                    page = s.get(base + "/settings/2fa").text
                    app = pyotp.TOTP(re.search(r'<code id="totp-secret">([^<]+)</code>', page).group(1).replace(" ", ""))
                    s.post(base + "/settings/2fa", data=dict(action="enable", code=app.now(), csrf_token=token(page)))
                    apps[name] = app
        password_ms, code_ms, plain_ms = [], [], []
        for i in range(N):
            for name in (f"tf{i:03d}", f"pw{i:03d}"):
                s = requests.Session()
                form = token(s.get(base + "/login").text)
                response, ms = timed(lambda: s.post(base + "/login", data=dict(username=name, password=PASSWORD, csrf_token=form),
                                                    allow_redirects=False))
                if name in apps:
                    password_ms.append(ms)
                    form = token(s.get(base + response.headers["location"]).text)
                    # The next step's code: the current one was spent on enrolment.
                    code = apps[name].at(time.time() + 30)
                    response, ms = timed(lambda: s.post(base + "/login/2fa", data=dict(code=code, csrf_token=form),
                                                        allow_redirects=False))
                    assert response.status_code == 303, response.status_code
                    code_ms.append(ms)
                else:
                    plain_ms.append(ms)
                assert "cabildo_session" in s.cookies, name
        print(f"{N} sign-ins each, median (min–max) ms:")
        print(f"  without 2FA, POST /login:      {statistics.median(plain_ms):6.1f} ({min(plain_ms):.1f}–{max(plain_ms):.1f})")
        print(f"  with 2FA,    POST /login:      {statistics.median(password_ms):6.1f} ({min(password_ms):.1f}–{max(password_ms):.1f})")
        print(f"  with 2FA,    POST /login/2fa:  {statistics.median(code_ms):6.1f} ({min(code_ms):.1f}–{max(code_ms):.1f})")
    finally:
        server.send_signal(signal.SIGTERM); server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
