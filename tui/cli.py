"""The `claimdesk` command line: parses arguments and calls the core operations.

Every failure prints one line on stderr naming the input and exits non-zero; nothing
already stored changes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from ingest.text import neutralise_controls
from store import ClaimdeskError, ExportFilter, Store, default_db_path, open_store, store_exists
from store.errors import UnknownIdError
from store.models import VERDICTS, Match
from tui.widgets.literal import safe_display
from tui.words import counted

EXIT_ERROR = 1


def _db_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        default=default,
        help="the store to use: an SQLite file, or a PostgreSQL database as postgresql://USER@HOST/DB "
        "(password from ~/.pgpass or PGPASSWORD) (default: $CLAIMDESK_DB, else claimdesk.db in the "
        "user-data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimdesk",
        description="Fact-check triage: ingest articles, split claims, match, judge, export. "
        "With no command, opens the terminal desk.",
    )
    _db_option(parser, None)
    # --db is also accepted after the command; SUPPRESS keeps the top-level value otherwise.
    common = argparse.ArgumentParser(add_help=False)
    _db_option(common, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("ingest", parents=[common], help="store sources as articles with their claims")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="a file (.txt, .md, .html), a URL, or - for stdin")
    p.add_argument("--json", action="store_true", help="one JSON object per article")
    p.add_argument("--no-match", action="store_true", help="do not match the new claims now")
    form = p.add_mutually_exclusive_group()
    # By default a file whose lines name their speakers is read as a transcript, as the desk's `i` reads it.
    form.add_argument("--lines", action="store_const", const="lines", dest="form", default="auto",
                      help="each line is one claim, the file taken as it is (lists; transcripts written SPEAKER: words)")
    form.add_argument("--transcript", action="store_const", const="transcript", dest="form",
                      help="a transcript: each speaker's words split into sentences, ranked by speaker roles "
                           "(the default for a file whose lines name their speakers)")
    form.add_argument("--article", action="store_const", const="article", dest="form",
                      help="an article, even if its lines read as a transcript")
    p.set_defaults(handler=cmd_ingest)

    p = commands.add_parser("claims", parents=[common], help="split a source into claims without storing it")
    p.add_argument("path", metavar="SOURCE", help="a file, a URL, or - for stdin")
    p.add_argument("--json", action="store_true", help="one JSON object per claim")
    p.add_argument("--all", action="store_true", help="every sentence, not only the check-worthy ones")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--lines", action="store_true", help="each line is one sentence, no splitting (transcripts, datasets)")
    form.add_argument("--transcript", action="store_true",
                      help="a transcript: each speaker's words split into sentences, ranked by speaker roles "
                           "(the default for a file whose lines name their speakers, as for ingest)")
    form.add_argument("--article", action="store_true", help="an article, even if its lines read as a transcript")
    p.add_argument("--reasons", action="store_true", help="add the check-worthiness reasons")
    p.set_defaults(handler=cmd_claims)

    p = commands.add_parser("import", parents=[common], help="load reference claims from other sources")
    p.add_argument("file", metavar="FILE|URL",
                   help="JSON Lines, CSV or ClaimReview JSON-LD: a file, an http(s) URL, or - for stdin")
    p.add_argument("--source", metavar="NAME", help="the source name for rows that have none")
    p.set_defaults(handler=cmd_import)

    p = commands.add_parser("match", parents=[common], help="find stored claims like a text")
    p.add_argument("text", nargs="?", metavar="TEXT", help="the claim to match")
    p.add_argument("--batch", metavar="FILE", help="one claim per line (- for stdin); needs --json")
    p.add_argument("--limit", type=int, default=5, metavar="N",
                   help="ranked matches per claim, same claim or related (default 5)")
    p.add_argument("--min-score", type=float, metavar="S", help="lowest score shown, 0-100 (default: all ranked)")
    p.add_argument("--json", action="store_true", help="one JSON object per claim")
    p.add_argument("--semantic", action=argparse.BooleanOptionalAction, default=True,
                   help="rerank the best matches with sentence embeddings (default: on)")
    p.add_argument("--speaker", default="", metavar="NAME",
                   help="who said the text (a transcript's speaker): their own claims are listed higher, "
                   "and the text is held to a transcript line's same-claim threshold")
    p.add_argument("--date", default="", metavar="DATE",
                   help="when it was said (YYYY-MM-DD): claims of that year or the year before are listed higher")
    p.set_defaults(handler=cmd_match)

    p = commands.add_parser("verdict", parents=[common], help="record a verdict on a claim")
    p.add_argument("claim_id", type=int, metavar="CLAIM_ID")
    p.add_argument("verdict", choices=VERDICTS)
    p.add_argument("--note", metavar="TEXT", help="a note to keep with the verdict")
    p.add_argument("--evidence", metavar="URL", action="append", default=[],
                   help="the address of a source the verdict rests on (repeatable), kept with the "
                   "claim as the desk's e keeps it")
    p.add_argument("--checker", metavar="NAME", help="who judged (default: $CLAIMDESK_CHECKER, else "
                   "the name the desk saved in the settings file, else your login)")
    p.set_defaults(handler=cmd_verdict)

    p = commands.add_parser("evidence", parents=[common],
                            help="a claim's evidence links: list them, add one, or take one off")
    p.add_argument("claim_id", type=int, metavar="CLAIM_ID")
    p.add_argument("--add", metavar="URL", action="append", default=[], help="attach this address (repeatable)")
    p.add_argument("--remove", metavar="URL", action="append", default=[],
                   help="take this address off, as the desk's e then delete does (repeatable)")
    p.set_defaults(handler=cmd_evidence, existing_store=True)

    p = commands.add_parser("export", parents=[common], help="write a report of the verdicts")
    p.add_argument("--format", required=True, choices=_report_formats(), help="report format")
    p.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--article", type=int, metavar="ID", help="only this article")
    p.add_argument("--source", metavar="NAME", help="only articles from this source")
    p.add_argument("--verdict", action="append", choices=VERDICTS, default=[], help="only this verdict (repeatable)")
    p.add_argument("--checker", metavar="NAME", help="only verdicts by this checker")
    p.add_argument("--since", metavar="DATE", help="only verdicts from this date (YYYY-MM-DD)")
    p.add_argument("--until", metavar="DATE", help="only verdicts before this date (YYYY-MM-DD)")
    p.add_argument("--speaker", metavar="NAME", help="only the lines of this speaker of a transcript")
    p.add_argument("--reviewed", action="store_true",
                   help="only verdicts an editor settled in the desk's review queue (and not changed since)")
    p.add_argument("--title", metavar="TEXT", help="the report's title (md, html)")
    p.add_argument("--base-url", metavar="URL", help="where the reviews are published; each claim's review URL is this plus #claim-ID (claimreview)")
    p.add_argument("--organisation", metavar="NAME", help="the publishing organisation (claimreview author)")
    p.add_argument("--organisation-url", metavar="URL", help="the organisation's web address (claimreview author)")
    p.add_argument("--include-unverified", action="store_true", help="publish unverified claims too (claimreview)")
    p.add_argument("--no-graph", action="store_true", help="a plain JSON array instead of an @graph (claimreview)")
    p.set_defaults(handler=cmd_export)

    p = commands.add_parser("assign", parents=[common], help="give an article to a checker (their desk's tab goes there first)")
    p.add_argument("article_id", type=int, metavar="ARTICLE_ID")
    p.add_argument("checker", metavar="CHECKER", help="the checker's name as their desk has it; \"\" takes the assignment away")
    p.set_defaults(handler=cmd_assign, existing_store=True)

    p = commands.add_parser("list", parents=[common], help="the stored articles, or one article's claims with their ids")
    p.add_argument("--article", type=int, metavar="ID", help="list this article's claims: id, score, verdict, best match")
    p.add_argument("--json", action="store_true", help="one JSON object per article (or claim)")
    p.set_defaults(handler=cmd_list, existing_store=True)

    p = commands.add_parser("stale", parents=[common],
                            help="judged claims whose newly arrived matches disagree with their verdict")
    p.add_argument("--json", action="store_true", help="one JSON object per claim and disagreeing match")
    p.set_defaults(handler=cmd_stale, existing_store=True)

    p = commands.add_parser("demo", parents=[common], help="load the demo article and reference claims")
    p.set_defaults(handler=cmd_demo)

    p = commands.add_parser("doctor", parents=[common], help="check the store's integrity; --repair rebuilds search indexes")
    p.add_argument("--repair", action="store_true", help="rebuild full-text indexes that do not match their tables")
    p.set_defaults(handler=cmd_doctor, existing_store=True)

    p = commands.add_parser("copy", help="copy a whole store to a new one, SQLite or PostgreSQL either way")
    # Paths and URLs, not text: kept as given (not `source`, which is neutralised as text).
    p.add_argument("copy_source", metavar="SOURCE", help="the store to copy: a file path or a postgresql:// URL")
    p.add_argument("copy_target", metavar="TARGET", help="a new file path, or an empty PostgreSQL database")
    p.set_defaults(handler=cmd_copy)

    _add_feed_commands(commands, common)
    _report_with_own_usage(commands)
    return parser


def _report_with_own_usage(commands: argparse._SubParsersAction) -> None:
    """An option a command does not take is reported with that command's usage (`main`)."""
    for command in commands.choices.values():
        command.set_defaults(command_parser=command)


