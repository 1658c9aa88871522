"""Files named on the command line are the client's: relative to its directory,
printed as typed; and every file argument of every command is read that way."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from pds.cli import main
from pds.cli.control.session import Remote, running
from pds.cli.paths import ClientPath, here, shown


def test_a_relative_path_is_the_clients(remote: Remote) -> None:
    (remote.cwd / "cards.vcf").write_text("x")
    kind = ClientPath(exists=True, dir_okay=False, path_type=Path)
    with running(remote):
        path = kind.convert("cards.vcf", None, None)
        assert path == remote.cwd / "cards.vcf"
        assert shown(path) == "cards.vcf"
        assert here("out.zip") == remote.cwd / "out.zip"
        assert shown(remote.cwd / "out.zip") == "out.zip"
        with pytest.raises(click.BadParameter, match=r"'missing\.vcf' does not exist"):
            kind.convert("missing.vcf", None, None)


def test_without_a_server_a_path_is_left_as_typed() -> None:
    kind = ClientPath(dir_okay=False, path_type=Path)
    assert kind.convert("out.zip", None, None) == Path("out.zip")
    assert here("out.zip") == Path("out.zip") and shown("out.zip") == "out.zip"


def _file_parameters(command: click.Command, path: str) -> list[tuple[str, click.ParamType]]:
    found = [(f"{path} {p.name}", p.type) for p in command.params if isinstance(p.type, click.Path)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found.extend(_file_parameters(sub, f"{path} {name}"))
    return found


def test_every_file_argument_is_a_client_path() -> None:
    found = _file_parameters(main, "pds")
    assert len(found) >= 7
    others = [where for where, kind in found if not isinstance(kind, ClientPath)]
    assert others == ["pds home"]  # the store: found by the client before anything runs
