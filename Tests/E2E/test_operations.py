"""The release binary as an operator runs it: a request in flight when SIGTERM arrives still
gets its answer, the process then exits cleanly, and a restart finds everything that was written."""
import os
import pathlib
import signal
import socket
import subprocess
import tempfile
import time

import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("CABILDO_BIN", str(ROOT / ".build" / "release" / "cabildo"))


def start(database, port):
    env = dict(os.environ, CABILDO_DATABASE=database, CABILDO_TEMPLATES=str(ROOT / "Templates"),
               CABILDO_PUBLIC=str(ROOT / "Public"), CABILDO_RATE_LIMITS="off")
    process = subprocess.Popen([BINARY, "serve", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(process.stdout.read().decode())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sigterm_lets_the_request_in_flight_finish_and_a_restart_loses_nothing():
    work = tempfile.mkdtemp(prefix="cabildo-ops-")
    database = f"{work}/ops.sqlite"
    port = free_port()
    server = start(database, port)
    base = f"http://127.0.0.1:{port}"
    try:
        member = requests.Session()
        page = member.get(base + "/register").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        assert member.post(base + "/register", data={
            "csrf_token": token, "username": "operadora", "password": "clave-de-operadora",
            "password_confirmation": "clave-de-operadora", "stakeholder": "academia"}, allow_redirects=False).status_code == 303

        # A form post whose body is still arriving when the server is told to stop.
        page = member.get(base + "/b/banda-ancha/new").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        body = f"csrf_token={token}&title=Escrito+durante+el+apagado&body=Este+hilo+llega+mientras+el+servidor+se+detiene".encode()
        cookie = "; ".join(f"{k}={v}" for k, v in member.cookies.items())
        with socket.create_connection(("127.0.0.1", port)) as connection:
            head = (f"POST /b/banda-ancha HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                    f"Origin: {base}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
            connection.sendall(head + body[:20])
            time.sleep(0.3)
            server.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            connection.sendall(body[20:])
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 303"), answer[:200]
        assert server.wait(timeout=20) == 0
        log = server.stdout.read().decode()
        assert "stopped" in log

        # A restart on the same file finds the thread written during the shutdown.
        server = start(database, port)
        assert "Escrito durante el apagado" in requests.get(base + "/b/banda-ancha").text
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_second_server_on_the_same_database_is_refused():
    work = tempfile.mkdtemp(prefix="cabildo-ops-")
    database = f"{work}/ops.sqlite"
    server = start(database, free_port())
    try:
        second = subprocess.run([BINARY, "serve", "--port", str(free_port()), "--database", database],
                                capture_output=True, text=True, timeout=30,
                                env=dict(os.environ, CABILDO_TEMPLATES=str(ROOT / "Templates")))
        assert second.returncode != 0
        assert "another cabildo server is using" in second.stderr
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_bad_setting_stops_the_server_naming_it_and_what_it_accepts():
    work = tempfile.mkdtemp(prefix="cabildo-ops-")
    database = f"{work}/ops.sqlite"
    refused = subprocess.run([BINARY, "serve", "--port", str(free_port()), "--database", database],
                             capture_output=True, text=True, timeout=30,
                             env=dict(os.environ, CABILDO_RATE_LIMITS="maybe"))
    assert refused.returncode != 0
    assert "invalid value for CABILDO_RATE_LIMITS: maybe (accepted: on or off)" in refused.stderr
    assert not os.path.exists(database), "refused before the database is touched"


def test_json_logs_are_one_object_per_line_with_the_request_fields():
    import json
    work = tempfile.mkdtemp(prefix="cabildo-ops-")
    port = free_port()
    os.environ["CABILDO_LOG_FORMAT"] = "json"
    try:
        server = start(f"{work}/ops.sqlite", port)
    finally:
        del os.environ["CABILDO_LOG_FORMAT"]
    try:
        requests.get(f"http://127.0.0.1:{port}/b/banda-ancha?x=secreto")
    finally:
        server.terminate()
        server.wait(timeout=20)
    lines = [json.loads(line) for line in server.stdout.read().decode().splitlines() if line.strip()]
    board = [line for line in lines if line.get("route") == "/b/{slug}"]
    assert board and board[0]["status"] == "200" and board[0]["method"] == "GET" and "ms" in board[0]
    assert all("secreto" not in json.dumps(line) for line in lines)
