"""Generate the reference pages that can be generated: the CLI from ``--help`` (its
exit codes from ``pds.errors``), the settings from ``Settings``, the scopes and default
terms from ``policies/``, the vendor API from its OpenAPI document.
Run ``make docs``; ``tests/docs`` fails when the committed pages are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pds.api import api_routes
from pds.api.openapi import build_spec
from pds.cli import main as cli_main
from pds.config import settings_table
from pds.errors import exit_codes
from policies.scopes import CATALOGUE
from policies.terms import PURPOSES, default_terms, summary

DOCS = Path(__file__).resolve().parent


def _contexts(parent: click.Context) -> list[tuple[str, click.Context]]:
    """Every command below ``parent``, each in a context chained to its parent's (so that
    inherited settings such as ``-h`` are shown as the real command line has them)."""
    found: list[tuple[str, click.Context]] = []
    group = parent.command
    assert isinstance(group, click.Group)
    for name in sorted(group.commands):
        ctx = click.Context(group.commands[name], info_name=name, parent=parent)
        found.append((ctx.command_path, ctx))
        if isinstance(ctx.command, click.Group):
            found.extend(_contexts(ctx))
    return found


def cli_reference() -> str:
    settings = {**cli_main.context_settings, "terminal_width": 80, "max_content_width": 80}
    root = click.Context(cli_main, info_name="pds", **settings)
    parts = [
        "# Command line reference\n",
        "Generated from `pds --help` by `make docs`; do not edit by hand.\n",
        exit_code_line(),
        WHILE_SERVING,
        "## pds\n",
        f"```\n{cli_main.get_help(root)}\n```\n",
    ]
    for path, ctx in _contexts(root):
        parts.append(f"## {path}\n")
        parts.append(f"```\n{ctx.command.get_help(ctx)}\n```\n")
    return "\n".join(parts)


WHILE_SERVING = """\
## While the server runs

