using System.Reflection;
using System.Runtime.CompilerServices;
using DocPipeline.Jobs;

namespace DocPipeline.Tests;

/// <summary>Backends build on public API only: the core shares its internals with tests and benchmarks, never with a backend.</summary>
public sealed class AssemblyBoundaryTests
{
    [Theory]
    [InlineData(typeof(JobRules))]
    [InlineData(typeof(IJobStore))]
    public void InternalsVisibleTo_CoreAssemblies_OnlyTestsAndBenchmarks(Type type)
    {
        var friends = type.Assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToList();

        Assert.All(friends, name => Assert.True(
            name.EndsWith(".Tests", StringComparison.Ordinal) || name.EndsWith(".Benchmarks", StringComparison.Ordinal),
            $"{type.Assembly.GetName().Name} shares its internals with {name}, which ships: a backend must build on public API."));
    }
}
