"""Start-up benchmark: what the shadowed-name check (scoreledger_start) adds to a command.

Not a test. Run::

    python benchmarks/bench_startup.py --repeat 40

Measures, wall time of a new process, median of --repeat runs taken in turns (so a spell
of load on this shared machine falls on every side alike):

* the floor: ``python -c pass``;
* ``--help`` without the check (``scoreledger.cli.run``, what the console script ran before
  issue 9.6) and with it (``scoreledger_start.main``), both through ``python -c`` so that
  they differ by the check alone; and the installed console script itself;
* the check by itself, timed inside a child: from ``import scoreledger_start`` to
  ``check()``'s answer, and the call alone, so the figure is not lost in the noise of two
  process starts.

Prints the figures and the ratios: checked ``--help`` over unchecked, and the check's own
time over the unchecked ``--help``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

PY = sys.executable
COMMANDS = {
    "python -c pass": [PY, "-c", "pass"],
    "--help unchecked": [PY, "-c", "from scoreledger.cli import run; run()", "--help"],
    "--help checked": [PY, "-c", "from scoreledger_start import main; main()", "--help"],
    "console script --help": [str(Path(PY).parent / "scoreledger"), "--help"],
}
# Two figures: from the module's import (which loads importlib.util and typing, most of
# which the command line loads anyway) to the answer, and the check() call by itself.
CHECK_ALONE = (
    "import time\nstart = time.perf_counter()\nimport scoreledger_start\n"
    "middle = time.perf_counter()\nassert scoreledger_start.check() == []\n"
    "end = time.perf_counter()\nprint(end - start, end - middle)\n"
)


def _wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _check_alone() -> tuple[float, float]:
    out = subprocess.run([PY, "-c", CHECK_ALONE], check=True, capture_output=True, text=True)
    with_import, call = map(float, out.stdout.split())
    return with_import, call


def measure(repeat: int) -> dict[str, float]:
    """Median seconds of each command and of the check alone, taken in turns."""
    alone = ["check with its import", "check() call"]
    samples: dict[str, list[float]] = {name: [] for name in [*COMMANDS, *alone]}
    for _ in range(repeat):
        for name, argv in COMMANDS.items():
            samples[name].append(_wall(argv))
        for name, value in zip(alone, _check_alone(), strict=True):
            samples[name].append(value)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    figures = measure(args.repeat)
    unchecked = figures["--help unchecked"]
    result = {
        "seconds (median)": {name: round(value, 4) for name, value in figures.items()},
        "checked --help / unchecked --help": round(figures["--help checked"] / unchecked, 3),
        "check with its import / unchecked --help": round(
            figures["check with its import"] / unchecked, 4
        ),
        "check() call / unchecked --help": round(figures["check() call"] / unchecked, 4),
        "repeat": args.repeat,
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
