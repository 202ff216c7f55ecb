#!/usr/bin/env bash
# Runs the docpipe CLI as a user does (a fresh process per command) on the real-text corpus and prints one
# tab-separated line per command: label, command, wall s, user s, system s, peak RSS MB, in-process duration_ms.
# Usage: run-cli.sh <corpus> <rounds> <label>=<docpipe.dll or published folder> [<label>=<...> ...]
# Labels alternate within each round (base, new, base, new, ...) so both see the same machine load.
set -euo pipefail
corpus=${1:?corpus}; rounds=${2:?rounds}; shift 2
work=$(mktemp -d /tmp/docpipe-real-text.XXXXXX)
trap 'rm -rf "$work"' EXIT
measure() { # label command data -- args...
  local label=$1 what=$2; shift 2
  local out="$work/out.json" tim="$work/time.txt"
  /usr/bin/time -v "$@" > "$out" 2> "$tim" || true
  local wall user sys rss dur
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$tim")
  user=$(awk -F': ' '/User time/ {print $2}' "$tim")
  sys=$(awk -F': ' '/System time/ {print $2}' "$tim")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$tim")
  dur=$(grep -o '"duration_ms":[0-9]*' "$out" | head -1 | cut -d: -f2 || true)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$what" "$wall" "$user" "$sys" "$rss" "${dur:--}"
}
printf 'label\tcommand\twall_s\tuser_s\tsys_s\trss_mb\tduration_ms\n'
for round in $(seq 1 "$rounds"); do
  for spec in "$@"; do
    label=${spec%%=*}; tool=${spec#*=}
    [ -d "$tool" ] && tool="$tool/docpipe.dll"
    data="$work/data-$label-$round"
    measure "$label" first dotnet "$tool" batch --src "$corpus" --data "$data" --embedder hash --json
    measure "$label" rerun dotnet "$tool" batch --src "$corpus" --data "$data" --embedder hash --json
    measure "$label" status dotnet "$tool" batch --status --data "$data" --json
    measure "$label" search dotnet "$tool" search "license warranty" --data "$data" --json
    rm -rf "$data"
  done
done
