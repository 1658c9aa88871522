"""A child process for the crash and lock tests (run as a script, never imported by pytest).

    python store_child.py MODE CONFIG_JSON

CONFIG_JSON carries ``home``, ``passphrase``, ``specs`` and mode-specific keys.
Modes:

- ``writer``: open the store, print ``ready``, then write forever: single inserts
  and multi-record transactions spread over several months (multi-shard commits go
  through the journal). Each id is printed (flushed) only after its write returned.
- ``rotate``: open the store, print ``ready``, run ``rotate_key`` printing
  ``progress N`` after each file, then print ``done``.
- ``open``: try to open the store (``lock_timeout`` from the config) and print one
  JSON line: ``{"opened": true}`` or ``{"error": code, "details": ...}``.
- ``exit_after_journal``: open, then commit a multi-shard transaction but die
  (``os._exit``) right after the journal is durable and ``renames`` files have been
  moved into place: a crash in the middle of a journaled commit.
- ``bulk_writer``: like ``writer``, with large insert-only transactions (pending
  batches, given small ``batch_records`` / ``checkpoint_records`` options, so that
  checkpoints run often), deletes (``del <id>``) and replacements that move records
  between months (``upd <id> <version>``), each printed once it returned; ``touch
  <txn> <id> del|upd`` is printed before record ``id`` (of transaction ``txn``) is
  deleted or replaced.
- ``snapshot``: open, print ``ready``, take a snapshot into ``target`` printing
  ``progress N TOTAL`` after each file copied, and sleep (to be killed) after file
  ``pause_after``.
- ``exit_in_checkpoint``: open, commit ``batches`` of records (pending batch files),
  then checkpoint but die: after the scratch files are durable (``renames`` = -1) or
  after the journal and ``renames`` renames.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from pds.errors import PdsError
from pds.store import CollectionSpec, Store


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def open_from(config: dict[str, Any]) -> Store:
    specs = [
        CollectionSpec(s["name"], s["order_by"], s["shard_by"], tuple(s["indexes"]))
        for s in config["specs"]
    ]
    return Store.open(
        Path(config["home"]),
        config["passphrase"],
        specs=specs,
        **config.get("options", {}),
    )


def make_record(
    n: int, rng: random.Random, txn: str | None = None, size: int = 1
) -> dict[str, Any]:
    payload = "".join(
        rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(rng.randint(10, 200))
    )
    return {
        "date": f"20{rng.randint(20, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "vendor_id": f"v{rng.randint(1, 20)}",
        "tags": rng.sample(["food", "travel", "home", "gift", "tech"], rng.randint(0, 3)),
        "n": n,
        "payload": payload,
        "digest": hashlib.sha256(payload.encode()).hexdigest(),
        "txn": txn,
        "txn_size": size,
    }


def writer(config: dict[str, Any]) -> None:
    store = open_from(config)
    purchases = store.collection("purchases")
    rng = random.Random(config.get("seed"))
    say("ready")
    n = 0
    while True:
        n += 1
        if n % 3:
            record = purchases.insert(make_record(n, rng))
            say(record["id"])
        else:
            size = rng.randint(2, 6)
            txn = f"t{config.get('seed')}-{n}"
            with store.transaction():
                ids = [purchases.insert(make_record(n, rng, txn, size))["id"] for _ in range(size)]
            for rid in ids:
                say(rid)


def bulk_writer(config: dict[str, Any]) -> None:
    store = open_from(config)
    purchases = store.collection("purchases")
    rng = random.Random(config.get("seed"))
    say("ready")
    live: list[tuple[str, str]] = []
    n = 0
    while True:
        n += 1
        step = n % 4
        if step in (0, 1):
            size = rng.randint(10, 40)
            txn = f"b{config.get('seed')}-{n}"
            ids = purchases.insert_many(make_record(n, rng, txn, size) for _ in range(size))
            live += [(rid, txn) for rid in ids]
            for rid in ids:
                say(rid)
        elif step == 2 and live:
            rid, txn = live.pop(rng.randrange(len(live)))
            say(f"touch {txn} {rid} del")  # before: once begun, it may have happened
            purchases.delete(rid)
            say(f"del {rid}")
        elif live:
            rid, txn = rng.choice(live)
            moved = make_record(n, rng)  # another date: often another month and shard
            version = purchases.get(rid).get("version", 0) + 1
            say(f"touch {txn} {rid} upd")
            purchases.replace(rid, {**moved, "version": version})
            say(f"upd {rid} {version}")


def exit_in_checkpoint(config: dict[str, Any]) -> None:
    from pds.store import journal as journal_module

    store = open_from(config)
    purchases = store.collection("purchases")
    for batch in config["batches"]:
        purchases.insert_many(batch)
    say(f"pending {store.stats().pending_batches}")
    renames = int(config["renames"])
    if renames < 0:
        real_write = journal_module.write_all_durably

        def write_then_die(files: Any) -> None:
            real_write(files)
            os._exit(17)

        journal_module.write_all_durably = write_then_die  # type: ignore[attr-defined]
    else:
        budget = {"renames": renames}
        real_replace = os.replace

        def replace(src: Any, dst: Any) -> None:
            if Path(src).name.count(".") == 3 and Path(dst).parent.name == "data":
                if budget["renames"] == 0:  # the journal is durable: the commit is decided
                    os._exit(17)
                budget["renames"] -= 1
            real_replace(src, dst)

        journal_module.os.replace = replace  # type: ignore[attr-defined]
    store.checkpoint()
    say("checkpointed")  # never reached


def rotate(config: dict[str, Any]) -> None:
    store = open_from(config)
    say("ready")
    store.rotate_key(progress=lambda done, total: say(f"progress {done} {total}"))
    say("done")
    store.close()


def try_open(config: dict[str, Any]) -> None:
    try:
        store = open_from(config)
    except PdsError as exc:
        say(json.dumps({"error": exc.code, "message": exc.message, "details": exc.details}))
        return
    say(json.dumps({"opened": True}))
    store.close()


def exit_after_journal(config: dict[str, Any]) -> None:
    from pds.store import journal as journal_module

    store = open_from(config)
    purchases = store.collection("purchases")
    budget = {"renames": int(config["renames"])}
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        # a journaled commit renames tagged scratch files, <id>.pds.<tag>.tmp, into data/
        if Path(src).name.count(".") == 3 and Path(dst).parent.name == "data":
            if budget["renames"] == 0:
                os._exit(17)
            budget["renames"] -= 1
        real_replace(src, dst)

    journal_module.os.replace = replace  # type: ignore[attr-defined]
    with store.transaction():
        for record in config["records"]:
            purchases.insert(record)
        for record_id in config.get("delete", []):
            purchases.delete(record_id)
    say("committed")  # never reached when the crash point is inside the commit


def snapshot(config: dict[str, Any]) -> None:
    store = open_from(config)
    say("ready")

    def progress(done: int, total: int) -> None:
        say(f"progress {done} {total}")
        if done == config["pause_after"]:
            time.sleep(3600)  # the parent kills us here, in the middle of the copy

    store.snapshot(Path(config["target"]), progress)
    say("done")


def main() -> None:
    mode, raw = sys.argv[1], sys.argv[2]
    config = json.loads(raw)
    {
        "writer": writer,
        "rotate": rotate,
        "open": try_open,
        "exit_after_journal": exit_after_journal,
        "bulk_writer": bulk_writer,
        "exit_in_checkpoint": exit_in_checkpoint,
        "snapshot": snapshot,
    }[mode](config)


if __name__ == "__main__":
    main()
