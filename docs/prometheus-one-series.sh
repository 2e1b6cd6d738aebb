#!/usr/bin/env bash
# The Prometheus import's peak memory on an answer near its 256 MiB bound, held in ONE series or spread over many, from a
# hostile server (a Python stand-in: a real Prometheus cannot send it, see below): prints the answer's size, the CLI's
# exit code and first error line, its peak resident memory (GNU time %M), wall and CPU seconds, and the load.
# Usage: bash docs/prometheus-one-series.sh [one|many] [MIB] (from the repository root; CONSOLIDATOR_DLL=PATH measures
# another build). Why a stand-in: the importer asks at most PrometheusImporter.MaxStepsPerPiece (1,000) steps a query,
# and Prometheus answers one point per step and series (and refuses more than 11,000), so one series of a real server's
# answer holds at most ~40 KB; only a server that is not Prometheus (a broken proxy, a hostile endpoint at --url) sends
# more. The points lie outside the period asked for, so the import is refused after the answer is parsed: the peak is
# the parse's.
set -euo pipefail
shape=${1:-one} mib=${2:-250}
if [ -n "${CONSOLIDATOR_DLL:-}" ]; then consolidator() { dotnet "$CONSOLIDATOR_DLL" "$@"; }; export -f consolidator; export CONSOLIDATOR_DLL; fi
source docs/consolidator.sh
work=$(mktemp -d); trap 'kill "${pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
printf 'host_id,cpu_cores,memory_mib,idle_watts,max_watts\nh0,64,262144,100,400\n' > "$work/hosts.csv"
printf 'vm_id,vcpus,memory_mib,current_host\nvm0,4,8192,h0\n' > "$work/vms.csv"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$shape" "$mib" "$port" > "$work/server.log" 2>&1 <<'PY' &
import sys, http.server
shape, mib, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
point = b'[1000000000,"0.123456789"],'  # 27 bytes; dated 2001, outside any period asked for
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def log_message(self, *a): pass
    def do_GET(self): self.answer()
    def do_POST(self): self.answer()
    def answer(self):
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.end_headers()
        if "query_range" not in self.path:
            self.wfile.write(b'{"status":"success","data":{"resultType":"vector","result":[]}}'); return
        self.wfile.write(b'{"status":"success","data":{"resultType":"matrix","result":[')
        total, points, chunk = mib << 20, 0, point * 4096
        per = total // len(point) if shape == "one" else 14  # the 14 points the import asks for (13 steps, the counter one early)
        series, sent = 0, 0
        while series == 0 or sent + 40 + per * len(point) <= total:
            head = (b"," if series else b"") + b'{"metric":{"domain":"vm%d"},"values":[' % series
            self.wfile.write(head)
            sent += len(head) + per * len(point) + 1
            left = per
            while left > 0:
                n = min(left, 4096); self.wfile.write(chunk[: n * len(point) - (1 if n == left else 0)]); left -= n
            self.wfile.write(b"]}")
            series += 1
        self.wfile.write(b"]}}")
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY
pid=$!
until curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/query"; do sleep 0.2; done
answer=$(curl -s "http://127.0.0.1:$port/api/v1/query_range" | wc -c)
load0=$(cut -d' ' -f1 /proc/loadavg)
set +e
/usr/bin/time -f '%e %M %U %S' -o "$work/time" bash -c 'consolidator "$@"' _ import --format prometheus --url "http://127.0.0.1:$port/" \
  --start 2026-01-05T00:00:00Z --end 2026-01-05T01:00:00Z --step 5m --hosts "$work/hosts.csv" --vms "$work/vms.csv" --out "$work/out" > "$work/stdout" 2> "$work/stderr"
rc=$?
set -e
read -r wall peak user sys < <(tail -1 "$work/time")
echo "| $shape series shape | answer $((answer / 1048576)) MiB | exit $rc: $(grep -m1 . "$work/stderr" | cut -c1-110) | peak RSS $((peak / 1024)) MiB | $wall s wall, $(echo "$user + $sys" | bc) s CPU | load $load0 -> $(cut -d' ' -f1 /proc/loadavg) |"
