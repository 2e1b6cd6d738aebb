#!/usr/bin/env bash
# Reruns the examples whose output README.md and the evidence documents under docs/ show and rewrites those blocks,
# so that every figure there comes from a command in the repository. A block is the fenced code block right after a
# marker line:
#
#     <!-- refresh NAME: COMMAND -->
#     <!-- refresh NAME slow: COMMAND -->      (long runs, such as benchmarks: only with --slow)
#
# COMMAND runs with bash from the repository root, in file order; its stdout becomes the block (stderr goes
# to the terminal, so progress and errors stay visible). `consolidator` in COMMAND is the CLI built here in
# Release (what `dotnet run --project src/Consolidator.Cli -c Release --` runs). A COMMAND may chain (&&), pipe
# and run its own set-up; keep each block self-contained so that --only can run it alone. Use --deterministic
# so that the block is the same on any machine under any load. A block that also updates a file in the
# repository (a plot) writes it with `refresh_copy SRC DEST`, never with cp: the copy is made only when the
# blocks are rewritten, after every command has succeeded; with --check nothing is written into the repository
# (REFRESH_CHECK=1 is exported then, for a command that must know).
#
# Usage: docs/refresh.sh [--check] [--slow] [--only NAME]... [--no-build] [FILE]
#   --check     compare instead of rewriting: print a diff for every block that differs, exit 1 if one does
#   --slow      also the blocks marked slow
#   --only NAME only the named block(s) (repeatable), in whichever file holds them; the others are kept as they are
#   --no-build  use the Release build as it is (the script's own tests)
#   FILE        one markdown file; without it README.md, then every docs/*.md holding a marker, in name order
set -euo pipefail
cd "$(dirname "$0")/.."

check=0 slow=0 build=1 only=() files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --slow) slow=1 ;;
    --no-build) build=0 ;;
    --only) only+=("$2"); shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "refresh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) files=("$1") ;;
  esac
  shift
