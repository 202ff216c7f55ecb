using DocPipeline.Jobs;
using DocPipeline.Specification.Tests.Jobs;

namespace DocPipeline.Tests.Jobs;

internal static class SpecificationSettingsExtensions
{
    public static JobStoreSettings ToStoreSettings(this JobStoreSpecificationSettings settings) => new()
    {
        MaxAttempts = settings.MaxAttempts,
        DefaultPriority = settings.DefaultPriority,
        RetryBaseDelay = settings.RetryBaseDelay,
        RetryMaxDelay = settings.RetryMaxDelay,
        RetryJitter = settings.RetryJitter,
        NextRandom = settings.NextRandom,
    };
}
