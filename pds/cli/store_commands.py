"""Commands about the store itself: init, serve, status, passwd, rotate-key."""

from __future__ import annotations

import json
import os
import signal
import sys
from types import FrameType
from typing import Any

import click

from pds.cli.control.server import ControlServer
from pds.cli.root import (
    check_passphrase,
    main,
    prompt_secret,
    runtime_for,
    services_of,
    settings_of,
)
from pds.errors import StoreError, ValidationFailed
from pds.runtime import build_runtime, create_store
from pds.runtime.key_rotation import KeyRotation, RotationState
from pds.services.identity.credentials import check_password
from pds.version import __version__

ROTATION_POLL = 0.2  # seconds between progress reports of a key rotation


@main.command()
@click.option(
    "--scrypt-n",
    type=click.IntRange(min=2**10),
    default=2**17,
    show_default=True,
    help="scrypt cost (a power of two); lower only for throwaway stores.",
)
@click.pass_context
def init(ctx: click.Context, scrypt_n: int) -> None:
    """Create a new, empty store.

    Non-interactive when PDS_PASSPHRASE (or PDS_PASSPHRASE_FILE) and
    PDS_OWNER_PASSWORD are set; otherwise asks for both.
    """
    settings = settings_of(ctx)
    if scrypt_n & (scrypt_n - 1):
        raise ValidationFailed("--scrypt-n must be a power of two", {"scrypt_n": ["not 2**k"]})
    passphrase = check_passphrase(
        settings.resolve_passphrase() or prompt_secret("New passphrase", confirm=True)
    )
    password = check_password(
        os.environ.get("PDS_OWNER_PASSWORD") or prompt_secret("Owner portal password", confirm=True)
    )
    store = create_store(settings, passphrase, scrypt_n=scrypt_n)
    with build_runtime(settings, store=store) as runtime:
        runtime.services.credentials.set_password(password)
        runtime.services.signing_keys.ensure()
        runtime.store.audit.append({"actor": "owner", "action": "store.created"})
    click.echo(f"created an encrypted store at {settings.home}")


@main.command()
@click.option("--host", help="Listen address (default: $PDS_HOST or 127.0.0.1).")
@click.option("--port", metavar="PORT", help="Port, 1 to 65535 (default: $PDS_PORT or 8000).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: str | None) -> None:
    """Run the server (waitress: one process, several threads).

    Unless PDS_WEBHOOKS_ENABLED is false, a background thread posts RFP webhooks to
    subscribed vendors (with retries) and expires RFPs whose deadline has passed.
    Every other pds command run meanwhile on the same store is run by the server,
    through its control socket (control.sock in the store, this OS user only).
    SIGTERM stops it as Ctrl-C does.
    """
    from waitress import serve as waitress_serve

    from pds.app import create_app
    from pds.runtime.logs import configure_logging

    settings = settings_of(ctx).with_overrides(
        {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    )
    configure_logging(settings)
    with runtime_for(settings) as runtime:  # its close stops the workers, then the store
        app = create_app(runtime=runtime)
        control = ControlServer(settings.home, runtime, main)
        control.start()
        signal.signal(signal.SIGTERM, _stop_serving)
        try:
            click.echo(f"pds {__version__} serving {settings.home} on {settings.issuer_url}")
            waitress_serve(app, host=settings.host, port=settings.port, threads=settings.threads)
        finally:
            control.stop()


def _stop_serving(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (systemd, docker, kill) ends the server as Ctrl-C does: waitress closes,
    the control socket is removed, the workers stop and the store closes."""
    raise SystemExit(0)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--verify", is_flag=True, help="Also verify the whole audit chain.")
@click.pass_context
def status(ctx: click.Context, as_json: bool, verify: bool) -> None:
    """Counts per collection, size on disk, key and format facts."""
    settings = settings_of(ctx)
    with services_of(settings) as services:
        stats = services.store.stats()
        verified = services.store.audit.verify() if verify else None
    facts = {
        "home": str(settings.home),
        "store_id": stats.store_id,
        "format_version": stats.format_version,
        "created_at": stats.created_at,
        "key_generation": stats.key_generation,
        "kdf": stats.kdf,
        "files": stats.files,
        "bytes_on_disk": stats.bytes_on_disk,
        "counts": stats.counts,
        "audit_entries": stats.audit_entries,
    }
    if verified is not None:
        facts["audit_verified"] = True
    if as_json:
        click.echo(json.dumps(facts, indent=2))
        return
    click.echo(f"store      {facts['home']} (id {stats.store_id})")
    click.echo(f"format     version {stats.format_version}, created {stats.created_at}")
    kdf = stats.kdf
    click.echo(
        f"keys       data key generation {stats.key_generation}, "
        f"scrypt n={kdf['n']} r={kdf['r']} p={kdf['p']}, AES-256-GCM"
    )
    click.echo(f"disk       {stats.files} files, {_size(stats.bytes_on_disk)}")
    for name, count in stats.counts.items():
        click.echo(f"  {name:<14} {count:>9,}")
    audit_line = f"{stats.audit_entries:,} entries"
    click.echo(f"audit log  {audit_line}{', chain verified' if verify else ''}")


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


@main.command()
@click.pass_context
def passwd(ctx: click.Context) -> None:
    """Change the store passphrase (re-wraps the data key; data files are untouched).

    Non-interactive with PDS_PASSPHRASE (current) and PDS_NEW_PASSPHRASE.
    """
    with runtime_for(settings_of(ctx)) as runtime:
        new = os.environ.get("PDS_NEW_PASSPHRASE") or prompt_secret("New passphrase", confirm=True)
        runtime.store.change_passphrase(check_passphrase(new))
        runtime.store.audit.append({"actor": "owner", "action": "store.passphrase_changed"})
    click.echo("passphrase changed")


@main.command("rotate-key")
@click.pass_context
def rotate_key(ctx: click.Context) -> None:
    """Re-encrypt every file under a new data key (crash-safe, resumable).

    One rotation at a time: the portal's and this command's are the same.
    """
    with runtime_for(settings_of(ctx)) as runtime:
        rotation = runtime.workers.key_rotation
        rotation.start()
        with click.progressbar(length=1, label="re-encrypting", file=sys.stderr) as bar:
            state = _follow(rotation, bar)
    if state is None or state.status != "done":
        raise StoreError(f"key rotation failed: {state.error if state else 'no state'}")
    click.echo(f"data key rotated: now generation {state.generation}")


def _follow(rotation: KeyRotation, bar: Any) -> RotationState | None:
    """Show the rotation's progress on ``bar`` until it ends; its last state."""
    while True:
        state = rotation.wait(ROTATION_POLL)
        if state is None or state.status != "running":
            if state is not None and state.status == "done":
                bar.update(bar.length - bar.pos)
            return state
        if state.total:
            bar.length = state.total
            bar.update(state.done - bar.pos)
