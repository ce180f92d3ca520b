"""Re-run every `$ medaid ...` block of docs/what-if.md and write what medaid prints now (and the charts).

Run after a change that moves the numbers (the synthetic generator, the engine, a policy file):
    python scripts/refresh_what_if_docs.py
tests/docs/test_what_if.py fails until the docs are refreshed.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from medaid.synth import synth_claims

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "what-if.md"


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        caseloads = Path(folder)
        synth_claims(50_000, 2024, seed=3).write_csv(caseloads / "w.csv")
        synth_claims(50_000, 2023, seed=3).write_csv(caseloads / "w23.csv")
        chunks = text.split("```text\n")
        for i, chunk in enumerate(chunks[1:], start=1):
            block, rest = chunk.split("```", 1)
            command = block.splitlines()[0]
            args = []
            for arg in shlex.split(command.removeprefix("$ "))[1:]:
                if arg in ("w.csv", "w23.csv"):
                    arg = str(caseloads / arg)
                elif arg.startswith("policies/"):
                    arg = str(ROOT / arg)
                elif arg.endswith(".png"):
                    arg = str(ROOT / "docs" / arg)
                args.append(arg)
            # A fresh process, as in tests/docs/test_what_if.py (and as a user runs it).
            output = subprocess.run(
                [sys.executable, "-m", "medaid", *args], capture_output=True, text=True, encoding="utf-8"
            ).stdout
            chunks[i] = f"{command}\n{output}```{rest}"
    DOC.write_text("```text\n".join(chunks), encoding="utf-8")
    print(f"refreshed {DOC}")


if __name__ == "__main__":
    main()
