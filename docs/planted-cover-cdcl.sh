#!/usr/bin/env bash
# Issue 17's flat-mem K = 20 cover given to conflict-driven clause learning (docs/solver.md, "Issue 17's last point"):
# does learning make the refutation of a wrong choice cheaper than its subtree, where the size-prior search
# (src/Consolidator/Solving/FullHosts/CoverSearch.cs) has none? Over docs/planted-cover.sh's sets (every exact set of
# at most 8 VMs), a Boolean per set and every VM in exactly one chosen set, posed two ways:
# - `cadical:OPTS[:FLAGS]`: CNF for CaDiCaL (Debian's /usr/bin/cadical), per VM an at-least-one clause and a Sinz (2005)
#   sequential-counter at-most-one; OPTS comma-joined: `count` adds exactly K chosen sets (a Sinz counter over every
#   set, both directions: register (i, j) holds exactly when at least j of the first i sets are chosen), `prior`
#   numbers the set variables above every auxiliary one, the size prior's heaviest highest (CaDiCaL's initial queue
#   decides the highest index first, its default phase true: the first descent chooses the prior's sets in order);
#   FLAGS are CaDiCaL's own, with `+` for a space (e.g. `--sat` or `--phase=false`).
# - `cpsat:VARIANT`: CP-SAT, 1 worker, linearization_level:0 (no LP: the search is its clause-learning core),
#   AddExactlyOne per VM and the count (sum = K); VARIANT `auto` (its own search), `fixed` (FIXED_SEARCH over the sets
#   in the prior's order, heaviest first, each tried in before out), `hint` (a hint: every set of the prior's heaviest
#   size in, the rest out).
# The size prior is the one CoverSearch starts from: per size, the expected number of sets of that size in a cover
# of the VMs by K sets (every composition of the sizes present counted once) over the sets of that size.
# K is the planted hosts' count (docs/planted-cover.sh's vms-SEED.txt). Each run stops at MAX_CONFLICTS conflicts (counted: both solvers are deterministic with one thread, so the row does
# not depend on the load) or 600 s of wall clock; any answer is checked to cover every VM once. CPU seconds are the
# process's and depend on the machine and its load: said beside them.
# With REFUTE="SEED:SET ..." set, the rows are instead one root choice's refutation, two ways: SET (a line of
# sets-SEED.txt, 0 first) fixed, the depth-first search below it run to its end (the VM with the fewest live sets
# first, Knuth's rule, no restarts: the subtree a search must walk to learn the choice was wrong; nodes counted, at
# most 500 M), and CaDiCaL on the plain CNF with SET's unit clause (MAX_CONFLICTS): does learning refute it sooner?
# With SETS_DIR set, sets already there (docs/planted-cover.sh's sets-SEED.txt) are reused, others written there.
# Usage: bash docs/planted-cover-cdcl.sh MAX_CONFLICTS "GENERATOR OPTIONS" "VARIANT..." SEED...
#   e.g. bash docs/planted-cover-cdcl.sh 50000 "--shape flat-mem --decimals 2 --host 40x384" \
#          "cadical: cadical:count,prior cadical:count,prior:--sat cpsat:auto cpsat:fixed cpsat:hint" 2 5 3 8
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 4 ] || { echo 'usage: bash docs/planted-cover-cdcl.sh MAX_CONFLICTS "GENERATOR OPTIONS" "VARIANT..." SEED...' >&2; exit 2; }
cap=$1 options=$2 variants=$3; shift 3
command -v cadical > /dev/null || { echo 'cadical not found (apt-get install cadical)' >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sets=${SETS_DIR:-$work/sets}
mkdir -p "$sets" "$work/cpsat"
cat > "$work/prior.py" <<'PY'
# The size prior at the root: per size, the expected count in a cover of n VMs by K sets over the sets of that size.
from fractions import Fraction
def prior(n, K, sets):
    sizes = sorted(set(len(s) for s in sets)); cnt = {z: sum(len(s) == z for s in sets) for z in sizes}; comps = []
    def rec(i, left, k, acc):
        if i == len(sizes):
            if left == 0 and k == 0: comps.append(acc)
            return
        for a in range(k + 1):
            if a * sizes[i] > left: break
            rec(i + 1, left - a * sizes[i], k - a, acc + [a])
    rec(0, n, K, [])
    return {z: Fraction(sum(c[i] for c in comps), len(comps)) / cnt[z] for i, z in enumerate(sizes)}
def read(path):
    lines = open(path).read().split('\n'); n, ns = map(int, lines[0].split())
    return n, [list(map(int, l.split()))[1:] for l in lines[1:1 + ns]]
PY
cat > "$work/cnf.py" <<'PY'
import sys
sys.path.insert(0, sys.argv[0].rsplit('/', 1)[0])
from prior import prior, read
sets_file, out, K, opts = sys.argv[1], sys.argv[2], int(sys.argv[3]), set(o for o in sys.argv[4].split(',') if o)
n, sets = read(sets_file); ns = len(sets); w = prior(n, K, sets)
rank = sorted(range(ns), key=lambda i: (w[len(sets[i])], -i)) if 'prior' in opts else list(range(ns))
var = [0] * ns
for pos, i in enumerate(rank): var[i] = pos + 1
nv, cl = ns, []
def new(k):
    global nv
    r = list(range(nv + 1, nv + 1 + k)); nv += k; return r
by = [[] for _ in range(n)]
for i, s in enumerate(sets):
    for v in s: by[v].append(var[i])
for xs in by:  # at least one, and a sequential counter for at most one
    cl.append(xs); k = len(xs)
    if k < 2: continue
    s = new(k - 1)
    for i in range(k - 1):
        cl.append([-xs[i], s[i]])
        if i > 0: cl.append([-s[i - 1], s[i]]); cl.append([-xs[i], -s[i - 1]])
    cl.append([-xs[k - 1], -s[k - 2]])
if 'count' in opts:  # exactly K: r(i, j) <-> at least j of the first i sets, j = 1..K+1; r(ns, K) and not r(ns, K+1)
    prev = None
    for i in range(ns):
        x, cur = var[i], new(K + 1)
        for j in range(1, K + 2):
            r = cur[j - 1]; pj = prev[j - 1] if prev else None; pj1 = prev[j - 2] if prev and j >= 2 else None
            if pj: cl.append([-pj, r])
            if j == 1: cl.append([-x, r]); cl.append([-r, x] + ([pj] if pj else []))
            elif pj1: cl.append([-x, -pj1, r]); cl.append([-r, pj, x] if pj else [-r, x]); cl.append([-r, pj, pj1] if pj else [-r, pj1])
            else: cl.append([-r])
        prev = cur
    cl.append([prev[K - 1]]); cl.append([-prev[K]])
aux = nv - ns
def m(l):  # with `prior` the set variables go above every auxiliary one
    a = abs(l); r = (a + aux if a <= ns else a - ns) if 'prior' in opts else a
    return r if l > 0 else -r
with open(out, 'w') as f:
    f.write(f'p cnf {nv} {len(cl)}\n')
    for c in cl: f.write(' '.join(str(m(x)) for x in c) + ' 0\n')
with open(out + '.map', 'w') as f: f.write(' '.join(str(m(var[i])) for i in range(ns)) + '\n')
PY
cat > "$work/check.py" <<'PY'
import sys
sys.path.insert(0, sys.argv[0].rsplit('/', 1)[0])
from prior import read
n, sets = read(sys.argv[1]); var = list(map(int, open(sys.argv[2]).read().split())); true = set()
for line in open(sys.argv[3]):
    if line.startswith('v'): true.update(int(x) for x in line.split()[1:] if int(x) > 0)
chosen = [i for i in range(len(sets)) if var[i] in true]
print(f'cover of {len(chosen)} sets' if sorted(v for i in chosen for v in sets[i]) == list(range(n)) else 'NOT A COVER')
PY
cat > "$work/refute.c" <<'C'
// The subtree of one root choice, searched to the end: fix set FIX, then a depth-first exact cover of the VMs left by
// the sets disjoint from it, the VM with the fewest live sets first (Knuth's rule), its sets in the file's order, no
// restarts; nodes counted until a cover or the subtree's end (or MAX_NODES).
// usage: refute SETS VMS FIX MAX_NODES  -> "cover|exhausted|capped nodes N"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef unsigned long long u64;
#define W 4
static int nsets, nvms, *start, *mem; static u64 *bits; static long long nodes, maxNodes; static int *pool; static long long top;
static int Node(long long alive, int na, const u64 *rm) {
  nodes++; if (nodes > maxNodes) return -1;
  int left = 0; for (int k = 0; k < W; k++) left += __builtin_popcountll(rm[k]); if (!left) return 1;
  static int cnt[256]; for (int v = 0; v < nvms; v++) cnt[v] = 0;
  for (int i = 0; i < na; i++) { int s = pool[alive + i]; for (int m = start[s]; m < start[s + 1]; m++) cnt[mem[m]]++; }
  int best = -1; for (int k = 0; k < W; k++) for (u64 x = rm[k]; x; x &= x - 1) { int v = k * 64 + __builtin_ctzll(x); if (best < 0 || cnt[v] < cnt[best]) best = v; }
  if (cnt[best] == 0) return 0;
  long long cand = top; int nc = 0;
  for (int i = 0; i < na; i++) { int s = pool[alive + i]; if (bits[(long long)s * W + (best >> 6)] >> (best & 63) & 1) pool[cand + nc++] = s; }
  top += nc; int r = 0;
  for (int c = 0; c < nc && !r; c++) {
    int ch = pool[cand + c]; const u64 *cb = bits + (long long)ch * W; u64 nx[W]; for (int k = 0; k < W; k++) nx[k] = rm[k] & ~cb[k];
    long long child = top; int nn = 0;
    for (int i = 0; i < na; i++) { int s = pool[alive + i]; const u64 *b = bits + (long long)s * W; if ((b[0] & cb[0]) | (b[1] & cb[1]) | (b[2] & cb[2]) | (b[3] & cb[3])) continue; pool[child + nn++] = s; }
    top += nn; r = Node(child, nn, nx); top -= nn;
  }
  top -= nc; return r;
}
int main(int argc, char **argv) {
  FILE *fs = fopen(argv[1], "r"); int fix = atoi(argv[3]); maxNodes = atoll(argv[4]);
  int n2; if (fscanf(fs, "%d %d", &n2, &nsets) != 2) return 2; nvms = n2;
  start = malloc(sizeof(int) * (nsets + 1)); mem = malloc(sizeof(int) * nsets * 16); bits = calloc((size_t)nsets * W, sizeof(u64)); start[0] = 0;
  for (int s = 0; s < nsets; s++) { int k; if (fscanf(fs, "%d", &k) != 1) return 2; for (int i = 0; i < k; i++) { int v; if (fscanf(fs, "%d", &v) != 1) return 2; mem[start[s] + i] = v; bits[(long long)s * W + (v >> 6)] |= 1ULL << (v & 63); } start[s + 1] = start[s] + k; }
  pool = malloc(sizeof(int) * (size_t)nsets * 40); long long na = 0; const u64 *cb = bits + (long long)fix * W;
  for (int s = 0; s < nsets; s++) { const u64 *b = bits + (long long)s * W; if (!((b[0] & cb[0]) | (b[1] & cb[1]) | (b[2] & cb[2]) | (b[3] & cb[3]))) pool[na++] = s; }
  top = na; u64 rm[W] = {0}; for (int v = 0; v < nvms; v++) rm[v >> 6] |= 1ULL << (v & 63); for (int k = 0; k < W; k++) rm[k] &= ~cb[k];
  int r = Node(0, (int)na, rm);
  printf("%s nodes %lld live %lld\n", r == 1 ? "cover" : r == 0 ? "exhausted" : "capped", nodes, na);
  return 0;
}
C
gcc -O2 -o "$work/refute" "$work/refute.c"
version=$(sed -n 's/.*Include="Google.OrTools" Version="\([^"]*\)".*/\1/p' src/Consolidator/Consolidator.csproj)
cat > "$work/cpsat/cover.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup>
  <ItemGroup><PackageReference Include="Google.OrTools" Version="$version" /></ItemGroup>
</Project>
XML
cat > "$work/cpsat/Program.cs" <<'CS'
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.OrTools.Sat;
using static Google.OrTools.Sat.DecisionStrategyProto.Types;

// args: SETS K MAX_CONFLICTS VARIANT (auto | fixed | hint)
var lines = File.ReadAllLines(args[0]);
int k = int.Parse(args[1]);
long maxConflicts = long.Parse(args[2]);
string variant = args[3];
int[] head = lines[0].Split(' ').Select(int.Parse).ToArray();
int vms = head[0];
int[][] sets = lines.Skip(1).Take(head[1]).Select(l => l.Split(' ').Skip(1).Select(int.Parse).ToArray()).ToArray();
var setsOf = Enumerable.Range(0, vms).Select(v => Enumerable.Range(0, sets.Length).Where(s => sets[s].Contains(v)).ToArray()).ToArray();
// the size prior at the root (as prior.py): compositions of the VMs into k sets of the sizes present
int[] sizes = sets.Select(s => s.Length).Distinct().OrderBy(z => z).ToArray();
var compositions = new List<int[]>();
void Compose(int i, int left, int n, int[] acc)
{
    if (i == sizes.Length) { if (left == 0 && n == 0) compositions.Add((int[])acc.Clone()); return; }
    for (int a = 0; a <= n && a * sizes[i] <= left; a++) { acc[i] = a; Compose(i + 1, left - a * sizes[i], n - a, acc); }
}
Compose(0, vms, k, new int[sizes.Length]);
double[] bySize = sizes.Select((z, i) => compositions.Average(c => (double)c[i]) / sets.Count(s => s.Length == z)).ToArray();
double Weight(int s) => bySize[Array.IndexOf(sizes, sets[s].Length)];
var model = new CpModel();
var x = sets.Select((_, s) => model.NewBoolVar($"s{s}")).ToArray();
foreach (var list in setsOf) model.AddExactlyOne(list.Select(s => (ILiteral)x[s]));
model.Add(LinearExpr.Sum(x) == k);
string search = "";
if (variant == "fixed")
{
    var order = Enumerable.Range(0, sets.Length).OrderByDescending(Weight).ThenBy(s => s).Select(s => x[s]).ToArray();
    model.AddDecisionStrategy(order, VariableSelectionStrategy.ChooseFirst, DomainReductionStrategy.SelectMaxValue);
    search = " search_branching:FIXED_SEARCH";
}
else if (variant == "hint")
{
    double top = bySize.Max();
    for (int s = 0; s < sets.Length; s++) model.AddHint(x[s], Weight(s) == top);
}
else if (variant != "auto") throw new ArgumentException($"unknown CP-SAT variant {variant}");
var solver = new CpSolver { StringParameters = $"num_workers:1 linearization_level:0 random_seed:1 max_time_in_seconds:600 max_number_of_conflicts:{maxConflicts}{search}" };
var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
var result = solver.Solve(model);
var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0;
bool found = result is CpSolverStatus.Feasible or CpSolverStatus.Optimal;
var chosen = x.Select(b => found && solver.BooleanValue(b)).ToArray();
int picked = chosen.Count(c => c);
bool cover = picked > 0 && Enumerable.Range(0, vms).All(v => setsOf[v].Count(s => chosen[s]) == 1);
Console.WriteLine($"{result}, {(picked == 0 ? "none" : cover ? $"cover of {picked} sets" : "NOT A COVER")}|{solver.NumConflicts()}|{solver.NumBranches()}|{cpu.TotalSeconds:F1}");
CS
if [[ " $variants " == *" cpsat:"* ]]; then
  dotnet build "$work/cpsat" -c Release -o "$work/bin" > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
missing=()
for seed in "$@"; do [ -s "$sets/sets-$seed.txt" ] || missing+=("$seed"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Enumeration (docs/planted-cover.sh, no cover search):"
  SETS_DIR="$sets" bash docs/planted-cover.sh 0 "$options" "${missing[@]}"
  echo
fi
if [ -n "${REFUTE:-}" ]; then
  echo "| seed | set fixed | its VMs | planted | subtree to its end: result, nodes | CPU s | CaDiCaL, the set's unit clause | conflicts | CPU s | load (start -> end) |"
  echo "| ---: | ---: | --- | --- | --- | ---: | --- | ---: | ---: | --- |"
  for pair in $REFUTE; do
    seed=${pair%%:*} set=${pair#*:}
    start=$(cut -d' ' -f1 /proc/loadavg)
    members=$(sed -n "$((set + 2))p" "$sets/sets-$seed.txt" | cut -d' ' -f2-)
    planted=$(for v in $members; do sed -n "$((v + 2))p" "$sets/vms-$seed.txt" | cut -d' ' -f3; done | sort -u | wc -l)
    group=$(sed -n "$(( ${members%% *} + 2 ))p" "$sets/vms-$seed.txt" | cut -d' ' -f3)
    size=$(awk -v g="$group" 'NR > 1 && $3 == g' "$sets/vms-$seed.txt" | wc -l)
    [ "$planted" = 1 ] && [ "$size" = "$(wc -w <<< "$members")" ] && planted=yes || planted=no
    subtree=$(/usr/bin/time -f '%U' -o "$work/time" "$work/refute" "$sets/sets-$seed.txt" "$sets/vms-$seed.txt" "$set" 500000000)
    dfs=$(tail -n 1 "$work/time")
    python3 "$work/cnf.py" "$sets/sets-$seed.txt" "$work/c.cnf" "$(awk 'NR > 1 {print $3}' "$sets/vms-$seed.txt" | sort -u | wc -l)" ""
    { sed -n 1p "$work/c.cnf" | awk '{print $1, $2, $3, $4 + 1}'; echo "$(( set + 1 )) 0"; sed 1d "$work/c.cnf"; } > "$work/u.cnf"
    set +e
    /usr/bin/time -f '%U' -o "$work/time" cadical -c "$cap" -t 600 "$work/u.cnf" > "$work/out"
    set -e
    case $(sed -n 's/^s //p' "$work/out") in SATISFIABLE) sat=satisfiable ;; UNSATISFIABLE) sat='refuted (unsatisfiable)' ;; *) sat='not refuted' ;; esac
    conflicts=$(awk '$1 == "c" && $2 == "conflicts:" {print $3}' "$work/out")
    echo "| $seed | $set | $members | $planted | ${subtree% live*} | $dfs | $sat | $conflicts | $(tail -n 1 "$work/time") | $start -> $(cut -d' ' -f1 /proc/loadavg) |"
  done
  exit 0