While `pds serve` runs, every other command works on the same store: the command finds
the server's control socket (`control.sock` in the store directory), hands the server
its arguments, and the server runs the same command over the store it holds open,
without asking for the passphrase again. Output, progress bars, exit codes and errors
are the same as without a server; questions (`pds rel delete` without `--yes`, an
archive passphrase) are asked at your terminal, secrets without echo. Files you name
(`pds import contacts cards.vcf`, `pds export --out a.zip`) are relative to the
directory you type the command in, and the command's `PDS_*` variables (for example
`PDS_ARCHIVE_PASSPHRASE`, `PDS_SMTP_*`) are yours, not the server's (all but
`PDS_PASSPHRASE`, which is not sent: the server does not need it). Only the OS user
the server runs as gets in (see [security](security.md#the-control-socket)). When no
server runs, a command opens the store itself, as it always did.

Per command:

- `init`, `serve` and `passwd` need the store to themselves: while a server runs they
  stop with exit code 11 and say so (stop the server first; a passphrase change
  proves the old passphrase by unlocking the store).
- `import ...` (every kind), `export` and `rotate-key` are long: they show their
  progress as they go, and a second one of the same kind while one runs is refused
  with exit code 18 (`already running`). `rotate-key` is the portal's rotation: one at
  a time, whichever starts it.
- Every other command (`status`, `grants`, `remind --email` from cron, `rel`, `log`,
  `rfp`, `demo`, ...) just works.
- If you interrupt the client (Ctrl-C), a command the server has started runs to its
  end (an import stays all or nothing); its output is dropped.
"""


def exit_code_line() -> str:
    """What each exit code means, from the error classes of ``pds.errors``."""
    codes = ", ".join(f"{code} {meaning}" for code, meaning in exit_codes().items())
    return f"Every command prints one clear line on error and exits non-zero: {codes}.\n"


def configuration_reference() -> str:
    lines = [
        "# Configuration\n",
        "Generated from `pds.config.Settings` by `make docs`; do not edit by hand.\n",
        "Settings come from their defaults, then from these environment variables, then "
        "(for tests) from overrides passed to `create_app`. Values are checked strictly; a bad "
        "value stops pds with a message naming the variable.\n",
        "| variable | default | meaning |",
        "|---|---|---|",
    ]
    for variable, default, help_text in settings_table():
        lines.append(f"| `{variable}` | `{default}` | {help_text} |")
    lines.append("")
    lines.append(
        "Commands also read `PDS_OWNER_PASSWORD` (`pds init`: the portal password), "
        "`PDS_NEW_PASSPHRASE` (`pds passwd`) and `PDS_ARCHIVE_PASSPHRASE` (`pds export "
        "--encrypt`, `pds import` of an encrypted archive), so they can run without a "
        "terminal.\n"
    )
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def scopes_reference() -> str:
    lines = [
        "# Scopes and personal terms\n",
        "Generated from `policies/data/scopes.json` and `policies/data/terms.json` by "
        "`make docs`; do not edit by hand. The consent screen shows the same words. "
        "[security.md](security.md#scopes-and-personal-terms) explains how grants are "
        "evaluated.\n",
        "## Scopes\n",
        "| scope | what the vendor can do | data exposed | sensitivity | claims |",
        "|---|---|---|---|---|",
    ]
    for scope in CATALOGUE.values():
        claims = ", ".join(f"`{claim}`" for claim in scope.claims) or "none"
        data = "; ".join(scope.data)
        lines.append(
            f"| `{scope.name}` | **{_cell(scope.title)}.** {_cell(scope.description)} "
            f"| {_cell(data)} | {scope.sensitivity} | {claims} |"
        )
    lines += [
        "",
        "## Purposes personal terms may allow\n",
        "| purpose | meaning |",
        "|---|---|",
        *(f"| `{name}` | {_cell(words)} |" for name, words in PURPOSES.items()),
        "",
        "## The default terms (version 1)\n",
        "Every store starts with these terms until the owner publishes their own at "
        "`/settings/terms`. Addressed to the vendor:\n",
        *(f"- {line}" for line in summary(default_terms())),
        "",
    ]
    return "\n".join(lines)


EXAMPLE_ISSUER = "https://pds.example.org"


def _schema_rows(name: str, schema: dict) -> list[str]:
    required = set(schema.get("required", []))
    rows = [f"### {name}\n", "| field | type | required | notes |", "|---|---|---|---|"]
    for field, spec in schema.get("properties", {}).items():
        kind = spec.get("type") or ("object" if "$ref" in spec else "any")
        if kind == "array":
            item = spec.get("items", {})
            kind = "array of " + (
                item.get("$ref", "").rsplit("/", 1)[-1] or item.get("type", "any")
            )
        elif "$ref" in spec:
            kind = spec["$ref"].rsplit("/", 1)[-1]
        notes = ", ".join(
            f"{key} {spec[key]}"
            for key in ("format", "enum", "maxLength", "maximum")
            if key in spec
        )
        rows.append(f"| `{field}` | {kind} | {'yes' if field in required else ''} | {notes} |")
    rows.append("")
    return rows


def api_reference() -> str:
    routes = api_routes()
    with routes.app_context():
        spec = build_spec(routes, EXAMPLE_ISSUER)
    lines = [
        "# Vendor API reference\n",
        "Generated from the OpenAPI 3.1 document (`GET /openapi.json` on every store) by "
        "`make docs`; do not edit by hand. The document itself is made from the API's "
        "routes and each endpoint's declaration: its scope, and the same marshmallow "
        "schemas that validate its requests and shape its responses.\n",
        f"Base URL: `{{issuer}}/api/v1` (here `{EXAMPLE_ISSUER}/api/v1`). Every call needs "
        "`Authorization: Bearer <access token>` from the OAuth flow (authorization code + "
        "PKCE S256; see [security](security.md#authorization-server) and "
        "[vendors](vendors.md)); the `rfp:respond` calls take a client-credentials token "
        "instead ([vendors](vendors.md#answering-rfps)). Errors are RFC 9457 "
        "`application/problem+json`; GET "
        "responses carry an `ETag` (send `If-None-Match` for a 304); each vendor is rate "
        "limited (429 with `Retry-After`).\n",
        "## Endpoints\n",
        "| method | path | scope | what |",
        "|---|---|---|---|",
    ]
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method == "parameters":
                continue
            scopes = " ".join(s for req in op.get("security", []) for s in req.get("oauth2", []))
            lines.append(f"| {method.upper()} | `{path}` | {scopes or 'any'} | {op['summary']} |")
    lines += ["", "## Responses and errors\n"]
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method == "parameters":
                continue
            codes = ", ".join(op["responses"])
            lines.append(f"- `{method.upper()} {path}`: {codes}")
    lines += ["", "## Schemas\n"]
    for name, schema in spec["components"]["schemas"].items():
        lines += _schema_rows(name, schema)
    return "\n".join(lines)


PAGES = {
    "api.md": api_reference,
    "cli.md": cli_reference,
    "configuration.md": configuration_reference,
    "scopes.md": scopes_reference,
}


def main() -> int:
    for name, render in PAGES.items():
        (DOCS / name).write_text(render(), encoding="utf-8")
        print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
