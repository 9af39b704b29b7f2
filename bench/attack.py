#!/usr/bin/env python3
"""Issue #8's probes, as an attacker and a busy Friday evening would run them (standard library
only). Starts a copy of the release server on a fresh database, fires simultaneous requests at
every limit and money path, and prints what got through.

    python3 bench/attack.py [--backend sqlite|postgres|both] [--bin target/release/kabinet]

Each probe prints `name: answers` (status/code → count) and the figure the rule allows. The
server trusts X-Forwarded-For from loopback, so probes can speak for many client addresses.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def call(base, method, path, body=None, token=None, headers=None):
    """(status, JSON or text, headers) of one request."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with OPENER.open(req, timeout=60) as r:
            raw, status, hdrs = r.read(), r.status, r.headers
    except urllib.error.HTTPError as e:
        raw, status, hdrs = e.read(), e.code, e.headers
    try:
        return status, json.loads(raw or b"null"), hdrs
    except ValueError:
        return status, raw.decode(errors="replace"), hdrs


def label(status, body):
    code = body.get("error", {}).get("code") if isinstance(body, dict) else None
    return f"{status} {code}" if code else str(status)


def at_once(n, fn):
    """Runs fn(i) for i in 0..n on n threads released together; returns the answers."""
    with cf.ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(fn, range(n)))


def tally(answers):
    return dict(collections.Counter(label(s, b) for s, b, _ in answers))


