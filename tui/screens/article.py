"""One article at the desk: its check-worthy claims with verdicts, the selected claim in
its paragraph with its check-worthiness reasons, and its matches side by side."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Static

from store import inbox, team
from store.changes import ChangeBatch
from store.errors import ClaimdeskError, StoreUnreachable
from store.models import Article, Claim
from tui.messages import MatchesLoaded, StoreChanged
from tui.screens.desk import DeskScreen
from tui.widgets.claim_context import ClaimContext
from tui.widgets.claim_list import ClaimList
from tui.widgets.filter_bar import FilterBar
from tui.widgets.key_hints import KeyHints
from tui.widgets.literal import literal, one_line
from tui.widgets.match_panel import MatchPanel

NARROW_BELOW = 110
SHORT_BELOW = 32


class ClaimDetail(VerticalScroll):
    """The selected claim and its matches. When they overflow, its border names the key
    that scrolls them (`d`), since the claim list keeps the focus."""

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self.update_hint, init=False)
        self.watch(self, "virtual_size", self.update_hint, init=False)

    def on_resize(self) -> None:
        self.update_hint()

    def update_hint(self, *_changed: object) -> None:
        if self.max_scroll_y <= 0:
            self.border_title = None
        elif self.scroll_y >= self.max_scroll_y:
            self.border_title = "d: back to the top"
        else:
            self.border_title = "d: more below"

    def page_down_or_top(self) -> None:
        if self.scroll_y >= self.max_scroll_y:
            self.scroll_home(animate=False)
        else:
            self.scroll_to(y=self.scroll_y + max(1, self.scrollable_content_region.height - 2),
                           animate=False)


class ArticleScreen(DeskScreen):
    # Below 110 columns the claim list sits above the claim's detail instead of beside
    # it (app.tcss): side by side, an 80-column terminal left the claims 7 characters.
    # Below 32 rows as well, the list shows fewer claims so the detail fits under it.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_BELOW, "-tall")]
    BINDINGS = [
        Binding("j", "cursor_down", "Next claim", show=False, id="claim.down"),
        Binding("k", "cursor_up", "Previous claim", show=False, id="claim.up"),
        Binding("c", "record_verdict('corroborated')", "Corroborated",
                id="verdict.corroborated"),
        Binding("x", "record_verdict('contested')", "Contested", id="verdict.contested"),
        Binding("u", "record_verdict('unverified')", "Unverified", id="verdict.unverified"),
        Binding("s", "accept_suggestion", "Accept suggestion", show=False, id="verdict.suggested"),
        Binding("n", "edit_note", "Note", id="claim.note"),
        Binding("e", "edit_evidence", "Evidence", show=False, id="claim.evidence"),
        Binding("o", "open_match_url", "Open match URL", show=False, id="match.open"),
        Binding("m", "next_match", "Next match", show=False, id="match.next"),
        Binding("h", "show_history", "History", show=False, id="claim.history"),
        Binding("d", "scroll_detail", "Scroll detail", show=False,
                id="claim.scroll_detail"),
        Binding("space", "toggle_selection", "Select", show=False, id="claim.select"),
        Binding("asterisk", "select_all", "Select all", show=False, id="claim.select_all"),
        Binding("S", "toggle_sort", "Sort claims", show=False, id="claim.sort"),
        Binding("r", "ask_review", "Ask for review", show=False, id="claim.review"),
        Binding("at", "assign_article", "Assign article", show=False, id="article.assign"),
        Binding("escape", "back", "Back", id="article.back"),
    ]

    def __init__(self, article_id: int, claim_id: int | None = None) -> None:
        super().__init__()
        self.article_id = article_id
        self.focus_claim_id = claim_id
        self.article: Article | None = None
        self.shown_claim_id: int | None = None
        # Claims in the article's order, or the most check-worthy first (a long transcript).
        self.by_score = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(id="filter-bar")
        yield Static("", id="article-title")
        with Horizontal(id="article-body"):
            yield ClaimList(id="claim-list")
            with ClaimDetail(id="claim-detail"):
                yield ClaimContext(id="claim-context")
                yield MatchPanel(id="match-panel")
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.load_article(self.article_id, self.focus_claim_id)
        self.claim_list.focus()

    @property
    def claim_list(self) -> ClaimList:
        return self.query_one(ClaimList)

    @property
    def match_panel(self) -> MatchPanel:
        return self.query_one(MatchPanel)

    def status_extra(self) -> str:
        # A count can arrive while the screen is still composing or already closing.
        lists = self.query(ClaimList)
        selected = len(lists.first().selected) if lists else 0
        parts = ["Sort: most check-worthy"] if self.by_score else []
        if selected:
            parts.append(f"Selected: {selected}")
        return "  ".join(parts)

    # -- loading ------------------------------------------------------------------

    def load_article(self, article_id: int, claim_id: int | None = None) -> None:
        """Show an article (this one again, or the next in the review queue)."""
        store = self.desk.reader
        try:
            article = store.get_article(article_id)
        except ClaimdeskError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            return
        if article_id != self.article_id:
            self.claim_list.selected.clear()
        self.article_id, self.article = article_id, article
        self.show_title()
        self.reload_claims(claim_id)

    def show_title(self) -> None:
        """The article's title and source line, with who else has it open and whom it
        is assigned to (when anyone)."""
        article = self.article
        if article is None:
            return
        title = Text.assemble(literal(one_line(article.title, 200) or "(untitled)", "bold"))
        meta = " · ".join(one_line(p, 60) for p in (article.source, article.published, article.url) if p)
        if meta:
            title.append("\n")
            title.append_text(literal(meta, "dim"))
        assignee = team.assignees(self.desk.reader, [article.id]).get(article.id)
        if assignee:
            title.append("  · assigned to ", style="dim")
            title.append_text(literal(one_line(assignee, 40), "bold"))
        others = self.desk.team.others_on(article.id)
        if others:
            title.append("  · ", style="dim")
            title.append_text(literal(team.describe_presence([one_line(n, 40) for n in others]),
                                      "bold magenta"))
        self.query_one("#article-title", Static).update(title)

    def reload_claims(self, claim_id: int | None = None) -> None:
        store = self.desk.reader
        claims = store.claims_for_article(self.article_id)
        filters = self.desk.filters
        if filters.active:
            allowed = set(inbox.filtered_claim_ids(store, filters, self.article_id))
            claims = [c for c in claims if c.id in allowed]
        if self.by_score:
            claims.sort(key=lambda c: -c.score)  # stable: equal scores keep the article's order
        conflicts = inbox.claims_with_conflicts(store, [c.id for c in claims])
        current = claim_id or self.shown_claim_id
        self.shown_claim_id = None
        claim_list = self.claim_list
        claim_list.flagged = team.review_requested(store, [c.id for c in claims])
        claim_list.show_claims(claims, conflicts)
        if current is not None:
            claim_list.move_to_claim(current)
        if not claims:
            self.query_one(ClaimContext).show_claim("", None)
            self.match_panel.update(Text("No check-worthy claims in view.", style="dim"))
        else:
            self.show_current_claim()
        self.update_status()

    def show_current_claim(self) -> None:
        claim = self.claim_list.current_claim
        if claim is None or self.article is None:
            return
        self.query_one(ClaimContext).show_claim(self.article.text, claim, self._evidence(claim.id))
        if claim.id == self.shown_claim_id:
            return
        self.shown_claim_id = claim.id
        # The matches follow one frame after the claim: their side-by-side tables are
        # the costliest part of the screen to lay out, and the article and its claims
        # should not wait for them. Unsaved matches are computed in a worker, started
        # only then so its thread does not compete with drawing the article.
        self.match_panel.show_loading()
        self.call_after_refresh(self._show_matches_if_current, claim)

    def _evidence(self, claim_id: int) -> tuple[str, ...]:
        try:
            return tuple(e.url for e in self.desk.reader.evidence_for(claim_id))
        except StoreUnreachable:
            return ()  # the checker keeps judging; the status line says the store is away

    def _show_matches_if_current(self, claim: Claim) -> None:
        current = self.claim_list.current_claim if self.is_mounted else None
        if current is None or current.id != claim.id:
            return  # the cursor moved on before this claim was drawn
        store = self.desk.reader
        try:
            saved = store.saved_matches(claim.id) if store.has_saved_matches(claim.id) else None
        except StoreUnreachable:
            self.match_panel.show_matches(claim.text, [])
            self.shown_claim_id = None  # drawn again when the cursor comes back
            return
        if saved is not None:
            self.match_panel.show_matches(claim.text, saved, self.desk.suggest(saved))
        else:
            self.compute_matches(claim)

    @work(thread=True, exclusive=True, group="matches", exit_on_error=False,
          description="Find the matches of a claim")
    def compute_matches(self, claim: Claim) -> None:
        import operations  # imported here: it pulls in every core package

        try:
            # Searched on the workers' own connection, so a slow search never makes a
            # verdict wait for the write connection; only the short save goes to the writer.
            matches = operations.match_claim(self.desk.background_reader, claim,
                                             semantic=self.desk.settings.semantic)
            self.desk.write_and_wait(lambda store: store.save_matches(claim.id, matches),
                                     f"Matches of claim {claim.id}")
        except Exception as exc:  # a missing or failing matcher must not end the desk
            self.post_message(MatchesLoaded(claim.id, [], None))
            self.app.call_from_thread(
                self.notify, f"Matching claim {claim.id} failed: {exc}", title="Matching",
                severity="warning", markup=False,
            )
            return
        self.post_message(MatchesLoaded(claim.id, matches, self.desk.suggest(matches)))

    def on_matches_loaded(self, message: MatchesLoaded) -> None:
        claim = self.claim_list.current_claim
        if claim is None or claim.id != message.claim_id:
            return
        self.match_panel.show_matches(claim.text, message.matches, message.suggestion)
        has_conflict = bool(inbox.claims_with_conflicts(self.desk.reader, [claim.id]))
        if has_conflict != (claim.id in self.claim_list.conflicts):
            self.claim_list.conflicts ^= {claim.id}
            self.claim_list.update_claim(claim, ("text",))

    def on_claim_list_highlighted(self, event: ClaimList.Highlighted) -> None:
        if event.claim is not None and event.claim.id == self.shown_claim_id:
            return  # already shown (the list was just refilled around it)
        self.show_current_claim()

    # -- hooks from the app ----------------------------------------------------------

    def current_claim_id(self) -> int | None:
        claim = self.claim_list.current_claim if self.is_mounted else None
        return claim.id if claim else None

    def export_scope(self) -> int | None:
        return self.article_id

    def show_claim(self, claim: Claim) -> None:
        if claim.article_id == self.article_id and self.claim_list.move_to_claim(claim.id):
            return
        if claim.article_id == self.article_id and self.desk.filters.active:
            self.notify(f"Claim {claim.id} is hidden by the filter (esc clears it).", timeout=3)
            return
        self.load_article(claim.article_id, claim.id)

    def store_changed(self, message: StoreChanged) -> None:
        claim_list = self.claim_list
        touched = [cid for cid in message.claim_ids if cid in claim_list.claims]
        if not touched:
            return
        if self.desk.filters.active:
            self.reload_claims()
            return
        current = claim_list.current_claim
        for claim_id in touched:
            shown = claim_list.claims[claim_id]
            stored = self.desk.reader.get_claim(claim_id)
            claim_list.show_stored(stored)
            # The paragraph view shows the note and the evidence, not the verdict: redrawn
            # only when one of those changed (it is the costly part of the screen to lay
            # out again).
            if current is None or claim_id != current.id or self.article is None:
                continue
            context = self.query_one(ClaimContext)
            evidence = self._evidence(claim_id)
            if stored.note != shown.note or evidence != context.evidence:
                context.show_claim(self.article.text, stored, evidence)

    def filter_changed(self) -> None:
        self.reload_claims()

    def remote_changes(self, batch: ChangeBatch) -> None:
        claim_list = self.claim_list
        if batch.overflow:
            current = claim_list.current_claim
            self.reload_claims(current.id if current is not None else None)
            return
        if self.article_id in batch.article_ids and batch.has("assignment"):
            self.show_title()
        in_view = sorted(cid for cid in batch.claim_ids if cid in claim_list.claims)
        if not in_view:
            return
        if batch.has("review"):
            flagged = team.review_requested(self.desk.reader, in_view)
            for claim_id in in_view:
                if (claim_id in flagged) != (claim_id in claim_list.flagged):
                    claim_list.flagged ^= {claim_id}
                    claim_list.update_claim(claim_list.claims[claim_id])
        self.store_changed(StoreChanged("", in_view))

    def presence_changed(self) -> None:
        self.show_title()

    # -- actions -------------------------------------------------------------------

    def _target_ids(self) -> list[int]:
        """The selected claims, or else the one under the cursor."""
        claim_list = self.claim_list
        if claim_list.selected:
            return sorted(claim_list.selected)
        current = claim_list.current_claim
        return [current.id] if current else []

    def action_cursor_down(self) -> None:
        self.claim_list.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.claim_list.action_cursor_up()

    def action_record_verdict(self, verdict: str) -> None:
        ids = self._target_ids()
        if not ids:
            return
        bulk = bool(self.claim_list.selected)
        # What the checker saw: a colleague's verdict stored meanwhile is shown, not overwritten.
        seen = {cid: self.claim_list.claims[cid].verdict for cid in ids if cid in self.claim_list.claims}
        self.claim_list.show_verdict(ids, verdict)
        self.desk.record_verdict(ids, verdict, offer_duplicates=not bulk, seen=seen)
        if bulk:
            self.claim_list.clear_selection()
            self.update_status()

    def action_accept_suggestion(self) -> None:
        suggestion = self.match_panel.suggestion
        if suggestion is None:
            reason = self.match_panel.suggestion_reason
            self.notify(f"No suggested verdict for this claim{': ' + reason if reason else ''}.",
                        timeout=3, markup=False)
            return
        self.action_record_verdict(suggestion)

    def action_edit_note(self) -> None:
        claim = self.claim_list.current_claim
        if claim is not None:
            self.desk.edit_note(claim)

    def action_edit_evidence(self) -> None:
        claim = self.claim_list.current_claim
        if claim is not None:
            self.desk.edit_evidence(claim)

    def action_open_match_url(self) -> None:
        match = self.match_panel.selected_match
        if match is None or not match.candidate.url:
            self.notify("The selected match has no URL.", timeout=2)
            return
        self.desk.open_url(match.candidate.url)

    def action_scroll_detail(self) -> None:
        """A page further down the claim's detail, or back to its top from the bottom."""
        self.query_one(ClaimDetail).page_down_or_top()

    def action_next_match(self) -> None:
        self.match_panel.select_next()

    def action_show_history(self) -> None:
        claim = self.claim_list.current_claim
        if claim is not None:
            self.desk.show_history(claim)

    def action_toggle_selection(self) -> None:
        claim = self.claim_list.current_claim
        if claim is not None:
            self.claim_list.toggle_selected(claim.id)
            self.claim_list.action_cursor_down()
            self.update_status()

    def action_select_all(self) -> None:
        self.claim_list.select_all()
        self.update_status()

    def action_toggle_sort(self) -> None:
        """Most check-worthy claims first, or back to the article's order; the cursor stays
        on its claim."""
        self.by_score = not self.by_score
        current = self.claim_list.current_claim
        self.reload_claims(current.id if current is not None else None)

    def action_ask_review(self) -> None:
        """Mark the claims (selected, or under the cursor) for the editor's review, or
        take the mark away when they all have it."""
        ids = self._target_ids()
        if not ids:
            return
        claim_list = self.claim_list
        withdraw = all(cid in claim_list.flagged for cid in ids)
        if withdraw:
            # A shared mark: r takes away only this checker's own request.
            try:
                requesters = team.review_requesters(self.desk.reader, ids)
            except ClaimdeskError as exc:
                self.desk.show_error(exc)
                return
            others = {cid: who for cid, who in requesters.items() if who != self.desk.checker}
            if others:
                claim_id, who = next(iter(others.items()))
                self.notify(f"{who} asked the editor to review claim {claim_id}; the mark stays "
                            f"until the editor settles it or {who} takes it back.",
                            timeout=4, markup=False)
                return
        claim_list.flagged = (claim_list.flagged - set(ids)) if withdraw else (claim_list.flagged | set(ids))
        for claim_id in ids:
            claim_list.update_claim(claim_list.claims[claim_id])
        self.desk.request_review(ids, withdraw=withdraw)
        what = f"claim {ids[0]}" if len(ids) == 1 else f"{len(ids)} claims"
        self.notify(f"{'No longer asking' if withdraw else 'Asked'} the editor to review {what}.",
                    timeout=3, markup=False)

    def action_assign_article(self) -> None:
        self.desk.assign_article(self.article_id)

    def action_back(self) -> None:
        if self.claim_list.selected:
            self.claim_list.clear_selection()
            self.update_status()
        elif not self.clear_filter():
            self.app.pop_screen()
