#!/usr/bin/env bash
# What a monitor polling every 100 ms costs a batch beside it: a batch as a user runs it (a fresh 'docpipe' process,
# a fresh data folder, the hashing embedder) with 'docpipe monitor --json --interval 0.1' running beside it, against
# the same batch alone, in alternating rounds. Prints each round's wall time and the ratio of the medians.
#   benchmarks/monitor-overhead.sh [rounds per side, default 6] [documents, default 2000]
# Build first: dotnet build DocPipeline.sln -c Release
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-6}
documents=${2:-2000}
dll=$(pwd)/artifacts/bin/DocPipeline.Cli/release/docpipe.dll
work=$(mktemp -d /tmp/docpipe-monitor-overhead.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A seeded corpus of ~5 KB text files (the same words and sizes every time).
python3 - "$work/corpus" "$documents" <<'PY'
import os, random, sys
folder, count = sys.argv[1], int(sys.argv[2])
os.makedirs(folder)
words = "river stone lantern harvest copper meadow signal orchard glacier harbor ledger compass thistle ember quarry".split()
rng = random.Random(7)
for i in range(count):
    paragraphs = []
    size = 0
    while size < 5000:
        p = " ".join(rng.choice(words) for _ in range(rng.randint(40, 90))) + "."
        paragraphs.append(p)
        size += len(p) + 2
    open(os.path.join(folder, f"doc-{i:05}.txt"), "w").write("\n\n".join(paragraphs))
PY

run() { # $1 = with|without; prints the batch's wall time in ms
  local data="$work/data-$1-$2" monitor=""
  if [ "$1" = with ]; then
    ( while [ ! -f "$data/jobs.db" ]; do sleep 0.02; done
      exec dotnet "$dll" monitor --data "$data" --json --interval 0.1 >"$work/monitor-$2.jsonl" 2>/dev/null ) &
    monitor=$!
  fi
  local start end
  start=$(date +%s%N)
  dotnet "$dll" batch --src "$work/corpus" --data "$data" --embedder hash --json >"$work/batch-$1-$2.json"
  end=$(date +%s%N)
  if [ -n "$monitor" ]; then
    kill "$monitor" 2>/dev/null || true; wait "$monitor" 2>/dev/null || true
    echo "  (monitor printed $(wc -l <"$work/monitor-$2.jsonl") snapshots)" >&2
  fi
  rm -rf "$data"
  echo $(( (end - start) / 1000000 ))
}

without=(); with=()
dotnet "$dll" batch --src "$work/corpus" --data "$work/warmup" --embedder hash --json >/dev/null; rm -rf "$work/warmup"
for i in $(seq 1 "$rounds"); do
  if (( i % 2 )); then a=without; b=with; else a=with; b=without; fi
  for side in $a $b; do
    ms=$(run "$side" "$i")
    echo "round $i $side: $ms ms"
    if [ "$side" = with ]; then with+=("$ms"); else without+=("$ms"); fi
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mw=$(median "${with[@]}"); mo=$(median "${without[@]}")
echo "median without monitor: $mo ms; with monitor: $mw ms; ratio $(awk -v a="$mw" -v b="$mo" 'BEGIN {printf "%.3f", a/b}')"
