"""Several Cabildo servers on one PostgreSQL database behind nginx, on loopback, for the scale-out
gate (test_scale_out.py) and the benchmark (bench/run.sh): a throwaway cluster
(Deploy/postgres-test-cluster.sh), release `cabildo serve` processes, and nginx serving
Deploy/scale-out/nginx-upstream.conf itself, rendered for loopback by `render_site`.

Standard library only, so bench/run.sh can use it as a command:

    python3 Tests/E2E/scale_out.py nginx PREFIX PORT UPSTREAM... [--limit-conn N]

writes PREFIX/nginx.conf (and the folders it names) and prints the path; start it with
`nginx -p PREFIX -e PREFIX/error.log -c PREFIX/nginx.conf -g 'daemon off;'`."""
import argparse
import glob
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = ROOT / "Deploy" / "scale-out" / "nginx-upstream.conf"
CLUSTER = ROOT / "Deploy" / "postgres-test-cluster.sh"
ARTIFACTS = ROOT / ".ci" / "artifacts"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary():
    return shutil.which("nginx") or next((path for path in ["/usr/sbin/nginx"] if os.access(path, os.X_OK)), None)


def postgres_binaries():
    """The folder of initdb and pg_ctl, found as Deploy/postgres-test-cluster.sh finds it."""
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(os.path.realpath(initdb))
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(folder, "initdb"), os.X_OK):
            return folder
    return None


def _substitute(pattern, replacement, text, count, what):
    """re.subn that insists on matching exactly `count` times: a shipped file whose shape changed
    must fail the gate loudly, not be tested half-rendered."""
    result, found = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if found != count:
        raise ValueError(f"{SITE.name}: expected {count} {what}, found {found}; update scale_out.render_site")
    return result


def render_site(port, upstreams, public=ROOT / "Public", limit_conn=None, text=None):
    """Deploy/scale-out/nginx-upstream.conf for loopback: the upstream's `server` lines on
    `upstreams` ("127.0.0.1:PORT", as many as the file has, with the file's parameters), the TLS
    server on plain 127.0.0.1:`port`, no port-80 redirect, /static/ from the checkout, and
    optionally another per-address connection limit (the benchmark's 64 wrk connections and its
    own requests would reach the shipped 64). Everything else is the shipped file, line for line."""
    text = SITE.read_text() if text is None else text
    shipped = re.findall(r"^(\s*)server 127\.0\.0\.1:\d+ ([^;\n]*);$", text, flags=re.MULTILINE)
    if len(shipped) != len(upstreams):
        raise ValueError(f"{SITE.name} has {len(shipped)} upstream servers; {len(upstreams)} were given")
    lines = iter(f"{indent}server {address} {parameters};" for (indent, parameters), address in zip(shipped, upstreams))
    text = _substitute(r"^\s*server 127\.0\.0\.1:\d+ [^;\n]*;$", lambda _: next(lines), text, len(upstreams),
                       "upstream server lines")
    text = _substitute(r"^server \{\n(?:(?!^\}).*\n)*?\s*return 301 [^\n]*\n\}\n", "", text, 1, "port-80 redirect servers")
    text = _substitute(r"^(\s*)listen 443 ssl http2;$", rf"\g<1>listen 127.0.0.1:{port};", text, 1, "TLS listen lines")
    text = _substitute(r"^\s*listen \[::\]:443 ssl http2;\n", "", text, 1, "IPv6 TLS listen lines")
    text = _substitute(r"^\s*ssl_[a-z_]+ [^\n]*;\n", "", text, 3, "ssl_ lines")
    text = _substitute(r"alias /opt/cabildo/Public/;", f"alias {public}/;", text, 1, "static aliases")
    if limit_conn is not None:
        text = _substitute(r"limit_conn cabildo_per_address \d+;", f"limit_conn cabildo_per_address {limit_conn};",
                           text, 1, "limit_conn lines")
    return text


