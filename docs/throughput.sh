#!/usr/bin/env bash
# The throughput rows of `bench --full` (ThroughputFamily): the simulator's replay of 30,000 live migrations (issue 14:
# under 15 s) and the ingest of a generated usage.csv of 10 million rows against a plain line count of the same file
# in the same run, each row in a child process of its own. Wall-clock figures: they move with the machine and its
# load, which the last line gives.
# Usage: bash docs/throughput.sh   (from the repository root; about a minute, a 400 MB scratch file in the temp folder)
# docs/importers.md block: <!-- refresh throughput slow: bash docs/throughput.sh -->
set -euo pipefail
cd "$(dirname "$0")/.."
. docs/consolidator.sh
before=$(cut -d' ' -f1 /proc/loadavg)
consolidator bench --full --family throughput --out out/bench-throughput | sed -n 1p
after=$(cut -d' ' -f1 /proc/loadavg)
python3 - out/bench-throughput/bench.json <<'PY'
import json, sys
rows = {r["instance"]: r for r in json.load(open(sys.argv[1]))["rows"]}
def row(prefix):
    [r] = [r for name, r in rows.items() if name.startswith(prefix)]
    if r.get("error"): sys.exit(f"throughput: {r['instance']}: {r['error']}")
    return r["measures"], r["peak_memory_mib"]
m, _ = row("replay-")
print(f"replay: {int(m['migrations']):,} live migrations in {m['replay_seconds']:.2f} s ({int(m['migrations_per_second']):,} migrations/s)")
m, peak = row("ingest-")
print(f"ingest: {int(m['rows']):,} usage rows in {m['rows'] / m['rows_per_second']:.2f} s ({m['rows_per_second'] / 1e6:.2f} million rows/s, "
      f"{m['ratio_to_line_read']:.3f} x the plain line count's {m['line_read_rows_per_second'] / 1e6:.1f} million rows/s)")
print(f"ingest memory: peak managed heap {m['peak_managed_mib']:.1f} MiB ({m['peak_bytes_per_row']:.1f} bytes per row), process peak {peak} MiB")
PY
echo "load average (1 minute) $before at the start, $after at the end; $(nproc) cores"
