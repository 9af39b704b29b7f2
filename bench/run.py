#!/usr/bin/env python3
"""Kabinet load benchmark (ARCHITECTURE.md §5): Python 3 standard library + wrk.

    python3 bench/run.py [--backend sqlite|postgres|both] [--duration 10] [--reps 3] [--bin PATH]

For each backend: start a copy of the server on a fresh database, sign in once through the API
and the dev outbox, then for each workload run a short wrk warm-up and `--reps` measured runs
(`wrk -t2 -c64 -d10s --latency`), keep the median run by req/s, and print a markdown table
(also written to bench/out/latest.md, with every repetition, and bench/out/latest.json).

A workload is one entry of WORKLOADS below: a name, a Lua script in bench/ (or none for a plain
GET), a `prepare` hook run once (seed data, sign in) and an `args` hook run before every wrk run
(the script's arguments). See bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Callable, Optional

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
CLK_TCK = os.sysconf("SC_CLK_TCK")
MAX_ERROR_FRACTION = 0.01

# Phone numbers for sign-ins: +7916 followed by 7 digits. Block 0 is for run.py's own sign-ins;
# every wrk run that signs in takes a fresh block, split between its threads.
PHONE_SPACE = 10_000_000
PHONE_BLOCK = 500_000


# ------------------------------------------------------------------------------------ workloads


@dataclasses.dataclass
class Background:
    """Load kept running while a workload is measured (e.g. B7 sign-ins under B1)."""

    name: str
    path: str
    script: Optional[str] = None
    args: Callable[["Server"], list[str]] = lambda srv: []
    connections: int = 16
    threads: int = 1
    unit: Optional[str] = None  # KBENCH counter of work units (None: HTTP requests)
    unit_name: str = "req"


@dataclasses.dataclass
class Workload:
    name: str
    describe: str
    path: str  # the URL's path; a script may send other requests
    script: Optional[str] = None  # Lua file in bench/; None = GET `path`
    prepare: Callable[["Server"], None] = lambda srv: None  # once per server, before warm-up
    args: Callable[["Server"], list[str]] = lambda srv: []  # before every wrk run
    unit: Optional[str] = None  # KBENCH counter of work units (None: HTTP requests)
    unit_name: str = "req"
    background: Optional[Background] = None
    default: bool = True


def token_args(srv: "Server") -> list[str]:
    return [srv.token()]


def phone_args(srv: "Server") -> list[str]:
    first, per_thread = srv.phone_block()
    return [str(first), str(per_thread), "many-ips"]


def password_args(srv: "Server") -> list[str]:
    return list(srv.password_account())


def phone_args_one_ip(srv: "Server") -> list[str]:
    return phone_args(srv)[:2] + ["one-ip"]


def seeded_token_args(srv: "Server") -> list[str]:
    return [srv.seeded_token()]


def cart_args(srv: "Server") -> list[str]:
    return [srv.catalogue_product()] + srv.cart_tokens(32)


def certificate_args(srv: "Server") -> list[str]:
    return [srv.certificates(W3_CODES_PER_RUN)] + srv.cart_tokens(32)


def seed_once(srv: "Server") -> None:
    srv.seed()


# W3 issues this many fresh certificates before every wrk run (more than one run activates).
W3_CODES_PER_RUN = 80_000

# B3's search words: in several demo product titles, so the filter keeps some rows.
B3_QUERY = "/api/v1/purchases?q=" + urllib.parse.quote("чайник")


WORKLOADS: list[Workload] = [
    # The ceiling: the cheapest route through the same middleware stack, measured in every run.
    Workload("hello", "GET /healthz (axum + the app's middleware, no database)", "/healthz"),
    Workload(
        "B1",
        "GET /api/v1/me with a bearer session",
        "/api/v1/me",
        script="b1_me.lua",
        args=token_args,
    ),
    Workload(
        "B2",
        "GET /api/v1/orders (first page) for a customer with 200 orders, in a database seeded "
        "by `kabinet seed` (100 000 customers, 1 000 000 orders; --full: 1M / 10M)",
        "/api/v1/orders",
        script="b1_me.lua",
        prepare=seed_once,
        args=seeded_token_args,
    ),
    Workload(
        "B3",
        "GET /api/v1/purchases?q=чайник for the same customer and data",
        B3_QUERY,
        script="b1_me.lua",
        prepare=seed_once,
        args=seeded_token_args,
    ),
    Workload(
        "B4",
        "GET /api/v1/pickup-points?lat=&lon=&limit=20 among 100 000 points, coordinates spread "
        "over 12 cities",
        "/api/v1/pickup-points",
        script="b4_points.lua",
    ),
    Workload(
        "B5",
        "cart: PUT /api/v1/cart/items/{id} then GET /api/v1/cart, 32 customers in turn",
        "/api/v1/cart",
        script="b5_cart.lua",
        args=cart_args,
    ),
    Workload(
        "W1",
        "GET /api/v1/loyalty with a bearer session: tier, points, progress and expiry",
        "/api/v1/loyalty",
        script="b1_me.lua",
        args=token_args,
    ),
    Workload(
        "W3",
        "gift-certificate activation: POST /api/v1/gift-certificates/activate, each code once, "
        "32 customers in turn (codes issued by `kabinet certificates issue` before each run)",
        "/api/v1/gift-certificates/activate",
        script="w3_activate.lua",
        args=certificate_args,
    ),
    Workload(
        "B6",
        "sign-in by SMS code: POST /auth/codes + GET /dev/outbox + POST /auth/codes/verify, "
        "each sign-in from its own client address (X-Forwarded-For)",
        "/",
        script="b6_signin.lua",
        args=phone_args,
        unit="signins",
        unit_name="sign-in",
    ),
    # Not in the default set: every sign-in from 127.0.0.1, so the per-IP send count that
    # POST /auth/codes checks grows through the run (what B6 measured before it spread IPs).
    Workload(
        "B6-1ip",
        "B6 with every sign-in from one client address",
        "/",
        script="b6_signin.lua",
        args=phone_args_one_ip,
        unit="signins",
        unit_name="sign-in",
        default=False,
    ),
    Workload(
        "B7",
        "password sign-in: POST /api/v1/auth/password (Argon2id m=19456 KiB, t=2, p=1)",
        "/api/v1/auth/password",
        script="b7_password.lua",
        args=password_args,
    ),
    # B1 while password sign-ins saturate the hashing pool: session checks must not stall.
    Workload(
        "B1+B7",
        "B1 measured while 16 connections run B7 password sign-ins",
        "/api/v1/me",
        script="b1_me.lua",
        args=token_args,
        background=Background("B7", "/api/v1/auth/password", "b7_password.lua", password_args,
                              connections=16, threads=1),
    ),
    # Not in the default set (--workloads hello,B1,B1+B6): B1 measured while sign-ins run.
    # The shape for "B1 p99 while B7 runs" once password sign-in has a script.
    Workload(
        "B1+B6",
        "B1 measured while 16 connections run B6 sign-ins",
        "/api/v1/me",
        script="b1_me.lua",
        args=token_args,
        background=Background("B6", "/", "b6_signin.lua", phone_args, connections=16, threads=1,
                              unit="signins", unit_name="sign-in"),
        default=False,
    ),
]


# ------------------------------------------------------------------------------------ /proc


def proc_ticks(pid: int) -> int:
    """utime + stime of a process (all its threads), in clock ticks."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


