"""`claimdesk feed add/list/remove/fetch` against a local HTTP server."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from tests.unit.test_fetch_localserver import LocalServer, send
from tui.cli import main

FEEDS = FIXTURES / "feeds"


@pytest.fixture
def server():
    with LocalServer() as local:
        local.routes.update({
            "/atom": send((FEEDS / "atom.xml").read_bytes(), "application/atom+xml"),
            # A feed when it is followed, broken later (see below).
            "/broken": send((FEEDS / "rss.xml").read_bytes(), "application/rss+xml"),
            "/page": send((FEEDS / "article.html").read_bytes(), "text/html; charset=utf-8"),
        })
        yield local


def test_feed_commands_end_to_end(tmp_path, server, capsys) -> None:
    db = str(tmp_path / "cli.db")
    assert main(["feed", "add", server.url("/atom"), "--db", db]) == 0
    assert "following " + server.url("/atom") in capsys.readouterr().out
    assert main(["feed", "add", server.url("/atom"), "--db", db]) == 0
    assert "already following" in capsys.readouterr().out

    assert main(["feed", "fetch", "--all", "--json", "--db", db]) == 0
    [line] = capsys.readouterr().out.splitlines()
    result = json.loads(line)
    assert result["title"] == "Valley Water Watch" and len(result["new_articles"]) == 2

    assert main(["feed", "list", "--json", "--db", db]) == 0
    [listed] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert listed["new_articles"] == 2 and listed["articles"] == 2 and listed["last_error"] == ""

    assert main(["feed", "add", server.url("/broken"), "--db", db]) == 0
    capsys.readouterr()
    server.routes["/broken"] = send(b"", "text/plain", status=503)
    assert main(["feed", "fetch", "--db", db]) == 1
    captured = capsys.readouterr()
    assert f"claimdesk: {server.url('/broken')} answered with HTTP status 503" in captured.err
    assert f"{server.url('/atom')}: 0 new articles" in captured.out

    assert main(["feed", "remove", server.url("/broken"), "--db", db]) == 0
    assert capsys.readouterr().out.startswith("no longer following")
    assert main(["feed", "list", "--db", db]) == 0
    assert server.url("/broken") not in capsys.readouterr().out


def test_feed_add_refuses_a_local_path(tmp_path, capsys) -> None:
    assert main(["feed", "add", "/etc/hostname", "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "claimdesk: /etc/hostname is not an http(s) URL, so it cannot be followed as a feed."


def test_feed_remove_of_an_unknown_feed_fails(tmp_path, capsys) -> None:
    assert main(["feed", "remove", "https://nowhere.example/feed", "--db", str(tmp_path / "x.db")]) == 1
    assert "No feed https://nowhere.example/feed is followed" in capsys.readouterr().err


def test_feed_add_refuses_a_web_page_when_it_is_added(tmp_path, server, capsys) -> None:
    db = tmp_path / "cli.db"
    assert main(["feed", "add", server.url("/page"), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert server.url("/page") in lines[0] and "web page, not an RSS or Atom feed" in lines[0]
    assert main(["feed", "list", "--json", "--db", str(db)]) == 0
    assert capsys.readouterr().out == ""


def test_feed_add_refuses_an_address_that_does_not_answer_with_a_feed(tmp_path, server, capsys) -> None:
    assert main(["feed", "add", server.url("/missing"), "--db", str(tmp_path / "cli.db")]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "404" in err


def test_one_new_article_is_counted_in_the_singular(tmp_path, server, capsys) -> None:
    db = str(tmp_path / "one.db")
    one_item = (FEEDS / "rss.xml").read_text(encoding="utf-8")
    start, end = one_item.index("<item>"), one_item.rindex("</item>") + len("</item>")
    first_item = one_item[start : one_item.index("</item>") + len("</item>")]
    server.routes["/one"] = send((one_item[:start] + first_item + one_item[end:]).encode(), "application/rss+xml")
    server.routes["/articles/harbour"] = send((FEEDS / "article.html").read_bytes(), "text/html; charset=utf-8")
    assert main(["feed", "add", server.url("/one"), "--db", db]) == 0
    capsys.readouterr()
    assert main(["feed", "fetch", "--db", db]) == 0
    assert capsys.readouterr().out.strip() == f"{server.url('/one')}: 1 new article"
