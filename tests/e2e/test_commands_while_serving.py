"""Every ``pds`` command while a real ``pds serve`` holds the store (issue 18 part 1):
the command goes through the control socket, the server runs it over its open store
while it keeps answering HTTP requests, and what the person at the terminal sees is
what they see without a server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from pds.cli.control import protocol
from pds.cli.control.address import SOCKET_NAME, socket_address
from pds.errors import PermissionDenied
from pds.services import SPECS, Services
from pds.services.archive import file_is_encrypted
from pds.store import Store
from tests.conftest import OWNER_PASSWORD, PASSPHRASE
from tests.e2e.processes import PDS, Running, csrf, serve
from tests.e2e.userkit import as_other_user, needs_root, pds_status
from tests.smtpkit import smtp_server

DATA = Path(__file__).resolve().parents[1] / "data"
MISSING = "01900000-0000-7000-8000-000000000000"
CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\n"
    "EMAIL:grace@navy.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Alan Turing\r\nEMAIL:alan@bletchley.example\r\n"
    "END:VCARD\r\n"
)
ME = ("--me", "me@home.example")
#: Commands whose answer must not depend on whether a server runs (state they read is
#: not changed by the other tests of this module): args, standard input.
COMPARED: list[tuple[tuple[str, ...], str | None]] = [
    (("import", "purchases", "purchases_bad_rows.csv"), None),
    (("import", "purchases", "nothing-here.csv"), None),
    (("import", "calendar", "events_broken.ics"), None),
    (("export", "--out", "existing.zip"), None),
    (("rel", "delete", "{prompted}"), "n\n"),
    (("remind", "--email"), None),
    (("grants", "revoke", MISSING), None),
    (("status", "--bogus"), None),
    (("import", "--help"), None),
    (("rel", "show", "{prompted}"), None),
]


@dataclass
class Setup:
    home: Path
    work: Path  # the directory commands are typed in (not the server's)
    env: dict[str, str]
    grants: list[str]
    prompted: str  # a person the prompt tests ask about
    offline: dict[int, tuple[int, str, str]] = field(default_factory=dict)

    def run(self, *args: str, stdin: str | None = None, **extra: str) -> Result:
        done = subprocess.run(
            [*PDS, *args],
            env={**self.env, **extra},
            cwd=self.work,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return Result(done.returncode, done.stdout, done.stderr)


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


class Load:
    """A visitor reading the owner's dashboard in a loop while the commands run."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.served = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._seen = 0
        self._session = requests.Session()
        page = self._session.get(f"{url}/login", timeout=10)
        done = self._session.post(
            page.url, data={"password": OWNER_PASSWORD, "csrf_token": csrf(page.text)}, timeout=10
        )
        assert done.status_code == 200
        self._thread = threading.Thread(target=self._visit, daemon=True)
        self._thread.start()

    def _visit(self) -> None:
        while not self._stop.is_set():
            try:
                answer = self._session.get(f"{self.url}/", timeout=30)
                if answer.status_code == 200 and "purchases" in answer.text:
                    self.served += 1
                else:
                    self.failures.append(f"{answer.status_code}")
            except requests.RequestException as error:
                self.failures.append(str(error))
            self._stop.wait(0.05)

    def assert_serving(self) -> None:
        """Every page since the start was served, and some since the last check."""
        deadline = threading.Event()
        for _ in range(100):
            if self.served > self._seen:
                break
            deadline.wait(0.1)
        assert self.failures == []
        assert self.served > self._seen
        self._seen = self.served

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)


