"""A private, throw-away stack on loopback: its own PostgreSQL cluster, Redis, gunicorn and Celery worker.

Nothing here touches the machine's shared PostgreSQL (5432) or Redis (6379). Everything lives in one
temporary folder and is stopped and removed by `close()` — also after an exception or Ctrl+C (use the
stack as a context manager). PostgreSQL refuses to run as root, so as root the cluster runs as the
`postgres` OS user (`runuser`).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project
PYTHON = sys.executable
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1] if Path("/usr/lib/postgresql").exists() else None


def _as_postgres(cmd):
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _wait(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: S110 - not up yet
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what}: not up after {timeout} s")


class Stack:
    def __init__(self, pg_port=55432, redis_port=56379, web_port=58000, database="bzt_bench_10k"):
        self.pg_port, self.redis_port, self.web_port, self.database = pg_port, redis_port, web_port, database
        self.dir = Path(tempfile.mkdtemp(prefix="bzt-stack-"))
        self.dir.chmod(0o755)
        self.pgdata = self.dir / "pg"
        self.media = self.dir / "media"
        self.media.mkdir()
        self.redis = self.web = None
        self.workers = []
        self._pg_started = False
        self._previous_sigterm = signal.signal(signal.SIGTERM, self._on_sigterm)

    # --- lifecycle ------------------------------------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _on_sigterm(self, signum, frame):
        raise KeyboardInterrupt

    def close(self):
        for worker in list(self.workers):
            self.stop_worker(worker, hard=True)
        self.stop_web()
        self.stop_redis()
        if self._pg_started:
            self.pg_ctl("stop", "-m", "immediate", check=False)
            self._pg_started = False
        shutil.rmtree(self.dir, ignore_errors=True)
        signal.signal(signal.SIGTERM, self._previous_sigterm)

    # --- PostgreSQL -----------------------------------------------------------------------------------------

    @property
    def pg_url(self):
        return f"postgres://postgres@127.0.0.1:{self.pg_port}"

    @property
    def database_url(self):
        return f"{self.pg_url}/{self.database}"

    def pg_ctl(self, *args, check=True):
        cmd = [str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), "-l", str(self.dir / "postgres.log"), *args]
        return subprocess.run(_as_postgres(cmd), check=check, capture_output=True, text=True, timeout=120)  # noqa: S603

    def start_postgres(self):
        self.pgdata.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pgdata, "postgres", "postgres")
            (self.dir / "postgres.log").touch()
            shutil.chown(self.dir / "postgres.log", "postgres", "postgres")
        subprocess.run(  # noqa: S603
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(self.pgdata), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        options = f"-p {self.pg_port} -k {self.pgdata} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self.pg_ctl("-o", options, "-w", "start")
        self._pg_options = options
        self._pg_started = True

    def kill_postmaster(self):
        """kill -9 of this stack's postmaster (its pid from postmaster.pid in the stack's own data directory)."""
        pid = int((self.pgdata / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)

    def start_postgres_again(self, timeout=60):
        """Start after a stop or a crash; after kill -9 the old backends exit first (they notice the postmaster
        is gone), until then the start is refused ("shared memory block is still in use")."""
        deadline = time.monotonic() + timeout
        while True:
            started = self.pg_ctl("-o", self._pg_options, "-w", "start", check=False)
            if started.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start again: {started.stderr[-500:]}")
            time.sleep(0.5)

    def restart_postgres(self, mode="fast"):
        """Stop (fast: terminates every connection) and start again."""
        self.pg_ctl("-m", mode, "-w", "stop")
        self.pg_ctl("-o", self._pg_options, "-w", "start")

    def psql(self, sql, database=None):
        import psycopg2

        conn = psycopg2.connect(f"{self.pg_url}/{database or self.database}")
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall() if cursor.description else None
        finally:
            conn.close()

    # --- Redis ---------------------------------------------------------------------------------------------

    @property
    def broker_url(self):
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def start_redis(self):
        self.redis = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],  # fmt: skip
            stdout=open(self.dir / "redis.log", "a"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        import redis

        _wait(lambda: redis.Redis.from_url(self.broker_url, socket_connect_timeout=1).ping(), 20, "redis")

    def stop_redis(self):
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(timeout=20)
            self.redis = None

    # --- the app --------------------------------------------------------------------------------------------

    def env(self, **extra):
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "bench.faults.settings",
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_QUEUE": "bzt-stack",
            "MEDIA_ROOT": str(self.media),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def manage(self, *args, **env):
        return subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(**env), check=True, capture_output=True, text=True
        )

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.web_port}"

    def start_web(self, workers=4, threads=1):
        self.web = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "-m",
                "gunicorn",
                "bzt.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--access-logfile",
                str(self.dir / "access.log"),
                "--error-logfile",
                str(self.dir / "gunicorn.log"),
            ],  # fmt: skip
            cwd=ROOT,
            env=self.env(),
            start_new_session=True,
        )
        healthz = f"{self.base_url}/healthz"
        _wait(lambda: urllib.request.urlopen(healthz, timeout=2).status == 200, 60, "gunicorn")  # noqa: S310

    def stop_web(self):
        if self.web is not None:
            self.web.terminate()
            try:
                self.web.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.web.pid, signal.SIGKILL)
                self.web.wait()
            self.web = None

    def start_worker(self, name="stack", concurrency=1, **env):
        """A `celery worker` (prefork pool: a main process and `concurrency` children) on the stack's queue."""
        process = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "bzt",
                "worker",
                "-Q",
                "bzt-stack",
                "-n",
                f"{name}@localhost",
                f"--concurrency={concurrency}",
                f"--loglevel={os.environ.get('BENCH_WORKER_LOGLEVEL', 'INFO')}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],  # fmt: skip
            cwd=ROOT,
            # INFO: each task's "received" and "succeeded" lines (LOG_LEVEL is WARNING elsewhere in the stack)
            env=self.env(**{"LOG_LEVEL": "INFO", **env}),
            stdout=open(self.dir / f"worker-{name}.log", "a"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.node = f"{name}@localhost"
        self.workers.append(process)
        log = self.dir / f"worker-{name}.log"
        _wait(lambda: "ready." in log.read_text(), 60, f"celery worker {name}")
        return process

    def start_beat(self, **env):
        """`celery beat` with the app's schedule (its own schedule file in the stack's directory)."""
        log = self.dir / "beat.log"
        process = subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "celery", "-A", "bzt", "beat", "--loglevel=INFO", "-s", str(self.dir / "beat-schedule")],
            cwd=ROOT,
            env=self.env(**env),
            stdout=open(log, "a"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(process)
        _wait(lambda: "beat: Starting" in log.read_text(), 60, "celery beat")
        return process

    def worker_children(self, worker):
        """The pool processes of a prefork worker (they run the tasks)."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(worker.pid)], capture_output=True, text=True)  # noqa: S603, S607
        return [int(pid) for pid in out.stdout.split()]

    def stop_worker(self, worker, hard=False):
        """hard: SIGKILL to the whole process group (main process and pool), as the OOM killer or a power cut."""
        if worker.poll() is None:
            if hard:
                os.killpg(worker.pid, signal.SIGKILL)
            else:
                worker.terminate()
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        if worker in self.workers:
            self.workers.remove(worker)

    def log(self, name):
        path = self.dir / name
        return path.read_text(errors="replace") if path.exists() else ""