def _report_formats() -> Sequence[str]:
    import reports

    return reports.FORMATS


# -- commands ----------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    import operations

    failures = 0
    for source in args.sources:
        try:
            result = operations.ingest_source(store, source, stdin=_stdin(), match=not args.no_match,
                                              form=args.form)
        except ClaimdeskError as exc:
            # One bad source does not stop the others; the exit code still says it failed.
            _error(str(exc))
            failures += 1
            continue
        except operations.IngestInterrupted as exc:
            _print_ingested(args, exc.result, out)
            _error(f"interrupted: article {exc.result.article_id} ({exc.result.title}) was stored, "
                   "but its claims were not all matched; the desk matches each claim when it is opened.")
            raise
        except KeyboardInterrupt:
            _error(f"interrupted: {source} was not stored.")
            raise
        _print_ingested(args, result, out)
        if result.rematched.new_evidence:
            _error(f"{source}: {len(result.rematched.new_evidence)} judged claim(s) now have new evidence "
                   "against their verdict (claimdesk stale lists them).")
    return EXIT_ERROR if failures else 0


def _print_ingested(args: argparse.Namespace, result, out: TextIO) -> None:
    for warning in result.warnings:
        _error(f"warning: {warning}")
    if args.json:
        print(json.dumps({"article_id": result.article_id, "title": result.title,
                          "claims": result.claims}, ensure_ascii=False), file=out)
    else:
        state = "" if result.created else " (already stored)"
        print(f"{result.article_id}\t{shown(result.title)}\t{counted(result.claims, 'claim')}{state}", file=out)


