"""Data files of the matcher: `rerank_trees.json`, the boosted trees that correct the
titled candidates' score (read by `matchers.trees.load_rerank_trees`, written by
`bench/matching.py --tune`)."""