PG_AUX = (
    "checkpointer",
    "background writer",
    "walwriter",
    "autovacuum launcher",
    "logical replication launcher",
    "archiver",
    "stats collector",
    "parallel worker",
)


def pg_ticks(dbname: str) -> dict[int, int]:
    """utime + stime of the local PostgreSQL server's processes that work for `dbname`:
    the postmaster, its shared background processes, and backends/autovacuum workers of
    that database (backends of other databases are left out)."""
    found: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        try:
            with open(f"/proc/{pid}/comm", "rb") as f:
                if f.read().strip() != b"postgres":
                    continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            if cmd.startswith("postgres:"):
                title = cmd[len("postgres:"):].strip()
                title = re.sub(r"^\S+: ", "", title)  # cluster name, e.g. "15/main: "
                words = title.split()
                if title.startswith("autovacuum worker"):
                    keep = len(words) > 2 and words[2] == dbname
                elif title.startswith(PG_AUX):
                    keep = True
                else:  # "user database host(port) activity"
                    keep = len(words) > 1 and words[1] == dbname
            else:
                keep = True  # the postmaster itself
            if keep:
                found[pid] = proc_ticks(pid)
        except (OSError, IndexError, ValueError):
            continue  # exited meanwhile
    return found


def host_busy_ticks() -> int:
    """Busy time of all CPUs (user, nice, system, irq, softirq, steal), in clock ticks."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)


def children_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def vm_hwm_kb(pid: int) -> Optional[int]:
    try:
        with open(f"/proc/{pid}/status") as f:
            m = re.search(r"^VmHWM:\s+(\d+) kB", f.read(), re.M)
        return int(m.group(1)) if m else None
    except OSError:
        return None


def reset_hwm(pid: int) -> bool:
    """Resets VmHWM to the current RSS (Linux ≥ 4.0, needs write access to the process)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


# ------------------------------------------------------------------------------------ HTTP


