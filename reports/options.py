"""The options a report can take beyond the records themselves."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportOptions:
    """How to render a report.

    `base_url` is the page that publishes the reviews: each ClaimReview's `url` is
    `base_url#claim-<id>`, the same anchor the HTML report gives each claim, so the
    HTML report published at `base_url` is the review page. Without it the anchors are
    relative (`#claim-<id>`), which resolve correctly once the JSON-LD is embedded in
    that page. `organisation_name`/`organisation_url` are the ClaimReview author.
    `include_unverified` exports unverified claims as ClaimReview too (they stay
    internal by default); `graph` wraps ClaimReview objects in one `@graph` rather
    than a plain JSON array.
    """

    base_url: str = ""
    organisation_name: str = ""
    organisation_url: str = ""
    include_unverified: bool = False
    graph: bool = True
    title: str = "Verdict report"
