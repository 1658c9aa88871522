"""The files under deploy/ are checked by their own tools: ``systemd-analyze verify`` for
the unit, ``caddy validate`` for the Caddyfiles (Debian packages ``systemd`` and
``caddy``; skipped, saying so, where they are missing). The Dockerfile and compose file
are read for what they must hold (no Docker needed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pds.config import settings_table

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SETTINGS = {variable for variable, _, _ in settings_table()}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (apt-get install {_PACKAGES[name]})")
    return found


_PACKAGES = {"systemd-analyze": "systemd", "caddy": "caddy"}


def _directives(unit: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in unit.splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_verifies(tmp_path: Path) -> None:
    analyze = _tool("systemd-analyze")
    unit = (DEPLOY / "pds.service").read_text()
    # The unit runs /opt/pds/venv/bin/pds; verify checks that it exists: use this one.
    pds = Path(sys.executable).with_name("pds")
    local = tmp_path / "pds.service"
    local.write_text(unit.replace("/opt/pds/venv/bin/pds", str(pds)))
    result = subprocess.run(
        [analyze, "verify", str(local)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    problems = [line for line in result.stderr.splitlines() if "pds.service" in line]
    assert result.returncode == 0 and not problems, result.stderr


def test_the_unit_is_hardened_and_reads_the_passphrase_from_a_credential() -> None:
    unit = _directives((DEPLOY / "pds.service").read_text())
    for key, value in {
        "User": "pds",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
        "LoadCredential": "passphrase:/etc/pds/passphrase",
    }.items():
        assert unit[key] == [value], key
    assert "/var/lib/pds" in unit["ReadWritePaths"][0]
    env = dict(item.split("=", 1) for item in unit["Environment"])
    assert env["PDS_PASSPHRASE_FILE"] == "%d/passphrase"  # $CREDENTIALS_DIRECTORY
    assert set(env) <= SETTINGS  # every variable is a setting pds knows


@pytest.mark.parametrize("name", ["Caddyfile", "Caddyfile.compose"])
def test_the_caddyfile_validates(name: str) -> None:
    caddy = _tool("caddy")
    result = subprocess.run(
        [caddy, "validate", "--config", str(DEPLOY / name), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = (DEPLOY / name).read_text()
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"header_up {header}" in text


def test_caddy_logs_no_secret_query_parameters() -> None:
    text = (DEPLOY / "Caddyfile").read_text()
    for parameter in ("key", "code", "token", "access_token", "refresh_token"):
        assert re.search(rf"replace {parameter} REDACTED", text), parameter


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", dockerfile)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_the_image_runs_as_a_user_keeps_the_store_on_a_volume_and_checks_health() -> None:
    steps = _instructions((DEPLOY / "Dockerfile").read_text())
    assert steps[0] == ("FROM", "python:3.11-slim")
    users = [rest for word, rest in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    volumes = " ".join(rest for word, rest in steps if word == "VOLUME")
    env = " ".join(rest for word, rest in steps if word == "ENV")
    home = re.search(r"PDS_HOME=(\S+)", env)
    assert home and any(home.group(1).startswith(v) for v in re.findall(r'"(/[^"]+)"', volumes))
    (check,) = [rest for word, rest in steps if word == "HEALTHCHECK"]
    assert "/healthz" in check
    assert steps[-1][0] == "CMD" and "serve" in steps[-1][1]


def test_the_compose_file_passes_the_passphrase_as_a_secret() -> None:
    compose = (DEPLOY / "compose.yaml").read_text()  # no YAML parser among the dependencies
    assert "PDS_PASSPHRASE_FILE: /run/secrets/pds_passphrase" in compose
    assert re.search(r"secrets:\n\s+- pds_passphrase", compose)
    assert set(re.findall(r"\b(PDS_[A-Z_]+):", compose)) <= SETTINGS
    assert "pds-data:/data" in compose
