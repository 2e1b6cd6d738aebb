#!/usr/bin/env bash
# The Prometheus import's peak memory against a real Prometheus started as the tests start it (promtool backfill from
# OpenMetrics, then the server on a loopback port): SERIES VMs' CPU counter and memory gauge at STEPS 5-minute steps,
# an inventory of the first VMS of them; prints the largest answer, the CLI's peak resident memory (GNU time %M) and its
# wall clock and CPU seconds (user + system), and the load. Usage: bash docs/prometheus-peak.sh [SERIES] [STEPS] [VMS]
# (from the repository root). PROMETHEUS_PEAK_CACHE=DIR keeps the backfilled storage there for the next run (the
# backfill takes minutes); CONSOLIDATOR_DLL=PATH measures another build of the CLI (an older commit's) on the same data.
set -euo pipefail
series=${1:-20000} steps=${2:-289} vms=${3:-100}
if [ -n "${CONSOLIDATOR_DLL:-}" ]; then consolidator() { dotnet "$CONSOLIDATOR_DLL" "$@"; }; export -f consolidator; export CONSOLIDATOR_DLL; fi
source docs/consolidator.sh
work=$(mktemp -d); trap 'kill "${pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
t0=1767571200
data=${PROMETHEUS_PEAK_CACHE:+$PROMETHEUS_PEAK_CACHE/$series-$steps-$vms}
data=${data:-$work}
mkdir -p "$data"
if [ ! -d "$data/tsdb" ]; then
python3 - "$series" "$steps" "$vms" "$t0" "$data" <<'PY'
import sys
series, steps, vms, t0, work = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
with open(f"{work}/data.om", "w") as f:
    f.write("# TYPE libvirt_domain_info_cpu_time_seconds counter\n")
    for i in range(series):
        for k in range(steps + 1):
            f.write(f'libvirt_domain_info_cpu_time_seconds_total{{domain="vm{i}"}} {k * 300 * (0.5 + (i * 7 + k) % 13 / 10):.3f} {t0 + (k - 1) * 300}\n')
    f.write("# TYPE libvirt_domain_info_memory_usage_bytes gauge\n")
    for i in range(series):
        for k in range(steps):
            f.write(f"libvirt_domain_info_memory_usage_bytes{{domain=\"vm{i}\"}} {1073741824 + 4096 * ((i * 31 + k * 17) % 1000)} {t0 + k * 300}\n")
    f.write("# EOF\n")
with open(f"{work}/hosts.csv", "w") as f:
    f.write("host_id,cpu_cores,memory_mib,idle_watts,max_watts\n")
    for h in range((vms + 9) // 10): f.write(f"h{h},64,262144,100,400\n")
with open(f"{work}/vms.csv", "w") as f:
    f.write("vm_id,vcpus,memory_mib,current_host\n")
    for i in range(vms): f.write(f"vm{i},4,8192,h{i // 10}\n")
PY
promtool tsdb create-blocks-from openmetrics "$data/data.om" "$data/tsdb.new" > /dev/null
rm "$data/data.om"
mv "$data/tsdb.new" "$data/tsdb"
fi
rm -f "$data/tsdb/lock"
printf 'global:\n  scrape_interval: 1m\n' > "$work/prometheus.yml"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$data/tsdb" --web.listen-address=127.0.0.1:$port \
  --storage.tsdb.retention.time=3650d > "$work/prometheus.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/-/ready" > /dev/null; do sleep 0.5; done
start=$(date -u -d @$t0 +%Y-%m-%dT%H:%M:%SZ) end=$(date -u -d @$((t0 + (steps - 1) * 300)) +%Y-%m-%dT%H:%M:%SZ)
answer=$(curl -s --data-urlencode query=libvirt_domain_info_cpu_time_seconds_total -d start=$((t0 - 300)) -d end=$((t0 + (steps - 1) * 300)) -d step=300 \
  "http://127.0.0.1:$port/api/v1/query_range" | wc -c)
load0=$(cut -d' ' -f1 /proc/loadavg)
/usr/bin/time -f '%e %M %U %S' -o "$work/time" bash -c 'consolidator "$@"' _ import --format prometheus --url "http://127.0.0.1:$port/" \
  --start "$start" --end "$end" --step 5m --hosts "$data/hosts.csv" --vms "$data/vms.csv" --out "$work/out" > "$work/stdout"
read -r wall peak user sys < "$work/time"
echo "| $series series x $steps steps, $vms inventory VMs | CPU answer $((answer / 1000000)) MB | peak RSS $((peak / 1024)) MiB | $wall s wall, $(echo "$user + $sys" | bc) s CPU | usage rows $(($(wc -l < "$work/out/usage.csv") - 1)) | sha256 $(sha256sum "$work/out/usage.csv" | cut -c1-12) | load $load0 -> $(cut -d' ' -f1 /proc/loadavg) |"
