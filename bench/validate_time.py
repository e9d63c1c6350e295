"""Measure `innograph validate` end to end on the curated graph (or another project): wall time and peak
memory over several runs of the real command, each in a fresh process. Prints the figures; asserts nothing.

    python bench/validate_time.py [--runs 10] [--root DIR --sources DIR]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--root", help="another project, e.g. a graph of bench/synthetic.py")
    parser.add_argument("--sources", help="its sources folder")
    args = parser.parse_args()
    command = [sys.executable, "-m", "innograph", "validate"]
    command += ["--root", args.root] if args.root else []
    command += ["--sources", args.sources] if args.sources else []
    walls = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - started)
        if result.returncode != 0:
            sys.exit(f"validate exited {result.returncode}:\n{result.stdout}{result.stderr}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = result.stdout.strip().splitlines()[-1]
    print(
        f"innograph validate, {args.runs} runs: median {statistics.median(walls):.2f} s, "
        f"min {min(walls):.2f} s, max {max(walls):.2f} s, peak RSS {peak_mb:.0f} MB ({summary})"
    )


if __name__ == "__main__":
    main()
