#!/usr/bin/env bash
# First ingest of the real-text corpus as the CLI runs it (a fresh process per run), with what the Lucene commit path
# does: Lucene commits (the final segments_N generation), segments left at the end, bytes allocated by the process and
# its GC counts (from a startup hook built here, outside the repository, printing them at exit).
# Prints one tab-separated line per run: label, round, wall s, user s, system s, peak RSS MB, duration_ms, commits,
# segments, allocated MB, gen0, gen1, gen2, CPU seconds by thread group (threads sampled every 200 ms), load average.
# Usage: first-ingest.sh <corpus> <rounds> <label>=<docpipe.dll or published folder> [<label>=<...> ...]
# Labels alternate within each round (base, new, base, new, ...) so both see the same machine load.
set -euo pipefail
corpus=${1:?corpus}; rounds=${2:?rounds}; shift 2
work=$(mktemp -d /tmp/docpipe-first-ingest.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/hook"
cat > "$work/hook/AllocationHook.csproj" <<'EOF'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><AssemblyName>AllocationHook</AssemblyName><NoWarn>CS8618</NoWarn></PropertyGroup>
</Project>
EOF
cat > "$work/hook/StartupHook.cs" <<'EOF'
internal static class StartupHook
{
    private static readonly System.Collections.Generic.Dictionary<string, (string Comm, double Ticks)> Threads = new();
    private static System.Threading.Timer s_sampler;

    public static void Initialize()
    {
        // Threads that end before the process does (stores closed at the end, retired pool threads) leave /proc: sample
        // every thread's CPU time while the process runs, and once more at exit.
        s_sampler = new System.Threading.Timer(_ => Sample(), null, 0, 200);
        System.AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.File.WriteAllText(
            System.Environment.GetEnvironmentVariable("ALLOCATION_HOOK_OUT")!,
            $"{System.GC.GetTotalAllocatedBytes(true) / 1048576.0:F0}\t{System.GC.CollectionCount(0)}\t{System.GC.CollectionCount(1)}\t{System.GC.CollectionCount(2)}\t{ThreadCpu()}");
    }

    private static void Sample()
    {
        lock (Threads)
        {
            foreach (var task in System.IO.Directory.GetDirectories("/proc/self/task"))
            {
                try
                {
                    var stat = System.IO.File.ReadAllText(task + "/stat");
                    Threads[task] = (stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')], Ticks(stat));
                }
                catch (System.IO.IOException)
                {
                    // The thread ended meanwhile.
                }
            }
        }
    }

    // CPU seconds (user + system) by what the threads do; "unseen" is the process total minus the sampled threads.
    private static string ThreadCpu()
    {
        s_sampler.Dispose();
        Sample();
        var groups = new System.Collections.Generic.SortedDictionary<string, double>();
        double seen = 0;
        lock (Threads)
        {
            foreach (var (comm, ticks) in Threads.Values)
            {
                var group = comm.StartsWith(".NET TP Worker") ? "workers" : comm.StartsWith("DocPipeline key") ? "keyword"
                    : comm.StartsWith("DocPipeline SQL") ? "sqlite" : comm.StartsWith(".NET Tiered") ? "jit"
                    : comm.Contains("GC") ? "gc" : comm.StartsWith("Lucene Merge") ? "merge" : "other";
                groups[group] = (groups.TryGetValue(group, out var sum) ? sum : 0) + ticks;
                seen += ticks;
            }
        }

        groups["unseen"] = Ticks(System.IO.File.ReadAllText("/proc/self/stat")) - seen;
        return string.Join(" ", System.Linq.Enumerable.Select(groups, g => $"{g.Key}={g.Value / 100:F2}"));
    }

    private static double Ticks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return double.Parse(fields[11]) + double.Parse(fields[12]);
    }
}
EOF
dotnet build "$work/hook" -c Release -o "$work/hook/out" > "$work/hook/build.log" 2>&1 || { cat "$work/hook/build.log"; exit 1; }
printf 'label\tround\twall_s\tuser_s\tsys_s\trss_mb\tduration_ms\tcommits\tsegments\talloc_mb\tgen0\tgen1\tgen2\tthread_cpu_s\tload\n'
for round in $(seq 1 "$rounds"); do
  for spec in "$@"; do
    label=${spec%%=*}; tool=${spec#*=}
    [ -d "$tool" ] && tool="$tool/docpipe.dll"
    data="$work/data-$label-$round"
    ALLOCATION_HOOK_OUT="$work/alloc.txt" DOTNET_STARTUP_HOOKS="$work/hook/out/AllocationHook.dll" \
      /usr/bin/time -f '%e\t%U\t%S\t%M' -o "$work/time.txt" \
      dotnet "$tool" batch --src "$corpus" --data "$data" --embedder hash --json > "$work/out.json" 2> /dev/null || true
    generation=$(find "$data/keyword" -maxdepth 1 -name 'segments_*' -printf '%f\n' | sed 's/segments_//' | head -1)
    segments=$(find "$data/keyword" -maxdepth 1 -name '*.si' | wc -l)
    duration=$(grep -o '"duration_ms":[0-9]*' "$work/out.json" | head -1 | cut -d: -f2 || true)
    IFS=$'\t' read -r wall user sys rss < <(tail -1 "$work/time.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$round" "$wall" "$user" "$sys" "$((rss / 1024))" \
      "${duration:--}" "$((36#$generation))" "$segments" "$(cat "$work/alloc.txt")" "$(cut -d' ' -f1 /proc/loadavg)"
    rm -rf "$data"
  done
done
