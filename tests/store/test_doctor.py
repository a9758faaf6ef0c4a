"""`claimdesk doctor` finds a broken full-text index and orphan rows, and repairs the index."""

from __future__ import annotations

from store import Store
from store.doctor import check_store
from store.models import ArticleDraft, ClaimDraft
from tui.cli import main


def _seeded(store: Store) -> int:
    article_id, _ = store.add_article(
        ArticleDraft(title="T", text="Troops killed 15 soldiers near the river."),
        [ClaimDraft("Troops killed 15 soldiers near the river.", 0, 41, 0.9, True)],
    )
    return store.claims_for_article(article_id)[0].id


def _break_claims_index(store: Store, claim_id: int) -> None:
    # Drop the row from the index behind the table's back, as a crash between a write and
    # its trigger might on a store edited by other tools.
    with store.write() as conn:
        conn.execute("INSERT INTO claims_fts(claims_fts, rowid, text) VALUES ('delete', ?, ?)",
                     [claim_id, store.get_claim(claim_id).text])


def test_a_healthy_store_passes_every_check(store: Store) -> None:
    _seeded(store)
    findings = check_store(store)
    assert findings and all(f.ok for f in findings), findings


def test_broken_index_is_reported_then_repaired(store: Store) -> None:
    claim_id = _seeded(store)
    _break_claims_index(store, claim_id)
    assert store.search_candidates('"soldiers"', kinds=("claim",)) == []
    [fts] = [f for f in check_store(store) if f.check == "full-text index claims_fts"]
    assert not fts.ok and "--repair" in fts.detail
    [fts] = [f for f in check_store(store, repair=True) if f.check == "full-text index claims_fts"]
    assert fts.ok and fts.repaired
    assert [c.id for c in store.search_candidates('"soldiers"', kinds=("claim",))] == [claim_id]


def test_orphan_rows_are_reported_not_deleted(store: Store) -> None:
    claim_id = _seeded(store)
    store.record_verdict(claim_id, "contested")
    store.db.conn.execute("PRAGMA foreign_keys = OFF")
    store.db.conn.execute("DELETE FROM articles")
    findings = {f.check: f for f in check_store(store, repair=True)}
    assert not findings["claims without their article"].ok
    assert findings["claims without their article"].detail == "1 found"
    assert store.count("verdicts") == 1 and store.count("claims") == 1


def test_doctor_command_exit_codes(tmp_path, capsys) -> None:
    path = tmp_path / "d.db"
    store = Store(path)
    claim_id = _seeded(store)
    _break_claims_index(store, claim_id)
    store.close()
    assert main(["--db", str(path), "doctor"]) == 1
    assert "PROBLEM   full-text index claims_fts" in capsys.readouterr().out
    assert main(["--db", str(path), "doctor", "--repair"]) == 0
    assert "repaired  full-text index claims_fts" in capsys.readouterr().out
    assert main(["--db", str(path), "doctor"]) == 0
