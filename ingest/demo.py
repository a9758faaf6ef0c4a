"""The demo: the sample article and a few reference claims written for it.

The reference claims are invented for demonstration and say so in their source name;
their URLs point at example.org.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEMO_SOURCE = "Demo data (not a real fact-check)"


def demo_file(name: str) -> Path:
    return Path(str(resources.files("ingest") / "demo_data" / name))


def demo_article_path() -> Path:
    return demo_file("sample-article.txt")


def demo_references_path() -> Path:
    return demo_file("reference-claims.jsonl")