def http(base: str, method: str, path: str, body=None, token=None, timeout=10.0):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def expect(status_body, want: int, what: str):
    status, body = status_body
    if status != want:
        raise BenchError(f"{what}: expected {want}, got {status}: {body[:500]!r}")
    return json.loads(body) if body else None


class BenchError(Exception):
    pass


# ------------------------------------------------------------------------------------ server


class Postgres:
    """A fresh database on the local PostgreSQL server, dropped by close()."""

    def __init__(self, url: str, admin_db: str):
        u = urllib.parse.urlsplit(url)
        self.host = u.hostname or "127.0.0.1"
        self.port = str(u.port or 5432)
        self.user = u.username or "postgres"
        self.base = url.rstrip("/")
        self.admin_db = admin_db
        self.name = f"kbench_{os.getpid()}"
        self.created = False

    def psql(self, sql: str):
        cmd = ["psql", "-h", self.host, "-p", self.port, "-U", self.user, "-d", self.admin_db,
               "-v", "ON_ERROR_STOP=1", "-qAtc", sql]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise BenchError(f"psql {sql!r} failed: {r.stderr.strip()}")
        return r.stdout

    def create(self) -> str:
        self.psql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.psql(f'CREATE DATABASE "{self.name}"')
        self.created = True
        return f"{self.base}/{self.name}"

    def close(self):
        if self.created:
            self.psql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.created = False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary: Path, backend: str, db_url: str, pg_db: Optional[str],
                 port: int, threads: int, workdir: Path, extra_env: dict[str, str]):
        self.backend = backend
        self.pg_db = pg_db
        self.threads = threads
        self.workdir = workdir
        self.bin = workdir / "kabinet"
        shutil.copy2(binary, self.bin)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("KABINET_")}
        env.update(
            KABINET_ADDR=f"127.0.0.1:{self.port}",
            KABINET_DATABASE_URL=db_url,
            KABINET_DEV_OUTBOX="true",
            KABINET_LIMITS__IP_PER_HOUR="1000000000",
            KABINET_LIMITS__SMS_PER_HOUR="1000000",
            KABINET_LIMITS__SMS_PER_DAY="1000000",
            # B7 signs one account in from 64 connections at once: each try in flight holds
            # one of the account's 5 captcha-free tries, so the thresholds are lifted here.
            KABINET_LIMITS__PASSWORD_FAILURES_BEFORE_CAPTCHA="1000000",
            KABINET_LIMITS__IP_PASSWORD_FAILURES_PER_HOUR="1000000000",
            # B6 gives each sign-in its own client address in X-Forwarded-For.
            KABINET_TRUSTED_PROXIES="127.0.0.1/32",
            RUST_LOG="warn",
            NO_COLOR="1",
        )
        env.update(extra_env)
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([str(self.bin), "serve"], cwd=workdir, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.pid = self.proc.pid
        self.env = env
        self.scale = (100_000, 1_000_000)  # kabinet seed --customers, --orders
        self.seed_report = ""
        self._seeded = False
        self._seeded_token: Optional[str] = None
        self._cart_tokens: list[str] = []
        self._certificate_runs = 0
        self._token: Optional[str] = None
        self._phones_used = 0
        self._next_block = 1

    def wait_ready(self, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status, body = http(self.base, "GET", "/healthz", timeout=1.0)
                if status == 200 and body.strip() == b"ok":
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise BenchError(f"/healthz not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def sign_in(self, phone: Optional[str] = None) -> str:
        """A session through the public API (a fresh customer unless `phone` is given), the
        code read from the dev outbox."""
        if phone is None:
            self._phones_used += 1
            if self._phones_used >= PHONE_BLOCK:
                raise BenchError("out of phone numbers for run.py's own sign-ins")
            phone = f"+7916{self._phones_used:07d}"
        started = expect(http(self.base, "POST", "/api/v1/auth/codes",
                              {"channel": "sms", "to": phone, "purpose": "login"}),
                         202, "POST /api/v1/auth/codes")
        box = expect(http(self.base, "GET", "/api/v1/dev/outbox?to=" + urllib.parse.quote(phone)),
                     200, "GET /api/v1/dev/outbox")
        codes = [i["code"] for i in box.get("items", []) if i.get("code")]
        if not codes:
            raise BenchError(f"no code in the dev outbox for {phone}: {box}")
        done = expect(http(self.base, "POST", "/api/v1/auth/codes/verify",
                           {"flow_id": started["flow_id"], "code": codes[-1]}),
                      200, "POST /api/v1/auth/codes/verify")
        token = done["token"]
        expect(http(self.base, "GET", "/api/v1/me", token=token), 200, "GET /api/v1/me")
        return token

    def password_account(self) -> tuple[str, str]:
        """An account registered with a password (its email code from the dev outbox)."""
        if getattr(self, "_password_account", None) is None:
            email, password = "bench.password@example.ru", "Bench password 2026"
            started = expect(http(self.base, "POST", "/api/v1/auth/register",
                                  {"first_name": "Бенч", "last_name": "Тестов", "email": email,
                                   "password": password}),
                             202, "POST /api/v1/auth/register")
            box = expect(http(self.base, "GET", "/api/v1/dev/outbox?to=" + urllib.parse.quote(email)),
                         200, "GET /api/v1/dev/outbox")
            code = [i["code"] for i in box.get("items", []) if i.get("code")][-1]
            expect(http(self.base, "POST", "/api/v1/auth/codes/verify",
                        {"flow_id": started["flow_id"], "code": code}),
                   200, "POST /api/v1/auth/codes/verify")
            self._password_account = (email, password)
        return self._password_account

    def seed(self):
        """`kabinet seed` once on this server's database (run beside the live server)."""
        if self._seeded:
            return
        customers, orders = self.scale
        t0 = time.monotonic()
        r = subprocess.run([str(self.bin), "seed", "--customers", str(customers), "--orders",
                            str(orders)], cwd=self.workdir, env=self.env, capture_output=True,
                           text=True, timeout=3600)
        if r.returncode != 0:
            raise BenchError(f"kabinet seed failed:\n{r.stdout}\n{r.stderr}")
        self.seed_report = r.stdout.strip().splitlines()[-1]
        print(f"[{self.backend}] {self.seed_report} (wall {time.monotonic() - t0:.1f} s)",
              flush=True)
        self._seeded = True

    def certificates(self, count: int) -> str:
        """`count` fresh certificates (`kabinet certificates issue`, run beside the live server),
        split into one file per wrk thread; returns the files' common prefix."""
        self._certificate_runs += 1
        prefix = Path(self.workdir) / f"codes-{self._certificate_runs}"
        numbers: list[str] = []
        while len(numbers) < count:
            # The CLI issues at most 10 000 at a time (one transaction).
            batch = min(10_000, count - len(numbers))
            r = subprocess.run([str(self.bin), "certificates", "issue", "--value", "100",
                                "--count", str(batch)], cwd=self.workdir, env=self.env,
                               capture_output=True, text=True, timeout=1800)
            if r.returncode != 0:
                raise BenchError(f"kabinet certificates issue failed:\n{r.stdout}\n{r.stderr}")
            numbers += [line.split("\t")[0] for line in r.stdout.splitlines() if "\t" in line]
        if len(numbers) != count:
            raise BenchError(f"kabinet certificates issue printed {len(numbers)} of {count}")
        threads = max(self.threads, 1)
        for t in range(threads):
            Path(f"{prefix}.{t}").write_text("\n".join(numbers[t::threads]) + "\n")
        return str(prefix)

    def seeded_token(self) -> str:
        """A session of seeded customer 0 (+79000000000, 200 orders)."""
        if self._seeded_token is None:
            self._seeded_token = self.sign_in("+79000000000")
            page = expect(http(self.base, "GET", "/api/v1/orders", token=self._seeded_token),
                          200, "GET /api/v1/orders")
            if not page.get("items"):
                raise BenchError("the seeded customer has no orders")
        return self._seeded_token

    def catalogue_product(self) -> str:
        """A demo product with plenty of stock (B5 puts 1 or 2 of it in carts)."""
        page = expect(http(self.base, "GET", "/api/v1/products?limit=50"), 200,
                      "GET /api/v1/products")
        items = sorted(page["items"], key=lambda p: -p.get("stock", 0))
        if not items or items[0].get("stock", 0) < 2:
            raise BenchError(f"no product with stock for B5: {page}")
        return items[0]["id"]

    def cart_tokens(self, n: int) -> list[str]:
        while len(self._cart_tokens) < n:
            self._cart_tokens.append(self.sign_in())
        return self._cart_tokens[:n]

    def token(self) -> str:
        if self._token is None:
            self._token = self.sign_in()
        return self._token

    def phone_block(self) -> tuple[int, int]:
        """(first number, numbers per thread) of a block no earlier run has used."""
        first = self._next_block * PHONE_BLOCK
        if first + PHONE_BLOCK > PHONE_SPACE:
            raise BenchError("out of fresh phone numbers on this server: fewer reps or workloads")
        self._next_block += 1
        return first, PHONE_BLOCK // max(self.threads, 1)

    def cpu(self) -> tuple[int, dict[int, int]]:
        return proc_ticks(self.pid), (pg_ticks(self.pg_db) if self.pg_db else {})

    def log_tail(self, n: int = 30) -> str:
        self.log.flush()
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def log_problems(self) -> list[str]:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return []
        lines = [re.sub(r"\x1b\[[0-9;]*m", "", l) for l in lines]
        return [l for l in lines if re.search(r"\b(WARN|ERROR)\b", l)]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


class Ceiling(Server):
    """bench/ceiling.rs: bare axum answering static JSON (`cargo build --release --example
    ceiling`), measured with the same wrk settings: the machine's ceiling for the ratios."""

    def __init__(self, binary: Path, port: int, workdir: Path):
        self.backend = "bare axum"
        self.pg_db = None
        self.threads = 1
        self.workdir = workdir
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "ceiling.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([str(binary), f"127.0.0.1:{self.port}"], cwd=workdir,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.pid = self.proc.pid

    def wait_ready(self, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if http(self.base, "GET", "/healthz", timeout=1.0)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise BenchError(f"the ceiling server did not start:\n{self.log_tail()}")


CEILING = Workload("hello", "GET /healthz on bench/ceiling.rs: bare axum, static JSON, no "
                   "middleware, no database", "/healthz")


def bench_ceiling(args, rows: list[Row]) -> float:
    workdir = Path(tempfile.mkdtemp(prefix="kbench-ceiling-"))
    srv = Ceiling(args.ceiling, args.port, workdir)
    try:
        srv.wait_ready(10)
        run_wrk(srv, CEILING, args.warmup, args.threads, args.connections)
        reps = [run_wrk(srv, CEILING, args.duration, args.threads, args.connections)
                for _ in range(args.reps)]
        for i, r in enumerate(reps, 1):
            print(f"[bare axum] hello {i}/{args.reps}: {r.rate:.0f} req/s, p99 {r.p99_ms:.2f} ms, "
                  f"CPU {fmt_num(r.cpu_us_per_unit)} µs/req", flush=True)
        median = sorted(reps, key=lambda r: r.rate)[len(reps) // 2]
        rows.append(Row("bare axum", CEILING, median, reps, median.rate, vm_hwm_kb(srv.pid)))
        return median.rate
    finally:
        srv.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# ------------------------------------------------------------------------------------ wrk


@dataclasses.dataclass
class Result:
    rate: float  # work units per second (HTTP requests, or e.g. sign-ins)
    http_rate: float
    requests: int
    units: int
    p50_ms: float
    p99_ms: float
    errors: int
    error_detail: str
    cpu_server_s: Optional[float] = None
    cpu_pg_s: Optional[float] = None
    cpu_wrk_s: Optional[float] = None
    cpu_other_s: Optional[float] = None  # everything else on the host: a noise indicator
    background: str = ""

    @property
    def cpu_us_per_unit(self) -> Optional[float]:
        if self.cpu_server_s is None or not self.units:
            return None
        return (self.cpu_server_s + (self.cpu_pg_s or 0.0)) * 1e6 / self.units

    @property
    def error_fraction(self) -> float:
        return self.errors / max(self.requests, 1)


TIME_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def to_ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise BenchError(f"cannot read wrk time {text!r}")
    return float(m.group(1)) * TIME_UNITS_MS[m.group(2)]


def wrk_cmd(base: str, path: str, script: Optional[str], args: list[str], threads: int,
            connections: int, duration: float) -> list[str]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency",
           "--timeout", "5s"]
    if script:
        cmd += ["-s", str(BENCH / script)]
    cmd.append(base + path)
    if args:
        cmd += ["--", *args]
    return cmd


def parse_wrk(out: str, unit: Optional[str]) -> Result:
    try:
        lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", out, re.M))
        m = re.search(r"^\s*(\d+) requests in (\S+),", out, re.M)
        requests, seconds = int(m.group(1)), to_ms(m.group(2)) / 1e3
        http_rate = float(re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M).group(1))
        p50, p99 = to_ms(lat["50"]), to_ms(lat["99"])
    except (AttributeError, KeyError) as e:
        raise BenchError(f"cannot parse wrk output ({e}):\n{out}") from None
    non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    sock_errors = sum(int(x) for x in sock.groups()) if sock else 0
    detail = []
    if non2xx:
        detail.append(f"{non2xx} non-2xx/3xx")
    if sock:
        detail.append("socket errors " + sock.group(0).split(": ", 1)[1])
    kb = re.search(r"^KBENCH (\{.*\})\s*$", out, re.M)
    counters = json.loads(kb.group(1)) if kb else {}
    script_errors = int(counters.get("errors", 0))
    if counters.get("bad"):
        detail.append("by step: " + ", ".join(f"{k}: {v}" for k, v in sorted(counters["bad"].items())))
    if counters.get("wrapped"):
        script_errors += 1
        detail.append(f"ran out of fresh phone numbers {counters['wrapped']} times")
    if unit:
        if unit not in counters:
            raise BenchError(f"wrk script printed no KBENCH counter {unit!r}:\n{out}")
        units = int(counters[unit])
        seconds = counters.get("duration_us", seconds * 1e6) / 1e6
        rate = units / seconds if seconds else 0.0
    else:
        units, rate = requests, http_rate
    return Result(rate=rate, http_rate=http_rate, requests=requests, units=units, p50_ms=p50,
                  p99_ms=p99, errors=sock_errors + max(non2xx, script_errors),
                  error_detail="; ".join(detail))


def run_wrk(srv: Server, w: Workload, duration: float, threads: int, connections: int) -> Result:
    bg_proc = None
    try:
        if w.background:
            b = w.background
            lead = 1.0  # the background load starts first and ends last
            bg_cmd = wrk_cmd(srv.base, b.path, b.script, b.args(srv), b.threads, b.connections,
                             duration + 2 * lead)
            bg_proc = subprocess.Popen(bg_cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True)
            time.sleep(lead)
        cmd = wrk_cmd(srv.base, w.path, w.script, w.args(srv), threads, connections, duration)
        before, busy0, wrk0 = srv.cpu(), host_busy_ticks(), children_cpu_s()
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
        after, busy1, wrk1 = srv.cpu(), host_busy_ticks(), children_cpu_s()
        if r.returncode != 0:
            raise BenchError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
        res = parse_wrk(r.stdout + r.stderr, w.unit)
        if bg_proc is None:
            res.cpu_server_s = (after[0] - before[0]) / CLK_TCK
            if srv.pg_db:
                res.cpu_pg_s = sum(t - before[1].get(pid, 0)
                                   for pid, t in after[1].items()) / CLK_TCK
            res.cpu_wrk_s = wrk1 - wrk0
            res.cpu_other_s = max(0.0, (busy1 - busy0) / CLK_TCK - res.cpu_server_s
                                  - (res.cpu_pg_s or 0.0) - res.cpu_wrk_s)
        else:  # the server's CPU serves both loads: no per-request figure
            b = w.background
            bg_out, _ = bg_proc.communicate(timeout=duration + 60)
            bg = parse_wrk(bg_out, b.unit)
            res.background = (f"{b.name}: {bg.rate:.0f} {b.unit_name}/s ({bg.http_rate:.0f} HTTP "
                              f"req/s), p99 {bg.p99_ms:.1f} ms, errors {bg.errors}")
            if bg.error_fraction > MAX_ERROR_FRACTION:
                res.errors += bg.errors
                res.error_detail += f" background: {bg.error_detail}"
        return res
    finally:
        if bg_proc is not None and bg_proc.poll() is None:
            bg_proc.kill()
            bg_proc.wait()


# ------------------------------------------------------------------------------------ report


@dataclasses.dataclass
class Row:
    backend: str
    workload: Workload
    median: Result
    reps: list[Result]
    hello_rate: float
    peak_rss_kb: Optional[int]
    bare_rate: float = 0.0


def fmt_num(x: Optional[float], digits: int = 3) -> str:
    if x is None:
        return "—"
    if x >= 10 ** digits:
        return f"{x:.0f}"
    return f"{x:.{digits}g}"


def table(rows: list[Row]) -> str:
    out = ["| backend | workload | req/s | × hello | × bare axum | p50 ms | p99 ms | CPU µs/req | "
           "peak RSS MB |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        m = row.median
        name = row.workload.name
        if row.workload.unit_name != "req":
            name += f" ({row.workload.unit_name}s)"
        if m.error_fraction > MAX_ERROR_FRACTION:
            name += f" **{100 * m.error_fraction:.1f} % errors**"
        ratio = m.rate / row.hello_rate if row.hello_rate else None
        rss = f"{row.peak_rss_kb / 1024:.1f}" if row.peak_rss_kb else "—"
        bare = f"{m.rate / row.bare_rate:.2f}" if row.bare_rate else "—"
        out.append(f"| {row.backend} | {name} | {m.rate:.0f} | {ratio:.2f} | {bare} | {m.p50_ms:.2f} | "
                   f"{m.p99_ms:.2f} | {fmt_num(m.cpu_us_per_unit)} | {rss} |")
    return "\n".join(out)


def rep_table(rows: list[Row]) -> str:
    out = ["| backend | workload | rep | req/s | HTTP req/s | p50 ms | p99 ms | server CPU s | "
           "PG CPU s | wrk CPU s | other CPU s | CPU µs/req | errors |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        for i, r in enumerate(row.reps, 1):
            mark = " (median)" if r is row.median else ""
            err = f"{r.errors} ({100 * r.error_fraction:.2f} %)" if r.errors else "0"
            if r.error_detail:
                err += ": " + r.error_detail
            if r.background:
                err += "; under " + r.background
            pg = f"{r.cpu_pg_s:.2f}" if r.cpu_pg_s is not None else "—"
            srv = f"{r.cpu_server_s:.2f}" if r.cpu_server_s is not None else "—"
            wrk = f"{r.cpu_wrk_s:.2f}" if r.cpu_wrk_s is not None else "—"
            other = f"{r.cpu_other_s:.2f}" if r.cpu_other_s is not None else "—"
            out.append(f"| {row.backend} | {row.workload.name} | {i}{mark} | {r.rate:.0f} | "
                       f"{r.http_rate:.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {srv} | {pg} | "
                       f"{wrk} | {other} | {fmt_num(r.cpu_us_per_unit)} | {err} |")
    return "\n".join(out)


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            model = m.group(1).strip() if m else ""
    except OSError:
        pass
    try:
        wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    except (OSError, IndexError):
        wrk = "?"
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    return (f"commit {commit}; {os.cpu_count()} CPUs ({model}); wrk {wrk}; "
            f"load average before the run {load}")


# ------------------------------------------------------------------------------------ main


def bench_backend(backend: str, args, workloads: list[Workload], rows: list[Row],
                  notes: list[str]):
    pg = Postgres(args.pg_url, args.pg_admin_db) if backend == "postgres" else None
    workdir = Path(tempfile.mkdtemp(prefix=f"kbench-{backend}-"))
    srv = None
    try:
        db_url = pg.create() if pg else f"sqlite://{workdir}/k.db"
        srv = Server(args.bin, backend, db_url, pg.name if pg else None, args.port,
                     args.threads, workdir, dict(kv.split("=", 1) for kv in args.server_env))
        srv.scale = (args.customers, args.orders)
        t0 = time.monotonic()
        srv.wait_ready(args.startup_timeout)
        print(f"[{backend}] server pid {srv.pid} ready on {srv.base} in "
              f"{time.monotonic() - t0:.1f} s (peak RSS so far {vm_hwm_kb(srv.pid) or 0:.0f} kB)",
              flush=True)
        hello_rate = 0.0
        for w in workloads:
            w.prepare(srv)
            hwm_reset = reset_hwm(srv.pid)
            run_wrk(srv, w, args.warmup, args.threads, args.connections)
            reps = []
            for i in range(args.reps):
                r = run_wrk(srv, w, args.duration, args.threads, args.connections)
                reps.append(r)
                print(f"[{backend}] {w.name} {i + 1}/{args.reps}: {r.rate:.0f} {w.unit_name}/s "
                      f"({r.http_rate:.0f} HTTP req/s), p50 {r.p50_ms:.2f} ms, "
                      f"p99 {r.p99_ms:.2f} ms, CPU {fmt_num(r.cpu_us_per_unit)} µs/{w.unit_name}"
                      + (f", other load {r.cpu_other_s / args.duration:.2f} cores"
                         if r.cpu_other_s is not None else "")
                      + (f", ERRORS {r.errors}: {r.error_detail}" if r.errors else "")
                      + (f"; under {r.background}" if r.background else ""), flush=True)
            median = sorted(reps, key=lambda r: r.rate)[len(reps) // 2]
            if w.name == "hello":
                hello_rate = median.rate
            if not hwm_reset:
                notes.append(f"{backend} {w.name}: could not reset VmHWM; peak RSS is since start")
            rows.append(Row(backend, w, median, reps, hello_rate, vm_hwm_kb(srv.pid)))
        if srv.seed_report:
            notes.append(f"{backend}: {srv.seed_report}")
        if srv.proc.poll() is not None:
            raise BenchError(f"server died:\n{srv.log_tail()}")
        problems = srv.log_problems()
        if problems:
            notes.append(f"{backend}: the server logged {len(problems)} WARN/ERROR lines; first: "
                         + " | ".join(problems[:3]))
    finally:
        if srv:
            srv.stop()
        if pg:
            try:
                pg.close()
            except BenchError as e:
                print(f"warning: {e}", file=sys.stderr)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"[{backend}] kept {workdir}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--duration", type=float, default=10, help="seconds per measured run")
    p.add_argument("--reps", type=int, default=3, help="measured runs per workload (median)")
    p.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per workload")
    p.add_argument("--bin", type=Path, default=REPO / "target/release/kabinet")
    p.add_argument("--ceiling", type=Path, default=REPO / "target/release/examples/ceiling",
                   help="the bare axum server measured first (bench/ceiling.rs)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--connections", type=int, default=64, help="wrk connections")
    names = [w.name for w in WORKLOADS]
    p.add_argument("--workloads", default=",".join(w.name for w in WORKLOADS if w.default),
                   help=f"comma-separated, from {', '.join(names)} (hello always runs first)")
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432",
                   help="PostgreSQL server (no database); a kbench_<pid> database is made")
    p.add_argument("--pg-admin-db", default="postgres")
    p.add_argument("--customers", type=int, default=100_000, help="seeded customers (B2, B3)")
    p.add_argument("--orders", type=int, default=1_000_000, help="seeded orders (B2, B3)")
    p.add_argument("--full", action="store_true",
                   help="the full scale for B2/B3: 1 000 000 customers, 10 000 000 orders")
    p.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    p.add_argument("--startup-timeout", type=float, default=60)
    p.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                   help="extra server environment, e.g. KABINET_DB_MAX_CONNECTIONS=4 (repeatable)")
    p.add_argument("--out", type=Path, default=OUT / "latest.md",
                   help="markdown report (the JSON goes next to it)")
    p.add_argument("--keep", action="store_true", help="keep the temp dirs (server logs, SQLite)")
    args = p.parse_args()
    if args.full:
        args.customers, args.orders = 1_000_000, 10_000_000

    if not shutil.which("wrk"):
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    if not args.bin.is_file():
        print(f"{args.bin} not found: cargo build --release", file=sys.stderr)
        return 2
    if any("=" not in kv for kv in args.server_env):
        print("--server-env takes KEY=VALUE", file=sys.stderr)
        return 2
    chosen = [n.strip() for n in args.workloads.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in names]
    if unknown:
        print(f"unknown workloads {unknown}; known: {names}", file=sys.stderr)
        return 2
    workloads = [WORKLOADS[0]] + [w for w in WORKLOADS[1:] if w.name in chosen]
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]

    def on_term(signum, frame):  # run the finally blocks: stop the server, drop the database
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    started = datetime.datetime.now(datetime.timezone.utc)
    about = machine()
    rows: list[Row] = []
    notes: list[str] = []
    failed: list[str] = []
    bare_rate = 0.0
    if args.ceiling.is_file():
        try:
            bare_rate = bench_ceiling(args, rows)
        except (BenchError, subprocess.TimeoutExpired, OSError) as e:
            failed.append(f"bare axum: {e}")
    else:
        notes.append(f"no {args.ceiling} (cargo build --release --example ceiling): "
                     "no bare axum ceiling in this run")
    for backend in backends:
        try:
            bench_backend(backend, args, workloads, rows, notes)
        except (BenchError, subprocess.TimeoutExpired, OSError) as e:
            failed.append(f"{backend}: {e}")
            print(f"[{backend}] FAILED: {e}", file=sys.stderr, flush=True)
    for row in rows:
        row.bare_rate = bare_rate
        m = row.median
        if m.error_fraction > MAX_ERROR_FRACTION:
            failed.append(f"{row.backend} {row.workload.name}: {m.errors} errors in "
                          f"{m.requests} requests ({100 * m.error_fraction:.1f} %): "
                          f"{m.error_detail}")

    t = table(rows)
    print()
    print(t)
    elapsed = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()
    md = [
        "# Kabinet load benchmark — latest run",
        "",
        f"{started:%Y-%m-%d %H:%M} UTC, {elapsed:.0f} s; {about}.",
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency`, "
        f"{args.warmup:g} s warm-up, median of {args.reps} by req/s."
        + (f" Extra server environment: {' '.join(args.server_env)}." if args.server_env else ""),
        "",
        t,
        "",
        "B6 counts sign-ins (each is 3 HTTP requests: codes, outbox, verify): its req/s and "
        "CPU µs are per sign-in, its p50/p99 per HTTP request. CPU = server utime+stime "
        "(+ PostgreSQL's for postgres) / units served; peak RSS = server VmHWM, reset before "
        "each workload. See bench/README.md.",
    ]
    for w in workloads:
        md.append(f"- **{w.name}**: {w.describe}")
    if notes:
        md += ["", "Notes:", *[f"- {n}" for n in notes]]
    if failed:
        md += ["", "**FAILED:**", *[f"- {f}" for f in failed]]
    md += ["", "## Every repetition", "", rep_table(rows), ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(md))
    args.out.with_suffix(".json").write_text(json.dumps(
        {"started": started.isoformat(), "machine": about, "args": {
            k: str(v) for k, v in vars(args).items()},
         "rows": [{"backend": r.backend, "workload": r.workload.name,
                   "hello_rate": r.hello_rate, "peak_rss_kb": r.peak_rss_kb,
                   "median": dataclasses.asdict(r.median),
                   "reps": [dataclasses.asdict(x) for x in r.reps]} for r in rows],
         "notes": notes, "failed": failed}, indent=1))
    for n in notes:
        print(f"note: {n}")
    print(f"\nwritten to {args.out} ({elapsed:.0f} s)")
    if failed:
        print("\nFAILED:\n" + "\n".join(f"  {f}" for f in failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
