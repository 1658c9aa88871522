"""The ``pds`` command line. Every command maps ``PdsError`` to one line and an exit code."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from pds.config import Settings, settings_from_env
from pds.errors import ConfigError, PdsError, ValidationFailed
from pds.services import Services
from pds.services.collections import SPECS
from pds.services.credentials import OwnerCredentials, check_password
from pds.services.rfps import STATUSES as RFP_STATUSES
from pds.store import ScryptParams, Store
from pds.version import __version__

MIN_PASSPHRASE = 8


class PdsGroup(click.Group):
    """Turns domain errors into a readable line on stderr and a non-zero exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PdsError as error:
            click.echo(f"error: {error.message}", err=True)
            if isinstance(error, ValidationFailed):
                for line in _flatten(error.details):
                    click.echo(f"  {line}", err=True)
            ctx.exit(error.exit_code)
        except OSError as error:  # the disk said no: a full disk, a read-only or foreign dir...
            where = f": {error.filename}" if error.filename else ""
            click.echo(f"error: {error.strerror or error}{where}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


def _flatten(details: Any, prefix: str = "") -> Iterator[str]:
    """``{"line 7": {"quantity": ["Not a number."]}}`` -> ``line 7: quantity: Not a number.``"""
    if isinstance(details, dict):
        for key, value in details.items():
            yield from _flatten(value, f"{prefix}{key}: ")
    elif isinstance(details, list):
        for value in details:
            yield from _flatten(value, prefix)
    else:
        yield f"{prefix}{details}"


def _settings(ctx: click.Context) -> Settings:
    return ctx.ensure_object(dict)["settings"]


def _prompt_secret(label: str, confirm: bool = False) -> str:
    if not sys.stdin.isatty():
        raise ConfigError(f"{label.lower()} needed: no terminal to ask on (see --help)")
    value = getpass.getpass(f"{label}: ")
    if confirm and getpass.getpass(f"{label} (again): ") != value:
        raise ValidationFailed(f"{label.lower()}s do not match")
    return value


def _passphrase(settings: Settings) -> str:
    return settings.resolve_passphrase() or _prompt_secret("Passphrase")


def _check_passphrase(passphrase: str) -> str:
    if len(passphrase) < MIN_PASSPHRASE:
        message = f"must be at least {MIN_PASSPHRASE} characters"
        raise ValidationFailed(f"passphrase {message}", {"passphrase": [message]})
    return passphrase


def _open(settings: Settings, passphrase: str | None = None) -> Store:
    return Store.open(
        settings.home,
        passphrase if passphrase is not None else _passphrase(settings),
        specs=SPECS,
        cache_records=settings.cache_records,
        lock_timeout=settings.lock_timeout,
    )


@contextmanager
def _services(settings: Settings) -> Iterator[Services]:
    store = _open(settings)
    try:
        yield Services(store)
    finally:
        store.close()


@click.group(cls=PdsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pds")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    help="Store directory (default: $PDS_HOME or ~/.pds).",
)
@click.pass_context
def main(ctx: click.Context, home: Path | None) -> None:
    """pds: your personal data store for vendor relationships.

    The store is unlocked with PDS_PASSPHRASE, PDS_PASSPHRASE_FILE or a prompt.
    """
    try:
        settings = settings_from_env()
    except ConfigError as error:
        click.echo(f"error: {error.message}", err=True)
        ctx.exit(error.exit_code)
    if home is not None:
        settings = settings.with_overrides({"home": home})
    ctx.ensure_object(dict)["settings"] = settings


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
    settings = _settings(ctx)
    if scrypt_n & (scrypt_n - 1):
        raise ValidationFailed("--scrypt-n must be a power of two", {"scrypt_n": ["not 2**k"]})
    passphrase = _check_passphrase(
        settings.resolve_passphrase() or _prompt_secret("New passphrase", confirm=True)
    )
    password = check_password(
        os.environ.get("PDS_OWNER_PASSWORD")
        or _prompt_secret("Owner portal password", confirm=True)
    )
    store = Store.create(settings.home, passphrase, specs=SPECS, kdf=ScryptParams.fresh(n=scrypt_n))
    try:
        OwnerCredentials(store).set_password(password)
        Services(store).signing_keys.ensure()
        store.audit.append({"actor": "owner", "action": "store.created"})
    finally:
        store.close()
    click.echo(f"created an encrypted store at {settings.home}")


@main.command()
@click.option("--host", help="Listen address (default: $PDS_HOST or 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: $PDS_PORT or 8000).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Run the server (waitress: one process, several threads)."""
    import logging

    from waitress import serve as waitress_serve

    from pds.app import create_app

    settings = _settings(ctx).with_overrides(
        {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    )
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    store = _open(settings)
    try:
        app = create_app(settings, store=store)
        click.echo(f"pds {__version__} serving {settings.home} on {settings.issuer_url}")
        waitress_serve(app, host=settings.host, port=settings.port, threads=settings.threads)
    finally:
        store.close()


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--verify", is_flag=True, help="Also verify the whole audit chain.")
@click.pass_context
def status(ctx: click.Context, as_json: bool, verify: bool) -> None:
    """Counts per collection, size on disk, key and format facts."""
    settings = _settings(ctx)
    with _services(settings) as services:
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
    settings = _settings(ctx)
    store = _open(settings)
    try:
        new = os.environ.get("PDS_NEW_PASSPHRASE") or _prompt_secret("New passphrase", confirm=True)
        store.change_passphrase(_check_passphrase(new))
        store.audit.append({"actor": "owner", "action": "store.passphrase_changed"})
    finally:
        store.close()
    click.echo("passphrase changed")


@main.command("rotate-key")
@click.pass_context
def rotate_key(ctx: click.Context) -> None:
    """Re-encrypt every file under a new data key (crash-safe, resumable)."""
    store = _open(_settings(ctx))
    try:
        with click.progressbar(length=1, label="re-encrypting", file=sys.stderr) as bar:
            progress: Callable[[int, int], None] = _progress_to(bar)
            generation = store.rotate_key(progress)
        store.audit.append({"actor": "owner", "action": "store.key_rotated", "key": generation})
    finally:
        store.close()
    click.echo(f"data key rotated: now generation {generation}")


def _progress_to(bar: Any) -> Callable[[int, int], None]:
    def update(done: int, total: int) -> None:
        bar.length = total
        bar.update(done - bar.pos)

    return update


@main.command()
@click.option("--seed", type=int, default=2024, show_default=True, help="Random seed.")
@click.option("--years", type=click.IntRange(1, 20), default=2, show_default=True)
@click.pass_context
def demo(ctx: click.Context, seed: int, years: int) -> None:
    """Fill an empty store with realistic synthetic data (vendors, purchases, people...)."""
    from pds.services.demo import fill_demo

    with _services(_settings(ctx)) as services:
        counts = fill_demo(services, seed=seed, years=years, today=dt.date.today())
    click.echo("demo data added: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


@main.group()
def keys() -> None:
    """The OpenID Provider's signing keys, which sign ID tokens."""


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def keys_list(ctx: click.Context, as_json: bool) -> None:
    """Every signing key: kid, algorithm, status, created, published until."""
    with _services(_settings(ctx)) as services:
        rows = services.signing_keys.list()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no signing keys yet (the server makes one when it starts)")
        return
    click.echo(f"{'KID':<44} {'ALG':<6} {'STATUS':<8} {'CREATED':<21} PUBLISHED UNTIL")
    for row in rows:
        until = row["published_until"] or "-"
        click.echo(
            f"{row['kid']:<44} {row['alg']:<6} {row['status']:<8} {row['created_at']:<21} {until}"
        )


@keys.command("rotate")
@click.pass_context
def keys_rotate(ctx: click.Context) -> None:
    """Make a new active signing key; the old one stays published until its tokens expire."""
    with _services(_settings(ctx)) as services:
        signing = services.signing_keys
        previous = {row["kid"] for row in signing.list() if row["status"] == "active"}
        kid = signing.rotate(actor="owner")
        retired = [row for row in signing.list() if row["kid"] in previous]
    click.echo(f"new signing key {kid}")
    for row in retired:
        click.echo(f"previous key {row['kid']} stays published until {row['published_until']}")


@main.group()
def grants() -> None:
    """The access you have given vendors: list grants, revoke one."""


@grants.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include revoked grants.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def grants_list(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """Grants, newest first: id, vendor, scopes, ends, last used, status."""
    with _services(_settings(ctx)) as services:
        names = {c["id"]: c["client_name"] for c in services.clients.list()}
        rows = services.grants.list(status=None if show_all else "active")
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no grants" if show_all else "no active grants: no vendor has access")
        return
    for row in rows:
        ends = (row["expires_at"] or "when revoked")[:10]
        used = (row["last_used_at"] or "never")[:16]
        vendor = names.get(row["client_id"], row["client_id"])
        click.echo(
            f"{row['id']}  {vendor}  [{' '.join(row['scopes'])}]  "
            f"ends {ends}  last used {used}  {row['status']}"
        )


@grants.command("revoke")
@click.argument("grant_id")
@click.pass_context
def grants_revoke(ctx: click.Context, grant_id: str) -> None:
    """Revoke a grant: every token of it is refused from the next request on."""
    with _services(_settings(ctx)) as services:
        grant = services.grants.revoke(grant_id, actor="owner")
    click.echo(f"revoked grant {grant['id']} of client {grant['client_id']}")


@main.group()
def rfp() -> None:
    """Your personal RFPs: list, show, publish, close, award."""


@rfp.command("list")
@click.option("--status", type=click.Choice(RFP_STATUSES), help="Only RFPs in this state.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def rfp_list(ctx: click.Context, status: str | None, as_json: bool) -> None:
    """RFPs, newest first: id, status, category, deadline, title."""
    with _services(_settings(ctx)) as services:
        rows = services.rfps.list(status=status)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo(f"no {status} rfps" if status else "no rfps")
        return
    for row in rows:
        click.echo(
            f"{row['id']}  {row['status']:<9}  {row['category']}  "
            f"deadline {row['deadline']}  {row['title']}"
        )


@rfp.command("show")
@click.argument("rfp_id")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def rfp_show(ctx: click.Context, rfp_id: str, as_json: bool) -> None:
    """One RFP as you see it: every field, its pseudonym and its history."""
    with _services(_settings(ctx)) as services:
        record = services.rfps.get(rfp_id)
    if as_json:
        click.echo(json.dumps(record, indent=2))
        return
    for key, value in record.items():
        shown = value if isinstance(value, str | int) else json.dumps(value)
        click.echo(f"{key}: {shown}")


@rfp.command("publish")
@click.argument("rfp_id")
@click.pass_context
def rfp_publish(ctx: click.Context, rfp_id: str) -> None:
    """Open a draft RFP to vendors under its pseudonym."""
    with _services(_settings(ctx)) as services:
        record = services.rfps.publish(rfp_id)
    click.echo(f"published rfp {record['id']} as {record['pseudonym']}")


@rfp.command("close")
@click.argument("rfp_id")
@click.pass_context
def rfp_close(ctx: click.Context, rfp_id: str) -> None:
    """Close an open RFP without awarding it."""
    with _services(_settings(ctx)) as services:
        record = services.rfps.close(rfp_id)
    click.echo(f"closed rfp {record['id']}")


@rfp.command("award")
@click.argument("rfp_id")
@click.argument("offer_id")
@click.pass_context
def rfp_award(ctx: click.Context, rfp_id: str, offer_id: str) -> None:
    """Award an open RFP to one of its live offers; the others are not selected."""
    with _services(_settings(ctx)) as services:
        record = services.rfps.award(rfp_id, offer_id)
    click.echo(f"awarded rfp {record['id']} to offer {record['awarded_offer_id']}")


@main.group("import")
def import_() -> None:
    """Import data from files."""


@import_.command("purchases")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="HEADER=FIELD",
    help="Read column HEADER as FIELD (repeatable), e.g. --map Shop=vendor.",
)
@click.option("--currency", help="Currency of rows without one (ISO 4217, e.g. EUR).")
@click.pass_context
def import_purchases(
    ctx: click.Context, file: Path, dry_run: bool, mapping: tuple[str, ...], currency: str | None
) -> None:
    """Import purchases from a CSV file: all rows or none.

    Columns: date, vendor, order_ref, description, quantity, unit_price, total,
    currency, category, tags, notes. Rows sharing vendor, date and order_ref
    become one purchase with several line items; unknown vendors are created.
    """
    from pds.services.importers.purchases_csv import import_purchases_csv

    columns: dict[str, str] = {}
    for item in mapping:
        header, sep, name = item.partition("=")
        if not sep or not header.strip() or not name.strip():
            raise ValidationFailed(f"--map {item!r}: use HEADER=FIELD", {"map": [item]})
        columns[header.strip()] = name.strip()
    with _services(_settings(ctx)) as services:
        report = import_purchases_csv(
            services, file, mapping=columns, dry_run=dry_run, default_currency=currency
        )
    click.echo(report.summary())
    if not report.ok:
        ctx.exit(ValidationFailed.exit_code)
