// Every test of this assembly may report itself skipped (no Qdrant server configured): see SkippableTestFramework.
[assembly: Xunit.TestFramework("DocPipeline.Specification.Tests.SkippableTestFramework", "DocPipeline.Specification.Tests")]