done
marker='^<!-- refresh ([A-Za-z0-9_.-]+)( slow)?: (.*) -->$'
if [ ${#files[@]} = 0 ]; then
  files=(README.md)
  while IFS= read -r f; do
    [ -f "$f" ] && grep -Eq "$marker" "$f" && files+=("$f")
  done < <(printf '%s\n' docs/*.md | LC_ALL=C sort)
fi
for file in "${files[@]}"; do [ -f "$file" ] || { echo "refresh: $file not found" >&2; exit 2; }; done

selected() { # NAME IS_SLOW
  if [ ${#only[@]} -gt 0 ]; then
    local n; for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1
  fi
  [ -z "$2" ] || [ "$slow" = 1 ]
}

# Every --only name must exist, so that a typo (or a renamed block) cannot make a check pass by checking nothing.
for n in ${only[@]+"${only[@]}"}; do
  grep -Eq "^<!-- refresh $n( slow)?: " "${files[@]}" || { echo "refresh: no block named $n in ${files[*]}" >&2; exit 2; }
done

CONSOLIDATOR_DLL=$(pwd)/src/Consolidator.Cli/bin/Release/net10.0/Consolidator.Cli.dll
if [ "$build" = 1 ]; then
  echo "refresh: building the CLI (Release)" >&2
  dotnet build src/Consolidator.Cli -c Release -v quiet -nologo >&2
  [ -f "$CONSOLIDATOR_DLL" ] || { echo "refresh: $CONSOLIDATOR_DLL not built" >&2; exit 1; }
fi
consolidator() { dotnet "$CONSOLIDATOR_DLL" "$@"; }
export CONSOLIDATOR_DLL
export -f consolidator

results=$(mktemp -d) old=$(mktemp) new=$(mktemp)
trap 'rm -rf "$results" "$old" "$new"' EXIT

# refresh_copy SRC DEST, for a block's command: stages SRC, to be copied to DEST (relative to the repository root)
# with the rewritten blocks; in check mode only checks that SRC exists.
REFRESH_STAGE=$results/copies
mkdir "$REFRESH_STAGE"
if [ "$check" = 1 ]; then export REFRESH_CHECK=1; else unset REFRESH_CHECK; fi
refresh_copy() {
  [ $# = 2 ] || { echo "refresh_copy: usage: refresh_copy SRC DEST" >&2; return 2; }
  [ -f "$1" ] || { echo "refresh_copy: $1 not found" >&2; return 1; }
  [ -n "${REFRESH_CHECK:-}" ] && return 0
  local n; n=$(find "$REFRESH_STAGE" -maxdepth 1 -name '*.file' | wc -l)
  cp -- "$1" "$REFRESH_STAGE/$n.file" && printf '%s\0' "$2" > "$REFRESH_STAGE/$n.dest"
}
export REFRESH_STAGE
export -f refresh_copy
differ=0 ran=0 changed_files=()

# Writes FILE with its selected blocks rerun to RESULT; counts into ran and differ. No file is rewritten until every
# file's blocks have run, so a failing command leaves them all as they were.
refresh_file() { # FILE RESULT
  local file=$1 result=$2 line state=text name="" command="" run=0 lineno=0 differ_before=$differ
  : > "$result"
  while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    case $state in
      code) # a fenced block without a marker (markers shown as examples inside one are not markers)
        printf '%s\n' "$line" >> "$result"
        [[ $line != '```'* ]] || state=text ;;
      text)
        printf '%s\n' "$line" >> "$result"
        if [[ $line == '```'* ]]; then state=code; continue; fi
        if [[ $line =~ $marker ]]; then
          name=${BASH_REMATCH[1]} command=${BASH_REMATCH[3]} state=fence run=0
          if selected "$name" "${BASH_REMATCH[2]}"; then run=1; fi
        fi ;;
      fence)
        [[ $line == '```'* ]] || { echo "refresh: $file:$lineno: the marker of block $name must be followed by a fenced code block" >&2; exit 2; }
        printf '%s\n' "$line" >> "$result"
        : > "$old"
        state=block ;;
      block)
        if [[ $line != '```' ]]; then printf '%s\n' "$line" >> "$old"; continue; fi
        if [ "$run" = 1 ]; then
          echo "refresh: $name: $command" >&2
          ran=$((ran + 1))
          if ! bash -c "set -eo pipefail; $command" > "$new"; then
            echo "refresh: $file:$lineno: the command of block $name failed" >&2; exit 1
          fi
          # A block ends with its last line of output; blank lines at the end are not kept.
          printf '%s\n' "$(cat "$new")" > "$new"
          if ! cmp -s "$old" "$new"; then
            differ=$((differ + 1))
            if [ "$check" = 1 ]; then
              echo "refresh: block $name differs from a fresh run (- $file, + fresh run):" >&2
              diff -u --label "$file ($name)" --label "fresh run" "$old" "$new" >&2 || true
            fi
          fi
          cat "$new" >> "$result"
        else
          cat "$old" >> "$result"
        fi
        printf '%s\n' "$line" >> "$result"
        state=text ;;
    esac
  done < "$file"
  [ "$state" = text ] || { echo "refresh: $file ends inside a fenced block ($state${name:+, after block $name})" >&2; exit 2; }
  [ "$differ" = "$differ_before" ] || changed_files+=("$file")
}

for i in "${!files[@]}"; do refresh_file "${files[$i]}" "$results/$i"; done

if [ "$check" = 1 ]; then
  if [ "$differ" -gt 0 ]; then echo "refresh: $differ of $ran block(s) differ; run docs/refresh.sh to update ${changed_files[*]}" >&2; exit 1; fi
  echo "refresh: $ran block(s) checked in ${files[*]}, all equal to a fresh run" >&2
else
  for i in "${!files[@]}"; do cat "$results/$i" > "${files[$i]}"; done
  n=0 # in the order the blocks staged them, so that a later copy to the same file wins
  while [ -f "$REFRESH_STAGE/$n.dest" ]; do
    IFS= read -r -d '' target < "$REFRESH_STAGE/$n.dest" || true
    cp -- "$REFRESH_STAGE/$n.file" "$target"
    n=$((n + 1))
  done
  echo "refresh: $ran block(s) rerun, $differ changed${changed_files[*]:+ (${changed_files[*]})}" >&2
fi
