"""Hostile servers through the command line: a gzip bomb, a PDF posing as HTML, redirect
loops and redirects to file://, pages and feeds full of escapes and markup, a feed with an
entity-expansion bomb and an external entity. Each fetch works with its text neutralised
or fails with one line naming the URL; memory stays bounded; the store is unchanged by a
failure."""

from __future__ import annotations

import resource
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.hostile.conftest import (
    MEASURED_CLI,
    assert_no_controls,
    assert_one_error_line,
    run_cli,
    seed_store,
    store_fingerprint,
    store_text,
)
from tests.hostile.corpus import ESCAPES, MARKUP
from tests.localserver import LocalServer, Route, redirect, send



@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, dict[str, Route]]]:
    with LocalServer() as local:
        yield local.base, local.routes


def _send(body: bytes, content_type: str, headers: dict[str, str] | None = None) -> Route:
    return send(body, content_type, **(headers or {}))


def _redirect(location: str) -> Route:
    return redirect(location)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """1 GB of zeros gzipped to about 1 MB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    parts = [compressor.compress(zeros) for _ in range(1024)]
    parts.append(compressor.flush())
    return b"".join(parts)


def _hostile_page() -> bytes:
    paragraphs = "".join(
        f"<p>Officials counted {i * 13 + 7} {thing} in {1991 + i}, according to {sample} records.</p>"
        for i, (thing, sample) in enumerate(zip(
            ["ferries", "schools", "clinics", "bridges", "wells", "farms", "mines", "ports",
             "roads", "dams", "parks", "mills", "docks", "towers", "depots", "quarries", "canals"],
            MARKUP + ESCAPES))
    )
    return (
        "<html><head><title>Escapes \x1b]0;PWNED\x07 [bold]page[/]</title>"
        "<script>alert(1)</script><style>p{}</style></head><body><article>"
        f"<h1>Harbour \x1b[2J report</h1>{paragraphs}</article></body></html>"
    ).encode("utf-8")


_ENTITY_BOMB_FEED = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY a "lollollollollollollollollollol">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
<!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
<!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<rss version="2.0"><channel><title>Bomb &i;</title><link>BASE/</link>
<item><title>Entry &xxe; one</title><link>BASE/gone-1</link>
<description>The council said 45 homes were built in 2022. &i; &xxe;</description></item>
<item><title>Escapes \x1b]52;c;SGVsbG8=\x07 [@click=app.quit]x[/]</title><link>BASE/gone-2</link>
<description>Officials said 12 roads \x1b[31mclosed\x1b[0m in 2021 \xc2\x9b31m.</description></item>
</channel></rss>"""


def entity_bomb_feed(base: str) -> bytes:
    """The feed, its links pointing at the local server (where they are missing), so the
    summaries are used and nothing is fetched from the internet."""
    return _ENTITY_BOMB_FEED.replace(b"BASE", base.encode())


# -- articles --------------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_page_with_escapes_and_markup_is_stored_neutralised(server, tmp_path: Path, capsys) -> None:
    base, routes = server
    routes["/escapes"] = _send(_hostile_page(), "text/html; charset=utf-8")
    db = seed_store(tmp_path / "store.db")
    code, out, err = run_cli(capsys, "ingest", f"{base}/escapes", "--db", str(db))
    assert code == 0, err
    assert_no_controls(out)
    stored = store_text(db)
    assert_no_controls(stored, "the store")
    assert "alert(1)" not in stored  # the script is not article text
    assert "[@click=app.quit]Read more[/]" in stored  # markup is kept as literal text


@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", ["/pdf", "/loop-a", "/to-file", "/to-ftp", "/missing", "/empty"])
def test_bad_answers_are_one_line_naming_the_url(server, path: str, tmp_path: Path, capsys) -> None:
    base, routes = server
    routes["/pdf"] = _send(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\0" * 5000, "text/html")
    routes["/loop-a"] = _redirect(f"{base}/loop-b")
    routes["/loop-b"] = _redirect(f"{base}/loop-a")
    routes["/to-file"] = _redirect("file:///etc/passwd")
    routes["/to-ftp"] = _redirect("ftp://example.org/x")
    routes["/empty"] = _send(b"", "text/html")
    db = seed_store(tmp_path / "store.db")
    before = store_fingerprint(db)
    url = f"{base}{path}"
    for command in (["ingest", url], ["import", url], ["claims", url]):
        code, _, err = run_cli(capsys, *command, "--db", str(db))
        assert code == 1, (command, err)
        assert_one_error_line(err, url)
        assert "root:" not in err
    assert store_fingerprint(db) == before


# The child reports its own peak resident memory as it exits.


def _run_measured(*argv: str) -> tuple[int, str, int]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    result = subprocess.run([sys.executable, "-c", MEASURED_CLI, *argv], cwd=PROJECT_ROOT,
                            preexec_fn=limit, capture_output=True, text=True, timeout=90)
    lines = result.stderr.splitlines()
    peak = int(lines.pop().split("=")[1]) * 1024 if lines and lines[-1].startswith("PEAK_RSS_KB=") else 0
    return result.returncode, "\n".join(lines), peak


# Slow (building the bomb and two capped processes, about 10 s), so it runs with `make test-slow`.
@pytest.mark.slow
@pytest.mark.timeout(120)
def test_gzip_bomb_is_refused_within_bounded_memory(server, gzip_bomb: bytes, tmp_path: Path) -> None:
    base, routes = server
    routes["/bomb.html"] = _send(gzip_bomb, "text/html", {"Content-Encoding": "gzip"})
    routes["/bomb.json"] = _send(gzip_bomb, "application/json", {"Content-Encoding": "gzip"})
    db = seed_store(tmp_path / "store.db")
    before = store_fingerprint(db)
    for command, url in (("ingest", f"{base}/bomb.html"), ("import", f"{base}/bomb.json")):
        code, err, peak = _run_measured(command, url, "--db", str(db))
        assert code == 1, err
        assert_one_error_line(err, url)
        assert peak < 200 * 1024 * 1024, f"{command}: peak memory {peak / 2**20:.0f} MB"
    assert store_fingerprint(db) == before


# -- feeds ---------------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_feed_with_entity_bomb_external_entity_and_escapes(server, tmp_path: Path, capsys) -> None:
    base, routes = server
    routes["/bomb.rss"] = _send(entity_bomb_feed(base), "application/rss+xml")
    db = seed_store(tmp_path / "store.db")
    url = f"{base}/bomb.rss"
    code, _, err = run_cli(capsys, "feed", "add", url, "--db", str(db))
    assert code == 0, err
    code, out, err = run_cli(capsys, "feed", "fetch", "--no-match", "--db", str(db))
    assert "Traceback" not in err
    assert_no_controls(out + err)
    for line in err.strip().splitlines():  # warnings, one line each, naming the feed or entry
        assert line.startswith("claimdesk: ") and base in line, line
    stored = store_text(db)
    assert_no_controls(stored, "the store")
    assert "root:" not in stored  # /etc/passwd was never read
    assert "lollollol" not in stored  # no entity was expanded
    code, out, err = run_cli(capsys, "feed", "list", "--db", str(db))
    assert code == 0 and "Traceback" not in err
    assert_no_controls(out)
