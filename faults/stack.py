"""The real parts the fault tests start and stop: a private redis-server, a
private PostgreSQL cluster and the site served by serve.py (granian), each
on its own port and in a temporary folder, never the machine's shared
servers. Every part is stopped by the test that started it, also on failure
(the fixtures in conftest.py)."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_BIN = Path("/usr/lib/postgresql/15/bin")
UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"


def ports(offset, default_start):
    """Ten candidate ports of one part: from FAULTS_PORT_BASE + offset when
    that variable is set (to keep several people's runs apart), else the
    default range."""
    base = os.environ.get("FAULTS_PORT_BASE")
    start = int(base) + offset if base else default_start
    return range(start, start + 10)


def free_port(candidates, host="127.0.0.1"):
    """The first port of `candidates` nobody listens on."""
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {candidates}")


def wait_until(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise TimeoutError(f"{what} not ready after {timeout} s")


class Response:
    def __init__(self, status, body, headers):
        self.status, self.body, self.headers = status, body, headers

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def get(url, *, data=None, headers=None, timeout=15):
    """One request; a status (also 4xx/5xx) or an OSError for no answer."""
    request = urllib.request.Request(url, data=data, headers={"User-Agent": UA, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Response(response.status, response.read(), response.headers)
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(), error.headers)


class RedisServer:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.port = free_port(ports(0, 6391))
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self.ping, 10, "redis-server")

    def ping(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    def command(self, *args):
        """One command through redis-py (the test's own client)."""
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)
        try:
            return client.execute_command(*args)
        finally:
            client.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


class PostgresCluster:
    """initdb + pg_ctl as the postgres user, trust auth on 127.0.0.1."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.data = self.folder / "pgdata"
        self.port = free_port(ports(10, 55431))
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/faults"

    def _as_postgres(self, *command, check=True):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], check=check, capture_output=True, text=True, timeout=120
        )

    def init(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.folder.chmod(0o755)
        self._as_postgres(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        self.start()
        self._as_postgres(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "faults",
        )  # fmt: skip

    def start(self):
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "pg.log"),
            "-w", "-t", "60", "-o",
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off",
            "start",
        )  # fmt: skip

    def stop(self, check=True):
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=check
        )

    def running(self):
        return (self.data / "postmaster.pid").exists()


class Site:
    """The site as `make run` serves it: prepare_site, then serve.py."""

    def __init__(self, folder, env, host="127.0.0.1", name="site"):
        self.folder = Path(folder)
        self.host = host
        self.port = free_port(ports(20, 18431), host)
        self.url = f"http://{host}:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")},
            "DATABASE_URL": f"sqlite:///{self.folder / 'site.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(self.folder / "media"),
            "HOST": host,
            "PORT": str(self.port),
            "WEB_CONCURRENCY": "2",
            "SERVER_THREADS": "4",
            "READ_FLUSH_SECONDS": "1",
            "CAPTCHA_TEST_MODE": "1",
            "SERVER_KILL_TIMEOUT": "5",
            **env,
        }
        self.process = None
        self.log = self.folder / f"{name}.log"

    def manage(self, *args):
        return subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT, env=self.env, check=True, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    def prepare(self):
        self.manage("prepare_site", "--verbosity", "0")

    def start(self, wait=True):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [PY, "serve.py"], cwd=ROOT, env=self.env, start_new_session=True,
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        if wait:
            wait_until(lambda: get(self.url + "/healthz", timeout=2).status == 200, 60, "site")

    def workers(self):
        """The pids of the granian workers (children of the server process)."""
        granian = self._children(self.process.pid)  # serve.py's supervised child
        pids = []
        for pid in granian:
            pids += self._children(pid)
        return pids

    @staticmethod
    def _children(pid):
        path = Path(f"/proc/{pid}/task/{pid}/children")
        with contextlib.suppress(FileNotFoundError):
            return [int(p) for p in path.read_text().split()]
        return []

    def kill(self):
        """SIGKILL to the whole server, as when its machine dies: granian
        (in a session of its own, see serve.py), its workers, serve.py."""
        for pid in self._children(self.process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.process = None

    def stop(self):
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Nginx:
    """A private nginx running the shipped site config (deploy/nginx/forum.conf)
    with the test's addresses: the upstream's servers, a plain-HTTP listener
    on 127.0.0.1 instead of TLS, and the test's folders."""

    def __init__(self, folder, upstreams):
        self.folder = Path(folder) / "nginx"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o755)
        self.port = free_port(ports(30, 18441))
        self.url = f"http://127.0.0.1:{self.port}"
        self.upstreams = upstreams
        self.conf = self.folder / "nginx.conf"

    def site_config(self):
        """The shipped file with this test's addresses and folders."""
        text = (ROOT / "deploy" / "nginx" / "forum.conf").read_text()
        text = text.replace("10.0.0.11:8000", self.upstreams[0])
        text = text.replace("10.0.0.12:8000", self.upstreams[1])
        text = text.replace("/srv/forum/staticfiles/", f"{ROOT}/staticfiles/")
        text = text.replace("/srv/forum/media/", f"{self.folder}/media/")
        # The redirect server (port 80) is left out; TLS becomes plain HTTP.
        text = re.sub(r"server \{\s*listen 80;.*?\n\}\n", "", text, flags=re.S)
        text = re.sub(r"\n\s*listen 443 ssl;", f"\n    listen 127.0.0.1:{self.port};", text)
        text = re.sub(r"\n\s*(listen \[::\]:443 ssl|http2 on|ssl_[a-z_]+ [^;]+);", "", text)
        return text

    def start(self):
        f = self.folder
        self.conf.write_text(f"""
worker_processes 2;
pid {f}/nginx.pid;
error_log {f}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log {f}/access.log;
  client_body_temp_path {f}/body;
  proxy_temp_path {f}/proxy;
  fastcgi_temp_path {f}/fastcgi;
  uwsgi_temp_path {f}/uwsgi;
  scgi_temp_path {f}/scgi;
  default_type application/octet-stream;
{self.site_config()}
}}
""")
        subprocess.run(["nginx", "-p", str(f), "-c", str(self.conf), "-t"], check=True,
                       capture_output=True)  # fmt: skip
        subprocess.run(["nginx", "-p", str(f), "-c", str(self.conf)], check=True)
        wait_until(lambda: get(self.url + "/robots.txt", timeout=2).status == 200, 30, "nginx")

    def stop(self):
        subprocess.run(
            ["nginx", "-p", str(self.folder), "-c", str(self.conf), "-s", "stop"],
            capture_output=True, check=False,
        )  # fmt: skip