def _prepare(home: Path) -> tuple[list[str], str]:
    """Two vendors' grants, a person due for contact (for `remind --email`), a person
    the prompt tests ask about."""
    store = Store.open(home, PASSPHRASE, specs=SPECS)
    try:
        services = Services(store)
        grants = []
        for name in ("Example Shop", "Other Shop"):
            client, _ = services.clients.register(
                {"client_name": name, "redirect_uris": ["https://shop.example/cb"]}
            )
            grant = services.grants.create(
                client_id=client["id"], scopes=["openid"], terms_version=1, vendor_id=None
            )
            grants.append(grant["id"])
        ada = services.relationships.add({"kind": "person", "name": "Ada Lovelace"})
        last = (date.today() - timedelta(days=20)).isoformat()
        services.interactions.log({"kind": "call", "date": last, "counterpart_id": ada["id"]})
        services.reminders.set_target(ada["id"], 7)
        prompted = services.relationships.add({"kind": "person", "name": "Prompt Person"})
    finally:
        store.close()
    return grants, prompted["id"]


def _args(setup: Setup, args: tuple[str, ...]) -> list[str]:
    return [arg.format(prompted=setup.prompted) for arg in args]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    root = tmp_path_factory.mktemp("serving")
    home, work = root / "store", root / "work"
    work.mkdir()
    for name in ("purchases_good.csv", "purchases_bad_rows.csv", "events.ics"):
        shutil.copy(DATA / name, work / name)
    shutil.copy(DATA / "events_broken.ics", work / "events_broken.ics")
    shutil.copy(DATA / "mail.mbox", work / "mail.mbox")
    (work / "cards.vcf").write_text(CARDS)
    (work / "existing.zip").write_bytes(b"not to be overwritten")
    keep = {k: v for k, v in os.environ.items() if not k.startswith("PDS_")}
    env = {**keep, "PDS_HOME": str(home), "PDS_PASSPHRASE": PASSPHRASE}
    env["PDS_OWNER_PASSWORD"] = OWNER_PASSWORD
    made = Setup(home, work, env, [], "")
    assert made.run("init", "--scrypt-n", "1024").code == 0
    assert made.run("demo", "--years", "1").code == 0
    made.grants, made.prompted = _prepare(home)
    for number, (args, stdin) in enumerate(COMPARED):
        result = made.run(*_args(made, args), stdin=stdin)
        made.offline[number] = (result.code, result.out, result.err)
    return made