def cmd_claims(args: argparse.Namespace, store: Store | None, out: TextIO) -> int:
    import ingest

    if args.lines:
        claims = ingest.load_lines(args.path, stdin=_stdin())
    elif args.transcript:
        claims = ingest.load_source(args.path, stdin=_stdin(), form="transcript")[1]
    else:  # split as `ingest` would store it
        claims = ingest.load_source(args.path, stdin=_stdin(), form="article" if args.article else "auto")[1]
    for claim in claims:
        if not (args.all or claim.checkworthy):
            continue
        if args.json:
            row = {"text": claim.text, "start": claim.start, "end": claim.end,
                   "checkworthy": claim.checkworthy, "score": round(claim.score, 4)}
            if claim.speaker:  # a line of a transcript
                row["speaker"] = claim.speaker
            if args.reasons:
                row["reasons"] = list(claim.reasons)
            print(json.dumps(row, ensure_ascii=False), file=out)
        else:
            reasons = f"\t{'; '.join(claim.reasons)}" if args.reasons else ""
            print(f"{claim.start}-{claim.end}\t{claim.score:.2f}\t{shown(claim.text)}{reasons}", file=out)
    return 0


def cmd_import(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    import operations

    row_errors: list[ClaimdeskError] = []
    newest = operations.newest_reference_id(store)
    before = store.count("reference_claims")
    with _ImportProgressBar(args.file) as bar:
        try:
            added, skipped = operations.import_references(
                store, args.file, source_name=args.source, stdin=_stdin(), errors=row_errors,
                progress=bar.update,
            )
        except KeyboardInterrupt:
            bar.close()
            kept = store.count("reference_claims") - before
            if kept > 0:
                _error(f"Interrupted: the {kept:,} reference claims stored before then are kept; "
                       f"importing {args.file} again adds the rest.")
            raise
    # Flushed: from this line on the claims are searchable, whatever follows.
    print(f"{added} added, {skipped} skipped as duplicates", file=out, flush=True)
    for error in row_errors:
        _error(str(error))
    if added:
        _after_import(store, newest, out)
    return EXIT_ERROR if row_errors else 0


def _after_import(store: Store, newest: int, out: TextIO) -> None:
    """Embed the new reference claims for semantic matching, then match again the stored
    claims they may match, each with a progress line on a terminal's stderr. Both can be
    interrupted (ctrl+c) losing nothing: the claims are stored and searchable already,
    what is embedded stays, and the rest is embedded by the desk (matching embeds a
    candidate on the spot meanwhile)."""
    import operations

    progress = _ProgressLine()
    stage = "embedding"
    try:
        progress.label = "embedding reference claims for semantic matching"
        progress.finished = "embedded reference claims"
        operations.embed_references(store, on_progress=progress.update)
        progress.end()
        stage = "re-matching"
        progress.label = "re-matching stored claims the new ones may match"
        progress.finished = "re-matched stored claims"
        # The stored claims the new references could match carry them before this exits.
        summary = operations.rematch_after_references(store, newest, on_progress=progress.update).summary()
        progress.end()
    except KeyboardInterrupt:
        progress.end()
        if stage == "embedding":
            embedded, total = operations.embedding_progress(store)
            _error(f"Interrupted while embedding: the imported claims are stored and searchable; "
                   f"the {total - embedded:,} not embedded yet match by their words until the desk "
                   "embeds them, and the stored claims they may match keep their earlier matches.")
        else:
            _error("Interrupted while re-matching: the imported claims are stored, searchable and "
                   "embedded; the stored claims not re-matched yet keep their earlier matches.")
        raise
    if summary:
        print(summary, file=out)


# On a stderr that is not a terminal (a log, a pipe), a stage of at least this many
# claims says when it starts and when it ends, one line each: a long silent wait is
# otherwise indistinguishable from a hang. Shorter stages stay silent.
ANNOUNCED_STAGE_CLAIMS = 10_000


class _ProgressLine:
    """`label: done/total` rewritten in place on stderr, when stderr is a terminal;
    otherwise, for a long stage, one line when it starts and one when it ends
    (`ANNOUNCED_STAGE_CLAIMS`). `label` says what is done ("embedding reference claims
    for semantic matching"), `finished` what was done ("embedded")."""

    def __init__(self) -> None:
        self.label = ""
        self.finished = ""
        self._shown = sys.stderr is not None and sys.stderr.isatty()
        self._open = False
        self._announced: tuple[float, int] | None = None  # (started, done then)
        self._last = (0, 0)

    def update(self, done: int, total: int) -> None:
        self._last = (done, total)
        if self._shown:
            print(f"\r{self.label}: {done:,}/{total:,}", end="", file=sys.stderr, flush=True)
            self._open = True
        elif self._announced is None and sys.stderr is not None and total - done >= ANNOUNCED_STAGE_CLAIMS:
            import time

            self._announced = (time.perf_counter(), done)
            _error(f"{self.label}: {total - done:,} to do ({done:,} of {total:,} done before); "
                   "ctrl+c stops here and keeps what is done")

    def end(self) -> None:
        if self._open:
            print(file=sys.stderr, flush=True)
            self._open = False
        if self._announced is not None:
            import time

            started, before = self._announced
            done, total = self._last
            _error(f"{self.finished or self.label}: {done - before:,} in "
                   f"{time.perf_counter() - started:.1f} s ({done:,} of {total:,})")
            self._announced = None


class _ImportProgressBar:
    """A progress bar on stderr while an import runs, when stderr is a terminal."""

    def __init__(self, source: str) -> None:
        self._bar = None
        self._task = None
        self._source = source

    def __enter__(self) -> _ImportProgressBar:
        if sys.stderr is not None and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                                       TimeRemainingColumn)

            self._bar = Progress(
                TextColumn("{task.description}", markup=False), BarColumn(), DownloadColumn(),
                TimeRemainingColumn(), TextColumn("{task.fields[claims]}", markup=False),
                console=Console(stderr=True), transient=True,
            )
            self._task = self._bar.add_task(f"Importing {shown(self._source)}", total=None, claims="")
            self._bar.start()
        return self

    def update(self, done) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=done.bytes_read, total=done.total_bytes,
                             claims=f"{done.read:,} claims read")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __exit__(self, *exc: object) -> None:
        self.close()