def write_nginx_config(prefix, port, upstreams, limit_conn=None):
    """A whole nginx configuration in `prefix` (pid, logs, temporary files all inside it) that
    includes the rendered site; returns its path. The access log names the upstream of each
    request, so a test can see which server answered."""
    prefix = pathlib.Path(prefix)
    # As root, nginx's workers run as nobody: they must reach the temporary folders in here.
    prefix.chmod(0o755)
    (prefix / "cabildo.conf").write_text(render_site(port, upstreams, limit_conn=limit_conn))
    temporary = "\n".join(f"    {kind}_temp_path {prefix}/{kind}_temp;" for kind in
                          ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
    (prefix / "nginx.conf").write_text(f"""# Written by Tests/E2E/scale_out.py: loopback only, everything under {prefix}.
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format upstreams '$remote_addr "$request" $status upstream=$upstream_addr upstream_status=$upstream_status';
    access_log {prefix}/access.log upstreams;
{temporary}
    include {prefix}/cabildo.conf;
}}
""")
    return prefix / "nginx.conf"


def wait_for(url, timeout=30.0, process=None):
    """Until `url` answers 200, or raises; gives up early when `process` has exited."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process for {url} exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


class PostgresCluster:
    """Deploy/postgres-test-cluster.sh: a cluster of its own on 127.0.0.1, deleted by stop()."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="cabildo-pg-scale-")
        done = subprocess.run([str(CLUSTER), "start", self.folder], capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise RuntimeError(f"the PostgreSQL test cluster did not start: {done.stderr.strip()}")
        self.url = done.stdout.strip()

    def stop(self):
        subprocess.run([str(CLUSTER), "stop", self.folder], capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


class Backend:
    """One `cabildo serve` on 127.0.0.1:`port`, which can be killed and started again."""

    def __init__(self, name, binary, port, env):
        self.name = name
        self.binary = binary
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.env = env
        self.process = None
        # This run's log only; a restart appends to it.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / f"server-scale-out-{name}.log"
        self.log_path.write_text("")

    def start(self):
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen([self.binary, "serve", "--port", str(self.port)], env=self.env,
                                            stdout=log, stderr=log)
        return self

    def wait(self, timeout=60.0):
        try:
            wait_for(self.base + "/healthz", timeout, self.process)
        except RuntimeError as error:
            raise RuntimeError(f"cabildo serve ({self.name}) did not start: {error}; see {self.log_path}") from None

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL, as a crash or the OOM killer would: no request finishes, nothing is flushed."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Nginx:
    """nginx in the foreground (its master is our child), on 127.0.0.1:`port`, in its own prefix."""

    def __init__(self, port, upstreams):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.prefix = pathlib.Path(tempfile.mkdtemp(prefix="cabildo-nginx-"))
        config = write_nginx_config(self.prefix, port, upstreams)
        command = [nginx_binary(), "-p", str(self.prefix), "-e", str(self.prefix / "error.log"), "-c", str(config)]
        checked = subprocess.run(command + ["-t"], capture_output=True, text=True, timeout=30)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t refused the rendered configuration:\n{checked.stderr}")
        self.process = subprocess.Popen(command + ["-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        # Answered by nginx itself (a file from the checkout), whatever the servers behind it do.
        wait_for(self.base + "/static/cabildo.css", 30, self.process)

    def access_log(self):
        path = self.prefix / "access.log"
        return path.read_text() if path.exists() else ""

    def error_log(self):
        path = self.prefix / "error.log"
        return path.read_text() if path.exists() else ""

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: workers finish what they serve
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for name in ["access.log", "error.log"]:
            if (self.prefix / name).exists():
                shutil.copy(self.prefix / name, ARTIFACTS / f"nginx-scale-out-{name}")
        shutil.rmtree(self.prefix, ignore_errors=True)


class ScaleOut:
    """Servers on one database (`databases`: one URL or file for each server; normally the same
    postgres:// URL twice), behind nginx. `base` is nginx's address; `backends` the servers.
    Stops everything it started, in reverse order, whatever failed."""

    def __init__(self, binary, databases, env):
        self.stack = []
        try:
            ports = [free_port() for _ in databases]
            self.port = free_port()
            self.base = f"http://127.0.0.1:{self.port}"
            common = {key: value.replace("{base}", self.base) for key, value in env.items()}
            self.backends = []
            for name, port, database in zip("ABCDEFGH", ports, databases):
                backend = Backend(name, binary, port, dict(os.environ, **common, CABILDO_DATABASE=database))
                self.stack.append(backend)
                self.backends.append(backend.start())
            # Started together, so they migrate a fresh database together (under the advisory lock).
            for backend in self.backends:
                backend.wait()
            self.nginx = Nginx(self.port, [f"127.0.0.1:{port}" for port in ports])
            self.stack.append(self.nginx)
        except BaseException:
            self.stop()
            raise

    def stop(self):
        for part in reversed(self.stack):
            try:
                part.stop()
            except Exception as error:  # keep stopping the rest
                print(f"scale_out: stopping {part}: {error}", file=sys.stderr)
        self.stack = []


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    nginx = commands.add_parser("nginx", help="write PREFIX/nginx.conf serving Deploy/scale-out/nginx-upstream.conf")
    nginx.add_argument("prefix")
    nginx.add_argument("port", type=int)
    nginx.add_argument("upstreams", nargs="+", help="127.0.0.1:PORT of each server")
    nginx.add_argument("--limit-conn", type=int)
    arguments = parser.parse_args()
    pathlib.Path(arguments.prefix).mkdir(parents=True, exist_ok=True)
    print(write_nginx_config(arguments.prefix, arguments.port, arguments.upstreams, arguments.limit_conn))


if __name__ == "__main__":
    main()
