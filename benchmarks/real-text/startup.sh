#!/usr/bin/env bash
# Measures the small commands of the docpipe CLI on a data folder that already holds the real-text corpus (one first
# ingest made beforehand): an unchanged re-run, `batch --status` and `search`, a fresh process each, labels
# alternating within each round so all see the same machine load. Prints one tab-separated line per command (label,
# command, wall s, user s, in-process duration_ms) and then the median of each.
# Usage: startup.sh <corpus> <data folder> <rounds> <label>=<docpipe.dll or published folder> [<label>=<...> ...]
# The data folder is used by every build in turn; the re-run changes nothing in it (the corpus is unchanged).
set -euo pipefail
corpus=${1:?corpus}; data=${2:?data folder}; rounds=${3:?rounds}; shift 3
work=$(mktemp -d /tmp/docpipe-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT
measure() { # label what -- command
  local label=$1 what=$2; shift 2
  /usr/bin/time -f '%e %U' -o "$work/time.txt" "$@" > "$work/out.json" 2> /dev/null || true
  local dur
  dur=$(grep -o '"duration_ms":[0-9]*' "$work/out.json" | head -1 | cut -d: -f2 || true)
  # (time prints "Command exited with non-zero status" first when the batch reports a failed file)
  read -r wall user < <(tail -1 "$work/time.txt")
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$what" "$wall" "$user" "${dur:--}" | tee -a "$work/all.tsv"
}
printf 'label\tcommand\twall_s\tuser_s\tduration_ms\n'
for round in $(seq 1 "$rounds"); do
  for spec in "$@"; do
    label=${spec%%=*}; tool=${spec#*=}
    [ -d "$tool" ] && tool="$tool/docpipe.dll"
    measure "$label" rerun dotnet "$tool" batch --src "$corpus" --data "$data" --embedder hash --json
    measure "$label" status dotnet "$tool" batch --status --data "$data" --json
    measure "$label" search dotnet "$tool" search "license warranty" --data "$data" --json
  done
done
echo
printf 'median\tlabel\tcommand\twall_s\tuser_s\tduration_ms\n'
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cut -f1,2 "$work/all.tsv" | sort -u | while IFS=$'\t' read -r label what; do
  rows=$(awk -F'\t' -v l="$label" -v w="$what" '$1 == l && $2 == w' "$work/all.tsv")
  printf 'median\t%s\t%s\t%s\t%s\t%s\n' "$label" "$what" "$(cut -f3 <<< "$rows" | median)" "$(cut -f4 <<< "$rows" | median)" \
    "$(cut -f5 <<< "$rows" | grep -v -- - | median)"
done
