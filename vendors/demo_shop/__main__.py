"""``python -m vendors.demo_shop --pds http://127.0.0.1:8000 --port 8001``"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import waitress

from vendors.demo_shop import create_app
from vendors.demo_shop.views import EXTENSION
from vendors.sdk import PDSError


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m vendors.demo_shop",
        description="A reference vendor: a small shop that connects to a personal data store.",
    )
    parser.add_argument("--pds", default="http://127.0.0.1:8000", help="the store's URL")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8001, help="port to listen on")
    parser.add_argument(
        "--state",
        type=Path,
        help="directory for the shop's registration and tokens (default: a new temp dir)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    state = args.state or Path(tempfile.mkdtemp(prefix="demo-shop-"))
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    base_url = f"http://{args.host}:{args.port}"
    app = create_app(args.pds, state, base_url)
    try:
        client_id = app.extensions[EXTENSION].ensure_registered()
        print(f"registered with {args.pds} as client {client_id}", flush=True)
    except PDSError as exc:
        print(f"not registered yet ({exc.code}); will retry on Connect", file=sys.stderr)
    print(f"demo shop on {base_url} (state in {state})", flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=4)
    return 0


if __name__ == "__main__":
    sys.exit(main())