@pytest.fixture(scope="module")
def server(setup: Setup) -> Iterator[Running]:
    running = serve(setup.env, setup.home.parent / "pds.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def load(server: Running) -> Iterator[Load]:
    visitor = Load(server.url)
    yield visitor
    visitor.stop()


@pytest.fixture
def served(setup: Setup, server: Running, load: Load) -> Iterator[Setup]:
    """The store, held by the server, which serves pages all the while."""
    assert (setup.home / SOCKET_NAME).is_socket()
    yield setup
    load.assert_serving()


def _counts(setup: Setup) -> dict[str, int]:
    result = setup.run("status", "--json")
    assert result.code == 0, result.err
    counts: dict[str, int] = json.loads(result.out)["counts"]
    return counts


def test_the_socket_is_the_owners_alone(served: Setup) -> None:
    mode = (served.home / SOCKET_NAME).stat().st_mode
    assert mode & 0o777 == 0o600
    assert served.home.stat().st_mode & 0o777 == 0o700


def test_status_without_the_passphrase(served: Setup) -> None:
    without = {k: v for k, v in served.env.items() if k != "PDS_PASSPHRASE"}
    done = subprocess.run(
        [*PDS, "status"], env=without, cwd=served.work, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"store      {served.home} (id ")
    assert "audit log " in done.stdout


def test_same_answers_with_and_without_the_server(served: Setup) -> None:
    for number, (args, stdin) in enumerate(COMPARED):
        result = served.run(*_args(served, args), stdin=stdin)
        assert (result.code, result.out, result.err) == served.offline[number], args
    assert [served.offline[n][0] for n in range(len(COMPARED))] == [2, 2, 2, 2, 1, 3, 4, 2, 0, 0]
    assert (served.work / "existing.zip").read_bytes() == b"not to be overwritten"


def test_every_import_from_the_directory_it_is_typed_in(served: Setup) -> None:
    before = _counts(served)
    imports = [
        ("purchases", "purchases_good.csv"),
        ("contacts", "cards.vcf"),
        ("calendar", *ME, "--until", "2025-03-01", "events.ics"),
        ("mail", *ME, "mail.mbox"),
    ]
    for args in imports:
        result = served.run("import", *args)
        assert result.code == 0, (args, result.out, result.err)
    after = _counts(served)
    assert after["purchases"] > before["purchases"]
    assert after["relationships"] >= before["relationships"] + 2
    assert after["interactions"] > before["interactions"]
    again = served.run("import", "contacts", "cards.vcf")
    assert (again.code, again.err) == (0, "")
    assert "0 created, 0 merged" in again.out


def test_export_writes_where_the_command_is_typed(served: Setup) -> None:
    result = served.run("export", "--out", "live.zip")
    assert result.code == 0, result.err
    assert result.out.startswith("exported ")
    assert " records to live.zip (left out: " in result.out
    assert "exporting" in result.err  # the progress, on the client's stderr
    assert zipfile.is_zipfile(served.work / "live.zip")
    assert not (served.home / "live.zip").exists()


def test_an_encrypted_export_takes_the_clients_passphrase(served: Setup) -> None:
    result = served.run(
        "export",
        "--encrypt",
        "--scrypt-n",
        "1024",
        "--out",
        "sealed.zip.enc",
        PDS_ARCHIVE_PASSPHRASE="archive passphrase 1",
    )
    assert result.code == 0, result.err
    assert file_is_encrypted(served.work / "sealed.zip.enc")
    assert "archive passphrase 1" not in result.out + result.err
    assert "archive passphrase 1" not in (served.home.parent / "pds.log").read_text()


def test_backup_and_verify_while_serving(served: Setup) -> None:
    taken = served.run("backup", "snapshots")
    assert taken.code == 0, taken.err
    assert taken.out.startswith("snapshot ") and "writers waited" in taken.out
    snapshots = [p for p in (served.work / "snapshots").iterdir() if p.is_dir()]
    assert len(snapshots) == 1 and not snapshots[0].name.endswith(".partial")
    checked = served.run("backup", "verify", "snapshots")  # needs no store: run here
    assert checked.code == 0, checked.err
    assert checked.out.startswith("ok: ") and "audit chain of" in checked.out


def test_grants_list_and_revoke(served: Setup) -> None:
    first, second = served.grants
    listed = served.run("grants", "list")
    assert listed.code == 0 and first in listed.out and second in listed.out
    revoked = served.run("grants", "revoke", first)
    assert revoked.code == 0, revoked.err
    assert revoked.out.startswith(f"revoked grant {first}")
    listed = served.run("grants", "list")
    assert first not in listed.out and second in listed.out


def test_remind_email_reaches_a_real_smtp_server(served: Setup) -> None:
    with smtp_server() as inbox:
        result = served.run("remind", "--email", **inbox.settings())
    assert result.code == 0, result.err
    assert result.out.startswith("e-mailed ") and result.out.endswith(" to owner@example.org\n")
    assert inbox.recipients and inbox.recipients[0] == ["owner@example.org"]
    assert "Ada Lovelace" in inbox.messages[0].get_payload(decode=True).decode()


def test_a_confirmation_is_asked_at_the_clients_terminal(served: Setup) -> None:
    other = served.run("rel", "add", "Gone Soon", "--kind", "person")
    assert other.code == 0, other.err
    who = "Gone Soon"
    result = served.run("rel", "delete", who, stdin="y\n")
    assert result.code == 0, result.err
    assert "Delete Gone Soon with 0 interactions? [y/N]" in result.out
    assert result.out.endswith("deleted Gone Soon with 0 interactions\n")
    assert served.run("rel", "show", who).code == 4


def test_progress_reaches_a_terminal_as_it_goes(served: Setup) -> None:
    frames = _run_raw(served, ["export", "--out", "progress.zip"], stderr_tty=True)
    bars = [frame["err"] for frame in frames if "exporting" in frame.get("err", "")]
    assert len(bars) >= 2  # redrawn as it goes, not once at the end
    assert any("100%" in bar for bar in bars)
    assert frames[-1] == {"exit": 0}
    assert zipfile.is_zipfile(served.work / "progress.zip")


@pytest.mark.parametrize("argv", [["serve", "--port", "1"], ["passwd"], ["init"]])
def test_commands_needing_the_store_are_refused_even_sent_by_hand(
    served: Setup, argv: list[str]
) -> None:
    frames = _run_raw(served, argv, stderr_tty=False)
    assert frames[-1] == {"exit": 11}
    assert "".join(frame.get("err", "") for frame in frames) == (
        f"error: `pds {argv[0]}` needs the store at {served.home} to itself and a "
        "server (`pds serve`) is running on it: stop the server first\n"
    )
    assert not any("out" in frame for frame in frames)


def test_key_rotation_runs_in_the_server(served: Setup) -> None:
    before = json.loads(served.run("status", "--json").out)["key_generation"]
    result = served.run("rotate-key")
    assert result.code == 0, result.err
    assert result.out == f"data key rotated: now generation {before + 1}\n"
    assert "re-encrypting" in result.err
    assert _counts(served)["purchases"] > 0  # the store reads under the new key


def _run_raw(setup: Setup, argv: list[str], *, stderr_tty: bool) -> list[dict[str, Any]]:
    """``pds ARGV`` through the control socket by hand: every frame the server sent."""
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        with socket_address(setup.home) as address:
            sock.connect(address)
        request = {
            "argv": argv,
            "cwd": str(setup.work),
            "env": {"PDS_HOME": str(setup.home)},
            "tty": {"stdin": False, "stdout": False, "stderr": stderr_tty},
            "columns": 80,
        }
        protocol.send(sock, {"run": request})
        frames = []
        while (frame := protocol.receive(sock)) is not None:
            frames.append(frame)
    return frames


def test_a_second_import_while_one_runs_is_refused(served: Setup) -> None:
    sealed = served.work / "held.zip.enc"
    made = served.run(
        "export", "--encrypt", "--scrypt-n", "1024", "--out", sealed.name,
        PDS_ARCHIVE_PASSPHRASE="archive passphrase 1",
    )  # fmt: skip
    assert made.code == 0, made.err
    with _held_at_the_passphrase(served, ["import", "--merge", sealed.name]):
        second = served.run("import", "contacts", "cards.vcf")
        assert second.code == 18
        assert second.err == (
            "error: a `pds import` is already running on this store: wait for it to end\n"
        )
    after = served.run("import", "contacts", "cards.vcf")  # the first ended: free again
    assert after.code == 0, after.err
    assert "0 created, 0 merged" in after.out


class _held_at_the_passphrase:
    """A client of the control socket that starts ``argv`` with a terminal on stdin and
    answers the passphrase question only when the block ends; the command then runs to
    its end."""

    def __init__(self, setup: Setup, argv: list[str]) -> None:
        self._setup = setup
        self._argv = argv
        self._socket: Any = None

    def __enter__(self) -> None:
        import socket

        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with socket_address(self._setup.home) as address:
            self._socket.connect(address)
        request = {
            "argv": self._argv,
            "cwd": str(self._setup.work),
            "env": {"PDS_HOME": str(self._setup.home)},
            "tty": {"stdin": True, "stdout": False, "stderr": False},
            "columns": 80,
        }
        protocol.send(self._socket, {"run": request})
        question = protocol.receive(self._socket)
        assert question == {"ask": "secret", "label": "Archive passphrase: "}

    def __exit__(self, *exc: object) -> None:
        with self._socket:
            protocol.send(self._socket, {"answer": "archive passphrase 1"})
            while (frame := protocol.receive(self._socket)) is not None and "exit" not in frame:
                assert "ask" not in frame
        assert frame == {"exit": 0}


@needs_root
def test_another_user_cannot_reach_the_socket(served: Setup) -> None:
    answer = as_other_user(lambda: pds_status(served.home))
    assert answer == {
        "code": PermissionDenied.exit_code,
        "err": f"error: refused: the store at {served.home} and its server belong to "
        "another user\n",
    }
