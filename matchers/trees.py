"""Boosted regression trees that correct the titled candidates' linear score.

- `pool_rows(columns)`: the trees' input for each candidate of one search: its own
  values, each value minus the best of the search, and its rank (0 best, capped) among
  the search's candidates on each value. The pool-relative values say what a weighted
  mean cannot: "the best title match of this search" counts more than a high one.
- `RerankTrees.predict(row)`: the sum of the trees' leaves for one row;
  `RerankTrees.linked(corrected)`: a corrected mean's score in (0, 1).
- `load_rerank_trees()`: the trees shipped in `matchers/model/rerank_trees.json`
  (None when the file is absent, so the linear score serves alone).

The trees are fitted by `matchers/model/train.py` (LightGBM's LambdaRank on the
CheckThat! 2020 task 2 train split, starting from the linear score) and evaluated here
in plain Python, so matching needs no library beyond its own. `matchers.rank` adds
`predict(row) / scale` to the linear score and maps the sum into (0, 1) by `linked`,
a logistic fitted with the trees.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

MODEL_FORMAT = "claimdesk-rerank-trees/1"
# A candidate's rank on a value counts up to this (beyond, it is as far as any).
MAX_POOL_RANK = 20


def pool_rows(columns: Sequence[Sequence[float]]) -> list[list[float]]:
    """For each candidate (a row of `columns`, one value per column): its values, then
    each value minus the column's best, then its rank on each column (0 best, ties in
    input order, at most `MAX_POOL_RANK`)."""
    if not columns:
        return []
    width = len(columns[0])
    best = [max(row[c] for row in columns) for c in range(width)]
    ranks = [[0] * width for _ in columns]
    for c in range(width):
        for rank, i in enumerate(sorted(range(len(columns)), key=lambda i: -columns[i][c])):
            ranks[i][c] = min(rank, MAX_POOL_RANK)
    return [
        [*row, *(value - top for value, top in zip(row, best)), *map(float, rank)]
        for row, rank in zip(columns, ranks)
    ]


@dataclass(frozen=True)
class RerankTrees:
    """Trees over `pool_rows` of the `columns` named (in that order); the sum of their
    leaves, divided by `scale`, is added to the linear score, and `link` maps the sum
    into (0, 1)."""

    columns: tuple[str, ...]
    scale: float
    # (slope, midpoint) of the logistic that maps the corrected mean into (0, 1).
    link: tuple[float, float]
    # Each tree: (feature, threshold, left, right) nodes, a child below 0 being the leaf
    # ~child; a row goes left when its feature is at most the threshold.
    nodes: tuple[tuple[tuple[int, float, int, int], ...], ...]
    leaves: tuple[tuple[float, ...], ...]

    def linked(self, corrected: float) -> float:
        """The score in (0, 1) of a corrected mean (the weighted mean plus
        `predict(row) / scale`): its logistic `link`."""
        slope, midpoint = self.link
        x = slope * (corrected - midpoint)
        return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))

    def predict(self, row: Sequence[float]) -> float:
        total = 0.0
        for nodes, leaves in zip(self.nodes, self.leaves):
            child = 0 if nodes else -1
            while child >= 0:
                feature, threshold, left, right = nodes[child]
                child = left if row[feature] <= threshold else right
            total += leaves[~child]
        return total

    @classmethod
    def from_json(cls, data: dict) -> "RerankTrees":
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"The rerank model's format {data.get('format')!r} is not {MODEL_FORMAT!r}.")
        return cls(
            columns=tuple(data["columns"]),
            scale=float(data["scale"]),
            link=(float(data["link"][0]), float(data["link"][1])),
            nodes=tuple(tuple((int(f), float(t), int(l), int(r)) for f, t, l, r in tree["nodes"]) for tree in data["trees"]),
            leaves=tuple(tuple(float(v) for v in tree["leaves"]) for tree in data["trees"]),
        )

    def to_json(self) -> dict:
        return {
            "format": MODEL_FORMAT,
            "columns": list(self.columns),
            "scale": self.scale,
            "link": list(self.link),
            "trees": [
                {"nodes": [list(node) for node in nodes], "leaves": list(leaves)}
                for nodes, leaves in zip(self.nodes, self.leaves)
            ],
        }


@lru_cache(maxsize=1)
def load_rerank_trees() -> RerankTrees | None:
    """The shipped trees, or None when the package carries none."""
    try:
        text = resources.files("matchers").joinpath("model", "rerank_trees.json").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    return RerankTrees.from_json(json.loads(text))
