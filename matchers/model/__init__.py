"""The matcher's fitted model: `rerank_trees.json`, the boosted trees that correct the
titled candidates' score (read by `matchers.trees.load_rerank_trees`), and `train.py`,
which fits them (run by `bench/matching.py --tune`)."""
