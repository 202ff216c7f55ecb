#!/usr/bin/env bash
# Assembles the real-text corpus of benchmarks/results/real-text.md into a new folder, deterministically:
# documentation text every Debian machine has (package copyright files, common licenses, POD, reStructuredText,
# plain-text and Markdown docs under /usr/share and /usr/lib/python3*, CMake's reStructuredText help when present).
# Files are taken in sorted path order, identical contents once (first path wins), files over 1 MiB left out,
# at most MAX_FILES files and MAX_BYTES bytes. Usage: build-corpus.sh <empty-or-new-folder>
set -euo pipefail
out=${1:?usage: build-corpus.sh <folder>}
MAX_FILES=${MAX_FILES:-3000}
MAX_BYTES=${MAX_BYTES:-31457280}
MAX_FILE_BYTES=1048576
mkdir -p "$out"
if [ -n "$(ls -A "$out")" ]; then echo "$out is not empty" >&2; exit 2; fi

{
  find /usr/share/doc /usr/share/common-licenses -type f \( -name copyright -o -name '*.txt' -o -name '*.md' -o -name '*.rst' \) 2>/dev/null || true
  find /usr/share/common-licenses -type f 2>/dev/null || true
  find /usr/share/perl /usr/share/perl5 /usr/lib/x86_64-linux-gnu/perl -type f -name '*.pod' 2>/dev/null || true
  find /usr/lib/python3* -type f \( -name '*.rst' -o -name '*.txt' \) 2>/dev/null || true
  find /usr/share/cmake-* -type f -name '*.rst' 2>/dev/null || true
  find /usr/share/vim -type f -path '*/doc/*' -name '*.txt' 2>/dev/null || true
} | LC_ALL=C sort -u > "$out.list"

declare -A seen=()
files=0; bytes=0
while IFS= read -r f; do
  [ -r "$f" ] || continue
  size=$(stat -L -c %s "$f")
  [ "$size" -gt 0 ] && [ "$size" -le $MAX_FILE_BYTES ] || continue
  [ $((bytes + size)) -le "$MAX_BYTES" ] || continue
  sum=$(sha256sum "$f" | cut -c1-64)
  [ -z "${seen[$sum]:-}" ] || continue
  seen[$sum]=1
  # A flat, readable, unique name. reStructuredText, POD and extension-less files are read as plain text.
  name=$(printf '%s' "${f#/}" | tr '/' '_')
  case "$name" in *.txt|*.md) ;; *) name="$name.txt" ;; esac
  cp -L "$f" "$out/$name"
  files=$((files + 1)); bytes=$((bytes + size))
  [ "$files" -lt "$MAX_FILES" ] || break
done < "$out.list"
rm -f "$out.list"
echo "corpus: $out files=$files bytes=$bytes"