def cmd_match(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    import matchers
    import operations

    if args.limit < 1:
        raise ClaimdeskError(f"--limit must be at least 1, not {args.limit}.")
    if args.date:
        from matchers.context import date_year

        if date_year(args.date) is None:
            raise ClaimdeskError(f"--date needs a date with its year (YYYY-MM-DD), not {shown(args.date)!r}.")
    if args.batch is not None:
        if args.text is not None:
            raise ClaimdeskError("Give either TEXT or --batch FILE, not both.")
        if not args.json:
            raise ClaimdeskError("--batch writes JSON Lines only: add --json.")
        queries = _batch_lines(args.batch)
    elif args.text is None or not args.text.strip():
        raise ClaimdeskError("Give the TEXT to match, or --batch FILE --json.")
    else:
        queries = [args.text]
    for query in queries:
        found = operations.find_matches(store, query, limit=args.limit, min_score=args.min_score,
                                        semantic=args.semantic, speaker=args.speaker, date=args.date)
        if args.json:
            print(json.dumps({"query": query, "matches": [_match_json(m) for m in found],
                              **_judgement_json(found)}, ensure_ascii=False), file=out)
            continue
        if not found:
            print("no match", file=out)
            continue
        suggestion = matchers.suggest_verdict(found)
        corroboration = matchers.corroboration(found)
        verdict = f"Suggested: {suggestion.verdict}" if suggestion.verdict else "No suggestion"
        print(f"{verdict} ({shown(suggestion.because)})", file=out)
        print(shown(corroboration.describe()), file=out)
        for m in found:
            c = m.candidate
            rating = f" [{c.rating}]" if c.rating else ""
            kind = "same claim" if matchers.is_same_claim(m) else "related"
            prior = f" (ranked up: {', '.join(m.explanation['prior'])})" if m.explanation.get("prior") else ""
            print(f"{m.score:5.1f}  {kind:<10}  {c.kind} {c.id}  {shown(c.source or '-')}{shown(rating)}{prior}  "
                  f"{shown(c.text)}", file=out)
    return 0


def _batch_lines(path: str) -> list[str]:
    import ingest

    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ClaimdeskError(f"Cannot read the batch file {path}: {exc.strerror}.") from exc
    text = ingest.neutralise_controls(ingest.decode_bytes(data, path))
    return [line.strip() for line in text.split("\n") if line.strip()]


def _match_json(m: Match) -> dict:
    import matchers

    c = m.candidate
    return {"id": c.id, "kind": c.kind, "text": c.text, "score": round(m.score, 2),
            "source": c.source, "url": c.url, "rating": c.rating, "date": c.date,
            "same_claim": matchers.is_same_claim(m), "prior": m.explanation.get("prior", []),
            "explanation": m.explanation}


def _judgement_json(matches: Sequence[Match]) -> dict:
    """The suggested verdict and the corroboration of these matches, as the desk shows them."""
    import matchers

    suggestion = matchers.suggest_verdict(matches)
    corroboration = matchers.corroboration(matches)
    cited = suggestion.match.candidate if suggestion.match else None
    return {
        "suggested": {"verdict": suggestion.verdict, "because": suggestion.because,
                      "match_id": cited.id if cited else None,
                      "match_kind": cited.kind if cited else None},
        "corroboration": {"agree": corroboration.agree, "dispute": corroboration.dispute,
                          "first_seen": corroboration.first_seen},
    }


def _check_evidence_urls(option: str, urls: Sequence[str]) -> None:
    """ClaimdeskError naming the first address the desk's `e` would refuse too."""
    from tui.validation import validate_url

    problem = next((p for p in map(validate_url, urls) if p), None)
    if problem:
        raise ClaimdeskError(f"{option} {problem} Give the source's full address, for example "
                             f"{option} https://example.org/report; nothing was recorded.")


def cmd_verdict(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    _check_evidence_urls("--evidence", args.evidence)
    checker = args.checker or _checker_name()
    with store.write():  # the verdict and its evidence land together or not at all
        store.record_verdict(args.claim_id, args.verdict, note=args.note, checker=checker)
        added = sum(store.add_evidence(args.claim_id, url, checker=checker) for url in args.evidence)
    line = f"claim {args.claim_id}: {args.verdict}"
    if args.evidence:
        line += f", {counted(added, 'evidence link')} added"
        if added < len(args.evidence):
            line += f" ({len(args.evidence) - added} already attached)"
    print(line, file=out)
    return 0


def cmd_evidence(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    _check_evidence_urls("--add", args.add)
    checker = _checker_name()
    with store.write():  # every change of the command lands, or none
        store.get_claim(args.claim_id)  # an unknown id is one line naming it
        added = sum(store.add_evidence(args.claim_id, url, checker=checker) for url in args.add)
        missing = [url for url in args.remove if not store.remove_evidence(args.claim_id, url, checker=checker)]
        if missing:
            raise ClaimdeskError(f"Claim {args.claim_id} has no evidence {missing[0]!r}; nothing was changed "
                                 f"(`claimdesk evidence {args.claim_id}` lists its links).")
    if args.add or args.remove:
        print(f"claim {args.claim_id}: {counted(added, 'link')} added, "
              f"{counted(len(args.remove), 'link')} removed", file=out)
    for evidence in store.evidence_for(args.claim_id):
        print(shown(evidence.url), file=out)
    return 0


def cmd_export(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    from reports import ReportOptions
    import operations

    filters = ExportFilter(article_id=args.article, source=args.source, verdicts=tuple(args.verdict),
                           checker=args.checker, since=_day("--since", args.since),
                           until=_day("--until", args.until), speaker=args.speaker,
                           reviewed_only=args.reviewed)
    if args.article is not None:
        store.get_article(args.article)  # an unknown id is an error, not an empty report
    if args.format == "claimreview" and not (args.base_url or "").strip():
        raise ClaimdeskError(
            "A ClaimReview export names the page that will publish the reviews: give it with "
            "--base-url, for example --base-url https://desk.example/reviews."
        )
    options = ReportOptions(
        base_url=args.base_url or "",
        organisation_name=args.organisation or "",
        organisation_url=args.organisation_url or "",
        include_unverified=args.include_unverified,
        graph=not args.no_graph,
        **({"title": args.title} if args.title else {}),
    )
    if args.out:
        count = operations.export_report_file(store, args.format, args.out, filters, options)
        print(f"{counted(count, 'claim')} written to {shown(args.out)}", file=sys.stderr)
    else:
        operations.export_report(store, args.format, out, filters, options)
    return 0


def cmd_assign(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    from store import team

    by = _checker_name()
    name = " ".join(args.checker.split())
    known = team.known_checkers(store)
    team.assign_article(store, args.article_id, args.checker, by=by)
    print(f"article {args.article_id}: " + (f"assigned to {shown(name)}" if name else "unassigned"), file=out)
    if name and name not in known:
        # A new checker is allowed; a misspelt one would wait for a desk that never comes.
        others = f" (known: {', '.join(shown(n) for n in known[:8])})" if known else ""
        print(f"claimdesk: nobody named {shown(name)} has judged a claim or been given an "
              f"article on this store before{others}; if the name is misspelt, assign "
              f"article {args.article_id} again with the right one.", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    if args.article is None:
        for article in store.list_articles(include_archived=True):
            row = {"id": article.id, "title": article.title, "source": article.source,
                   "date": article.published, "claims": article.claims, "judged": article.judged,
                   "status": article.status}
            if args.json:
                print(json.dumps(row, ensure_ascii=False), file=out)
            else:
                status = "" if article.status == "inbox" else f" ({article.status})"
                print(f"{article.id}\t{shown(article.title)}\t{shown(article.source or '-')}\t"
                      f"{article.published or '-'}\t{counted(article.claims, 'claim')}, {article.judged} judged{status}",
                      file=out)
        return 0
    store.get_article(args.article)  # an unknown id is one line naming it
    for claim in store.claims_for_article(args.article):
        matches = store.saved_matches(claim.id)
        best = matches[0] if matches else None
        if args.json:
            row = {"id": claim.id, "text": claim.text, "score": round(claim.score, 4),
                   "verdict": claim.verdict, "note": claim.note,
                   "evidence": [e.url for e in store.evidence_for(claim.id)],
                   "best_match": _match_json(best) if best else None, **_judgement_json(matches)}
            if claim.speaker:
                row["speaker"] = claim.speaker
            print(json.dumps(row, ensure_ascii=False), file=out)
        else:
            if best is None:
                match = "no match"
            else:
                rating = f" [{best.candidate.rating}]" if best.candidate.rating else ""
                match = f"{best.score:.1f} {best.candidate.source or '-'}{rating}: {best.candidate.text}"
            print(f"{claim.id}\t{claim.score:.2f}\t{claim.verdict or '-'}\t{shown(claim.text)}\t{shown(match)}",
                  file=out)
    return 0


def cmd_stale(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    from dataclasses import asdict

    import operations

    for stale in operations.stale_claims(store):
        if args.json:
            print(json.dumps(asdict(stale), ensure_ascii=False), file=out)
        else:
            rating = f" [{stale.match_rating}]" if stale.match_rating else ""
            print(f"{stale.claim_id}\t{stale.verdict}\t{shown(stale.claim_text)}\t"
                  f"{stale.match_score:.1f} {shown(stale.match_source or '-')}{shown(rating)}: "
                  f"{shown(stale.match_text)}", file=out)
    return 0


def _day(option: str, value: str | None) -> str | None:
    """`value` if it is a calendar date written YYYY-MM-DD; ClaimdeskError naming it otherwise."""
    if value is None:
        return None
    try:
        if len(value) == 10 and value[4] == value[7] == "-":
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise ClaimdeskError(f"{option} {value!r} is not a date: give it as YYYY-MM-DD, for example {option} 2024-03-31.")


def cmd_demo(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    import operations

    article, (added, _skipped) = operations.seed_demo(store)
    print(f"demo: article {article.article_id} ({counted(article.claims, 'claim')}), {added} reference claims added", file=out)
    if added:
        progress = _ProgressLine()
        progress.label = "embedding reference claims for semantic matching"
        try:
            operations.embed_references(store, on_progress=progress.update)
        except KeyboardInterrupt:
            progress.end()
            _error("Embedding stopped; the desk embeds the rest, and claims not embedded yet still match.")
            return 0
        progress.end()
    return 0


# -- feeds: claimdesk feed add/list/remove/fetch -----------------------------


def _add_feed_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    feed = commands.add_parser("feed", parents=[common], help="follow RSS and Atom feeds")
    actions = feed.add_subparsers(dest="feed_command", metavar="ACTION", required=True)
    p = actions.add_parser("add", parents=[common], help="follow a feed (fetched once to check it is a feed)")
    p.add_argument("url", metavar="URL", help="the feed's http(s) address")
    p.set_defaults(handler=cmd_feed_add)
    p = actions.add_parser("list", parents=[common], help="the followed feeds with their last fetch")
    p.add_argument("--json", action="store_true", help="one JSON object per feed")
    p.set_defaults(handler=cmd_feed_list)
    p = actions.add_parser("remove", parents=[common], help="stop following a feed (its articles stay)")
    p.add_argument("url", metavar="URL", help="the feed's address or id")
    p.set_defaults(handler=cmd_feed_remove)
    p = actions.add_parser("fetch", parents=[common], help="fetch feeds; new entries become articles")
    p.add_argument("urls", nargs="*", metavar="URL", help="followed feeds to fetch (default: all)")
    p.add_argument("--all", action="store_true", help="fetch every followed feed")
    p.add_argument("--json", action="store_true", help="one JSON object per feed")
    p.add_argument("--no-match", action="store_true", help="do not match the new claims now")
    p.set_defaults(handler=cmd_feed_fetch)
    _report_with_own_usage(actions)


def cmd_feed_add(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    import operations

    feed, created = operations.follow_feed(store, args.url)
    print(f"{'following' if created else 'already following'} {shown(feed.url)} (feed {feed.id})", file=out)
    return 0


def cmd_feed_list(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    from dataclasses import asdict

    from store.feeds import list_feeds

    for feed in list_feeds(store):
        if args.json:
            print(json.dumps(asdict(feed), ensure_ascii=False), file=out)
        else:
            state = f"error: {feed.last_error}" if feed.last_error else f"{feed.new_articles} new"
            print(f"{feed.id}\t{shown(feed.url)}\t{shown(feed.title or '-')}\t{feed.last_fetched or 'never fetched'}\t{shown(state)}", file=out)
    return 0


def cmd_feed_remove(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    import operations

    feed = operations.unfollow_feed(store, args.url)
    print(f"no longer following {shown(feed.url)}", file=out)
    return 0


def cmd_feed_fetch(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    import operations

    results = operations.fetch_feeds(store, None if args.all or not args.urls else args.urls,
                                     match=not args.no_match)
    for result in results:
        if args.json:
            print(json.dumps({"url": result.url, "title": result.title, "new_articles": result.new_article_ids,
                              "not_modified": result.not_modified, "error": result.error,
                              "warnings": result.warnings}, ensure_ascii=False), file=out)
        elif result.ok:
            status = "not modified" if result.not_modified else counted(result.new_articles, 'new article')
            if result.duplicates:  # entries whose page or text is stored already, under another article
                status += f", {result.duplicates} already stored"
            print(f"{shown(result.url)}: {shown(status)}", file=out)
        for warning in result.warnings:
            _error(f"warning: {warning}")
        if result.error:
            _error(result.error)
    return EXIT_ERROR if any(r.error for r in results) else 0


def cmd_doctor(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    from store.doctor import check_store

    findings = check_store(store, repair=args.repair)
    for finding in findings:
        state = "repaired" if finding.repaired else ("ok" if finding.ok else "PROBLEM")
        print(f"{state:8}  {finding.check}: {finding.detail}", file=out)
    return 0 if all(f.ok for f in findings) else EXIT_ERROR


def cmd_copy(args: argparse.Namespace, store: None, out: TextIO) -> int:
    from store.copy import copy_store
    from store.engine import location_name

    report = copy_store(args.copy_source, args.copy_target)
    total = sum(report.counts.values())
    print(f"Copied {total} rows in {len(report.counts)} tables to {location_name(args.copy_target)}; "
          "counts equal and doctor passes.", file=out)
    for table, count in report.counts.items():
        print(f"  {table:<22} {count}", file=out)
    return 0


# -- plumbing ----------------------------------------------------------------


def _stdin():
    return sys.stdin.buffer if sys.stdin is not None else None


def _checker_name() -> str:
    """The checker's name as the desk has it (`CLAIMDESK_CHECKER`, else the settings
    file), so verdicts given on the command line carry the same name; else the login."""
    from tui.settings import load_settings

    return load_settings().checker or _login_name()


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def _error(message: str) -> None:
    print(f"claimdesk: {shown(message)}", file=sys.stderr)


def shown(text: str) -> str:
    """Text for plain terminal output: controls, bidi overrides and lone surrogates made
    visible as U+FFFD, so stored text can neither steer the terminal nor reorder a line.
    (JSON output keeps the stored text, which ingest has already neutralised.)"""
    return safe_display(neutralise_controls(text))


# Arguments that are free text the user typed (as opposed to paths, which must stay as
# the operating system gave them): neutralised like any other text entering the store.
_TEXT_ARGUMENTS = ("text", "note", "checker", "source", "title", "organisation",
                   "base_url", "organisation_url", "url", "urls", "evidence", "add", "remove",
                   "since", "until")


def _neutralise_arguments(args: argparse.Namespace) -> None:
    for name in _TEXT_ARGUMENTS:
        value = getattr(args, name, None)
        if isinstance(value, str):
            setattr(args, name, neutralise_controls(value))
        elif isinstance(value, list):
            setattr(args, name, [neutralise_controls(v) if isinstance(v, str) else v for v in value])


# Where to find the id that was not found, by the command that was given it.
_ARTICLE_IDS = "`claimdesk list` lists the articles with their ids"
_CLAIM_IDS = "`claimdesk list --article ID` lists an article's claims with their ids"
_ID_HINTS = {"list": _ARTICLE_IDS, "assign": _ARTICLE_IDS, "export": _ARTICLE_IDS,
             "verdict": _CLAIM_IDS, "evidence": _CLAIM_IDS}


def _refuse_missing_store(db_path: str | None) -> None:
    """Commands that only read a store refuse a path where none exists instead of
    creating an empty one (and its folder) there."""
    if store_exists(db_path):
        return
    path = Path(db_path).expanduser() if db_path else default_db_path()
    if not path.exists():
        raise ClaimdeskError(f"There is no store at {path}; nothing was created. "
                             "Check the path, or give the store's path with --db.")


def run_tui(db_path: str | None) -> int:
    from tui.app import make_app

    first_run = db_path is None and not store_exists()
    store = open_store(db_path)
    try:
        if first_run and store.count("articles") == 0:
            import operations  # only the first run needs it: it costs a fifth of the launch

            operations.seed_demo(store)
        make_app(store).run()
    finally:
        store.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        getattr(args, "command_parser", parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    _neutralise_arguments(args)
    try:
        if args.command is None:
            return run_tui(args.db)
        if args.command in ("claims", "copy"):  # splitting needs no store, copying two
            return args.handler(args, None, sys.stdout)
        if getattr(args, "existing_store", False):
            _refuse_missing_store(args.db)
        store = open_store(args.db)
        try:
            return args.handler(args, store, sys.stdout)
        finally:
            store.close()
    except UnknownIdError as exc:
        _error(f"{str(exc).rstrip('.')}; {_ID_HINTS[args.command]}." if args.command in _ID_HINTS else str(exc))
        return EXIT_ERROR
    except ClaimdeskError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader of a pipe went away (`| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
