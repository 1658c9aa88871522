"""Benchmark of the vendor API against a bare Flask endpoint (a script, not a test).

    .venv/bin/python tests/perf/bench_api.py [--seconds 10] [--clients 4] [--purchases 2000]

Both servers run on waitress (same threads) in their own processes on loopback:

- **api**: the real app, ``GET /api/v1/purchases?limit=50`` with a bearer token of a
  grant over the vendor's own purchases: token lookup, grant check, rate limit,
  query, per-record policy check, schema projection, ETag, and the audit entry.
- **bare**: a minimal Flask app whose one view returns the same JSON bytes.

The client (this process) keeps ``--clients`` keep-alive connections busy for
``--seconds`` against each and prints requests/s, p50 and p95 latency, and the
ratio api / bare (the target in issue 4 is >= 0.5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

PASSPHRASE = "benchmark passphrase"
PAGE = "/api/v1/purchases?limit=50"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_store(home: Path, purchases: int) -> str:
    """A store with one vendor's purchases and a grant over them; returns an access token."""
    from pds.services import SPECS, Services
    from pds.store import ScryptParams, Store

    store = Store.create(home, PASSPHRASE, specs=SPECS, kdf=ScryptParams.fresh(n=2**10))
    services = Services(store)
    shop = services.relationships.add({"kind": "vendor", "name": "Shop", "domain": "shop.example"})
    rng = random.Random(7)
    first = dt.date(2020, 1, 1)
    batch = []
    for _ in range(purchases):
        cents = rng.randint(100, 20_000)
        batch.append(
            {
                "vendor_id": shop["id"],
                "date": (first + dt.timedelta(days=rng.randrange(2000))).isoformat(),
                "items": [
                    {"description": "item", "quantity": "1", "unit_price": f"{cents / 100:.2f}"}
                ],
                "currency": "EUR",
                "category": rng.choice(["books", "music", "home"]),
            }
        )
    services.purchases.add_many(batch)
    client, _ = services.clients.register(
        {"client_name": "Shop", "redirect_uris": ["https://shop.example/cb"]}
    )
    grant = services.grants.create(
        client_id=client["id"],
        scopes=["purchases:read"],
        terms_version=1,
        vendor_id=shop["id"],
        expiry="1d",
    )
    token = services.tokens.issue(grant, grant["scopes"], refresh=False)["access_token"]
    store.close()
    return str(token)


def serve(kind: str, home: Path, port: int, threads: int, body_file: Path | None) -> None:
    from flask import Flask, Response
    from waitress import serve as waitress_serve

    if kind == "api":
        from pds.app import create_app

        app = create_app(
            {"home": home, "passphrase": PASSPHRASE, "port": port, "api_rate_per_minute": 10**9}
        )
    else:
        assert body_file is not None
        body = body_file.read_bytes()
        app = Flask("bare")

        @app.get("/api/v1/purchases")
        def bare() -> Response:
            return Response(body, mimetype="application/json")

    waitress_serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def start(kind: str, home: Path, threads: int, body_file: Path | None = None) -> tuple[Any, str]:
    port = free_port()
    args = [sys.executable, __file__, "--serve", kind, "--home", str(home), "--port", str(port)]
    args += ["--threads", str(threads)]
    if body_file is not None:
        args += ["--body", str(body_file)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/", timeout=1)
            return process, base
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(
        f"{kind} server did not start: {process.stderr.read() if process.stderr else ''}"
    )


def load(base: str, token: str, seconds: float, clients: int) -> dict[str, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            response = session.get(base + PAGE, headers=headers, timeout=10)
            mine.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    spent = time.monotonic() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / spent,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--purchases", type=int, default=2000)
    parser.add_argument("--serve", choices=("api", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--body", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.home, args.port, args.threads, args.body)
        return

    work = Path(tempfile.mkdtemp(prefix="pds-bench-api-"))
    home = work / "store"
    token = build_store(home, args.purchases)
    api, api_base = start("api", home, args.threads)
    try:
        page = requests.get(
            api_base + PAGE, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert page.status_code == 200 and len(page.json()["items"]) == 50, page.text
        body_file = work / "page.json"
        body_file.write_bytes(page.content)
        bare, bare_base = start("bare", home, args.threads, body_file)
        try:
            results = {
                "bare": load(bare_base, token, args.seconds, args.clients),
                "api": load(api_base, token, args.seconds, args.clients),
            }
        finally:
            bare.terminate()
    finally:
        api.terminate()
    ratio = results["api"]["rps"] / results["bare"]["rps"]
    print(
        f"GET {PAGE} ({len(page.content):,} bytes), {args.clients} clients, "
        f"waitress threads {args.threads}, {args.seconds:.0f} s each, {os.cpu_count()} cores"
    )
    print("| endpoint | requests/s | p50 (ms) | p95 (ms) |")
    print("|---|---:|---:|---:|")
    for kind in ("bare", "api"):
        r = results[kind]
        print(f"| {kind} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} |")
    print(f"ratio api / bare: {ratio:.2f} (target >= 0.5)")
    print(json.dumps({"results": results, "ratio": ratio}))


if __name__ == "__main__":
    main()
