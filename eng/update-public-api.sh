#!/usr/bin/env bash
# Lists every public member that is not yet in a package's PublicAPI.Shipped.txt / PublicAPI.Unshipped.txt in its
# PublicAPI.Unshipped.txt (the code fix of RS0016, applied to each project under src/). Review the diff, then commit.
# At a release, move the lines of each PublicAPI.Unshipped.txt to the end of PublicAPI.Shipped.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  dir=$(dirname "$project")
  for file in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    [ -f "$dir/$file" ] || printf '#nullable enable\n' > "$dir/$file"
  done
  echo "public API: $project"
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity warn "$@"
done
