#!/usr/bin/env bash
# The held-out check of 2026-12-07 (datasets/calibration/qemu-7.2-tcg-fresh.csv): six settings neither the fit nor any
# held-out setting had used, three runs each, every run predicted by the simulator before it started (the predicted_*
# columns, written by bench --family qemu from the recording's earlier rows only), after three runs of four fit scenarios
# that measure the machine. Prints the machine, each setting by the median of its replayed runs (calibrate's settings
# table, the replay taking each run's measured inputs), then every run against its prediction and its replay, and the
# error distribution of the held-out runs. An argument names another recording of the same settings (the second session,
# datasets/calibration/qemu-7.2-tcg-fresh2.csv); arguments after it are calibrate flags for an ablation (`bash
# docs/fresh-heldout.sh datasets/calibration/qemu-7.2-tcg-fresh.csv --send-overlap`, docs/simulator.md "The send's overlap
# with the wire").
# docs/simulator.md blocks: <!-- refresh fresh-heldout: bash docs/fresh-heldout.sh -->,
#   <!-- refresh fresh2-heldout: bash docs/fresh-heldout.sh datasets/calibration/qemu-7.2-tcg-fresh2.csv -->
set -euo pipefail
cd "$(dirname "$0")/.."
. docs/consolidator.sh
out=$(consolidator calibrate --lab "${1:-datasets/calibration/qemu-7.2-tcg-fresh.csv}" "${@:2}")
printf '%s\n' "$out" | grep '^machine of'
printf '%s\n' "$out" | awk '/^\| setting / { print; getline; print; on = 1; next } on && /^\| / { print } on && !/^\| / { on = 0 }'
printf '%s\n' "$out" | sed -n '/^predicted before each run/,$p'