fi
echo "| seed | variant | result | conflicts | decisions / branches | CPU s | load (start -> end) |"
echo "| ---: | --- | --- | ---: | ---: | ---: | --- |"
for seed in "$@"; do
  hosts=$(awk 'NR > 1 {print $3}' "$sets/vms-$seed.txt" | sort -u | wc -l)
  for variant in $variants; do
    start=$(cut -d' ' -f1 /proc/loadavg)
    case $variant in
      cadical:*)
        rest=${variant#cadical:}; opts=${rest%%:*}; flags=; [[ $rest == *:* ]] && flags=${rest#*:}
        python3 "$work/cnf.py" "$sets/sets-$seed.txt" "$work/c.cnf" "$hosts" "$opts"
        set +e
        /usr/bin/time -f '%U' -o "$work/time" cadical -c "$cap" -t 600 ${flags//+/ } "$work/c.cnf" > "$work/out"
        set -e
        case $(sed -n 's/^s //p' "$work/out") in
          SATISFIABLE) result=$(python3 "$work/check.py" "$sets/sets-$seed.txt" "$work/c.cnf.map" "$work/out") ;;
          UNSATISFIABLE) result='unsatisfiable (wrong: the planted cover exists)' ;;
          *) result=none ;;
        esac
        conflicts=$(awk '$1 == "c" && $2 == "conflicts:" {print $3}' "$work/out")
        decisions=$(awk '$1 == "c" && $2 == "decisions:" {print $3}' "$work/out")
        cpu=$(tail -n 1 "$work/time") ;;
      cpsat:*)
        IFS='|' read -r result conflicts decisions cpu < <("$work/bin/cover" "$sets/sets-$seed.txt" "$hosts" "$cap" "${variant#cpsat:}" 2> /dev/null | tail -n 1) ;;
      *) echo "unknown variant $variant" >&2; exit 2 ;;
    esac
    echo "| $seed | $variant | $result | $conflicts | $decisions | $cpu | $start -> $(cut -d' ' -f1 /proc/loadavg) |"
  done
done
