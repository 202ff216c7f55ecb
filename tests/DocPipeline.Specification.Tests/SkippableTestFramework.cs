using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace DocPipeline.Specification.Tests;

/// <summary>
/// Runs every <c>[Fact]</c> and <c>[Theory]</c> of this assembly, including those the abstract contract suites
/// declare, as skippable ones: a test that throws <see cref="SkipException"/> (through <see cref="Skip.If(bool, string?)"/>)
/// is reported as skipped with its reason, never as passed. This is how the suites say that no server (PostgreSQL, Qdrant) is
/// configured or reachable. A test assembly opts in with
/// <c>[assembly: TestFramework("DocPipeline.Specification.Tests.SkippableTestFramework", "DocPipeline.Specification.Tests")]</c>.
/// </summary>
public sealed class SkippableTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        private readonly SkippableFactDiscoverer _facts = new(diagnosticMessageSink);
        private readonly SkippableTheoryDiscoverer _theories = new(diagnosticMessageSink);

        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            var attribute = testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).FirstOrDefault();
            IXunitTestCaseDiscoverer? discoverer = (attribute as IReflectionAttributeInfo)?.Attribute.GetType() switch
            {
                var type when type == typeof(FactAttribute) => _facts,
                var type when type == typeof(TheoryAttribute) => _theories,
                _ => null,
            };
            if (discoverer is null)
            {
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            }

            foreach (var testCase in discoverer.Discover(discoveryOptions, testMethod, attribute))
            {
                if (!ReportDiscoveredTestCase(testCase, includeSourceInformation, messageBus))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
