"""The README's training-core example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def _block(marker: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, f"one README python block should contain {marker!r}"
    return found[0]


def test_training_core_example(capsys):
    code = _block("class MyMethod")
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    trainer, mine = namespace["trainer"], namespace["mine"]
    assert trainer.step == 1 and mine.step == 1
    assert "loss_g_l2" in capsys.readouterr().out
    assert namespace["inputs"].kind == "latent" and len(namespace["inputs"]) == 8
