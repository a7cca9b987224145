"""``python -m benchmarks``: the development entry point of the benchmark harness.

The harness is not part of the product (it drives Chromium with selenium from the test extra
and starts servers of its own), so ``sahel-dashboard`` has no benchmark commands:

* ``python -m benchmarks bench [--scales 1,10,100,1000] [--repeat 20] [--output-dir benchmarks] ...``:
  start-up, payloads, interactions and exports at several scales, and the naive baseline
  (``benchmarks/run.py``; every option of ``python -m benchmarks.run``);
* ``python -m benchmarks loadtest [--users 50] [--seconds 60] [--soak-minutes 0] [--scale-out]``:
  load, worker-kill and soak tests of ``serve`` on 127.0.0.1 (``load.py``, ``scale_out.py``);
* ``python -m benchmarks startup [--scales 1,100,1000] [--repeat 5]``: cold and cached start
  time and per-worker memory of ``serve`` (``startup.py``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

LOAD_RESULTS = "benchmarks/load-results.json"


def _loadtest(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks loadtest",
                                     description="load, worker-kill and soak tests of `serve` on 127.0.0.1")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--soak-minutes", type=float, default=0, help="e.g. 10 for the soak test")
    parser.add_argument("--output", default=LOAD_RESULTS)
    parser.add_argument("--scale-out", action="store_true", help="Redis, 2 app processes and 1 export worker under nice 19: "
                                                                 "interactive p95 without and with exporting users")
    parser.add_argument("--exporters", type=int, default=5, help="with --scale-out: users exporting without pause")
    args = parser.parse_args(argv)
    if args.scale_out:
        from benchmarks.scale_out import main as scale_out_main

        output = args.output if args.output != LOAD_RESULTS else "benchmarks/scale-out-results.json"
        return scale_out_main(args.users, args.exporters, args.seconds, Path(output))
    from benchmarks.load import main as load_main

    return load_main(args.users, args.seconds, args.soak_minutes, Path(args.output))


def _bench(argv: list[str]) -> int:
    from benchmarks.run import main as bench_main

    return bench_main(argv)


def _startup(argv: list[str]) -> int:
    from benchmarks.startup import main as startup_main

    return startup_main(argv)


COMMANDS = {"bench": _bench, "loadtest": _loadtest, "startup": _startup}


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``python -m benchmarks COMMAND [options]``."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    return int(COMMANDS[argv[0]](argv[1:]))


if __name__ == "__main__":
    raise SystemExit(main())
