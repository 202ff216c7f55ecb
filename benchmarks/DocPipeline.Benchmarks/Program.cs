using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

// Run one area: dotnet run -c Release --project benchmarks/DocPipeline.Benchmarks -- --filter '*JobQueue*'
// Reports land in BenchmarkDotNet.Artifacts/results; the ones quoted in notes are copied to benchmarks/results/.
var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
