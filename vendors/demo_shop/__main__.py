"""``python -m vendors.demo_shop --pds http://127.0.0.1:8000 --port 8001``"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

import waitress

from vendors.demo_shop import create_app
from vendors.demo_shop.catalogue import CATEGORIES
from vendors.demo_shop.connection import CLIENT_NAME
from vendors.demo_shop.rfp_views import DESK
from vendors.demo_shop.views import EXTENSION
from vendors.sdk import PDSError


def categories(text: str) -> list[str]:
    """``electronics,books`` -> ``["electronics", "books"]`` (lower case, no blanks)."""
    return [part.strip().lower() for part in text.split(",") if part.strip()]


def percent(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite() or not -50 <= value <= 100:
        raise argparse.ArgumentTypeError("a markup from -50 to 100 (percent)")
    return value


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
    parser.add_argument("--name", default=CLIENT_NAME, help="the shop's name (its client name)")
    parser.add_argument(
        "--categories",
        type=categories,
        nargs="?",
        const=list(CATEGORIES),
        help="answer the store's RFPs in these categories, comma-separated (alone: the "
        f"catalogue's, {','.join(CATEGORIES)}; an empty string: every category)",
    )
    parser.add_argument("--markup", type=percent, default=Decimal(0), help="percent on prices")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    state = args.state or Path(tempfile.mkdtemp(prefix="demo-shop-"))
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    base_url = f"http://{args.host}:{args.port}"
    app = create_app(
        args.pds,
        state,
        base_url,
        name=args.name,
        categories=args.categories,
        markup=args.markup,
    )
    try:
        client_id = app.extensions[EXTENSION].ensure_registered()
        print(f"registered with {args.pds} as client {client_id}", flush=True)
    except PDSError as exc:
        print(f"not registered yet ({exc.code}); will retry on Connect", file=sys.stderr)
    if DESK in app.extensions:
        try:
            subscription = app.extensions[DESK].start()
            wanted = ",".join(subscription.categories) or "every category"
            print(f"answering RFPs in {wanted} at {subscription.url}", flush=True)
        except PDSError as exc:
            print(f"not answering RFPs: {exc.code}: {exc.detail}", file=sys.stderr, flush=True)
    print(f"demo shop on {base_url} (state in {state})", flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=4)
    return 0


if __name__ == "__main__":
    sys.exit(main())
