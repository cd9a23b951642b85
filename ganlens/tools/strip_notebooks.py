"""Strip outputs, execution counts and widget state from notebooks (``python -m ...``).

Used by the repository's pre-commit hook (``.githooks/pre-commit``) so notebooks are committed
without outputs; ``--check`` only reports (exit 1) the notebooks that carry any.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def strip(nb: dict[str, Any]) -> bool:
    """Remove outputs, execution counts and saved widget state in place; whether anything changed."""
    changed = "widgets" in nb.get("metadata", {})
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        changed |= bool(cell.get("outputs")) or cell.get("execution_count") is not None
        cell["outputs"], cell["execution_count"] = [], None
    return changed


def main(argv: list[str] | None = None) -> int:
    """Strip (or ``--check``) the given notebooks; exit 1 if a checked one had outputs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="report, do not change files")
    args = parser.parse_args(argv)
    dirty = []
    for path in args.paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        if strip(nb):
            dirty.append(path)
            if not args.check:
                path.write_text(
                    json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
                )
    for path in dirty:
        print(f"{'has outputs' if args.check else 'stripped'}: {path}")
    return 1 if args.check and dirty else 0


if __name__ == "__main__":
    sys.exit(main())