class Server:
    def __init__(self, binary, db_url, workdir):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("KABINET_")}
        env.update(
            KABINET_ADDR=f"127.0.0.1:{self.port}",
            KABINET_DATABASE_URL=db_url,
            KABINET_DEV_OUTBOX="1",
            KABINET_DEMO_PICKUP_POINTS="2000",
            KABINET_TRUSTED_PROXIES="127.0.0.1/32",
            RUST_LOG="error",
        )
        self.log = open(Path(workdir) / "server.log", "wb")
        self.proc = subprocess.Popen([binary, "serve"], env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        for _ in range(600):
            try:
                if call(self.base, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("server did not start")

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class Ips:
    """A fresh client address for each call."""

    def __init__(self):
        self.n = 0

    def next(self):
        self.n += 1
        return f"10.{self.n // 65536 % 256}.{self.n // 256 % 256}.{self.n % 256}"


def sign_in(base, phone, ip):
    s, started, _ = call(base, "POST", "/api/v1/auth/codes", {"channel": "sms", "to": phone},
                         headers={"x-forwarded-for": ip})
    assert s == 202, (s, started)
    _, box, _ = call(base, "GET", "/api/v1/dev/outbox?to=" + urllib.parse.quote(phone))
    code = box["items"][-1]["code"]
    s, body, _ = call(base, "POST", "/api/v1/auth/codes/verify",
                      {"flow_id": started["flow_id"], "code": code})
    assert s == 200, (s, body)
    return body["token"]


def stock_setter(db_url):
    """Gives products plenty of stock (the demo's is small), straight in the database."""

    def set_stock(ids):
        sql = "UPDATE products SET stock = 100000 WHERE id IN (%s)" % ",".join(f"'{i}'" for i in ids)
        if db_url.startswith("sqlite://"):
            import sqlite3
            con = sqlite3.connect(db_url[len("sqlite://"):])
            con.execute("PRAGMA busy_timeout = 10000")
            con.execute(sql)
            con.commit()
            con.close()
        else:
            subprocess.run(["psql", "-q", db_url, "-c", sql], check=True)

    return set_stock


def probes(base, set_stock):
    ips = Ips()
    phone_n = [int(time.time()) % 1000 * 1000]

    def phone():
        phone_n[0] += 1
        return f"+7916{phone_n[0] % 10_000_000:07d}"

    out = {}
    p = phone()
    out["200 code requests for one phone (rule: 1)"] = tally(at_once(200, lambda i: call(
        base, "POST", "/api/v1/auth/codes", {"channel": "sms", "to": p},
        headers={"x-forwarded-for": ips.next()})))
    out["200 code requests from one address (rule: 20, then captcha)"] = tally(at_once(200, lambda i: call(
        base, "POST", "/api/v1/auth/codes", {"channel": "sms", "to": phone()},
        headers={"x-forwarded-for": "203.0.113.1"})))
    p = phone()
    s, started, _ = call(base, "POST", "/api/v1/auth/codes", {"channel": "sms", "to": p},
                         headers={"x-forwarded-for": ips.next()})
    out["100 guesses at one code (rule: 5 compared)"] = tally(at_once(100, lambda i: call(
        base, "POST", "/api/v1/auth/codes/verify", {"flow_id": started["flow_id"], "code": "000001"})))
    # Password guesses against one account, each from its own address.
    email = f"probe{int(time.time())}@example.ru"
    call(base, "POST", "/api/v1/auth/register", {"first_name": "Анна", "last_name": "Проба",
         "email": email, "password": "очень длинный пароль"}, headers={"x-forwarded-for": ips.next()})
    out["60 wrong passwords for one account (rule: 5 checked, then captcha)"] = tally(at_once(60, lambda i: call(
        base, "POST", "/api/v1/auth/password", {"login": email, "password": "не тот пароль"},
        headers={"x-forwarded-for": ips.next()})))
    # First-time checkouts.
    _, products, _ = call(base, "GET", "/api/v1/products?limit=40")
    items = [x for x in products["items"] if x["weight_g"] < 2000]
    set_stock([x["id"] for x in items[:3]])
    _, points, _ = call(base, "GET", "/api/v1/pickup-points?lat=55.75&lon=37.61&limit=1&kind=pickup_point")
    point = points["items"][0]["id"]
    tokens = [sign_in(base, phone(), ips.next()) for _ in range(120)]
    for i, t in enumerate(tokens):
        # Crossed carts: half put A then B, half B then A.
        a, b = items[0]["id"], items[1]["id"]
        for pid in ((a, b) if i % 2 == 0 else (b, a)):
            call(base, "PUT", f"/api/v1/cart/items/{pid}", {"quantity": 1}, token=t)
    body = {"delivery": {"method": "pickup_point", "pickup_point_id": point},
            "payment": {"method": "card", "card": {"number": "2200 0000 0000 0004",
                        "exp_month": 12, "exp_year": 2030, "cvc": "123"}}}
    answers = at_once(120, lambda i: call(base, "POST", "/api/v1/orders", body, token=tokens[i],
                                          headers={"idempotency-key": "friday"}))
    out["120 first-time crossed-cart checkouts (rule: 0 answers >= 500)"] = tally(answers)
    statuses = collections.Counter()
    for t in tokens:
        _, orders, _ = call(base, "GET", "/api/v1/orders", token=t)
        for o in orders["items"]:
            statuses[o["status"]] += 1
    out["their orders afterwards (rule: every 201 paid)"] = dict(statuses)
    # A key replayed while the first request runs.
    t = tokens[0]
    call(base, "PUT", f"/api/v1/cart/items/{items[2]['id']}", {"quantity": 1}, token=t)
    out["50 replays of one Idempotency-Key during checkout (rule: 201 or 409 in progress)"] = tally(
        at_once(50, lambda i: call(base, "POST", "/api/v1/orders", body, token=t,
                                   headers={"idempotency-key": "replayed"})))
    for back in ["/%09/evil.example", "/%01", "//evil.example"]:
        s, _, h = call(base, "GET", f"/lang/ru?back={back}")
        out[f"/lang/ru?back={back}"] = f"{s} Location: {h.get('location')}"
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="both", choices=["sqlite", "postgres", "both"])
    ap.add_argument("--bin", default=str(REPO / "target/release/kabinet"))
    args = ap.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        work = tempfile.mkdtemp(prefix="kabinet-attack-")
        binary = shutil.copy(args.bin, Path(work) / "kabinet")
        if backend == "sqlite":
            url = f"sqlite://{work}/kabinet.db"
        else:
            dbname = f"kabinet_attack_{os.getpid()}"
            subprocess.run(["psql", "-q", PG_ADMIN, "-c", f'DROP DATABASE IF EXISTS "{dbname}"'], check=True)
            subprocess.run(["psql", "-q", PG_ADMIN, "-c", f'CREATE DATABASE "{dbname}"'], check=True)
            url = f"postgres://postgres@127.0.0.1:5432/{dbname}"
        server = Server(binary, url, work)
        try:
            print(f"## {backend}")
            for name, result in probes(server.base, stock_setter(url)).items():
                print(f"- {name}: {result}")
        finally:
            server.stop()
            if backend == "postgres":
                subprocess.run(["psql", "-q", PG_ADMIN, "-c", f'DROP DATABASE IF EXISTS "{dbname}"'])
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
