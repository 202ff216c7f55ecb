using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Configuration;

/// <summary>
/// Validates <see cref="DocPipelineOptions"/> and every nested option group. Each failure names the configuration
/// key (for example <c>DocPipeline:Queue:MaxConcurrent</c>), the rule, and the value that broke it.
/// </summary>
internal sealed class DocPipelineOptionsValidator : IValidateOptions<DocPipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, DocPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new ValidateOptionsResultBuilder();
        ValidateAnnotations(options, DocPipelineOptions.SectionName, failures);

        var queue = options.Queue;
        if (queue.HeartbeatInterval >= queue.LeaseDuration)
        {
            failures.AddError(
                $"DocPipeline:Queue:HeartbeatInterval ({queue.HeartbeatInterval}) must be shorter than DocPipeline:Queue:LeaseDuration ({queue.LeaseDuration}), or leases expire between heartbeats.");
        }

        if (queue.RetryBaseDelay > queue.RetryMaxDelay)
        {
            failures.AddError(
                $"DocPipeline:Queue:RetryBaseDelay ({queue.RetryBaseDelay}) must not be longer than DocPipeline:Queue:RetryMaxDelay ({queue.RetryMaxDelay}).");
        }

        var monitoring = options.Monitoring;
        if (monitoring.WorkerExpiry <= monitoring.HeartbeatInterval)
        {
            failures.AddError(
                $"DocPipeline:Monitoring:WorkerExpiry ({monitoring.WorkerExpiry}) must be longer than DocPipeline:Monitoring:HeartbeatInterval ({monitoring.HeartbeatInterval}), or live workers show as gone between heartbeats.");
        }

        if (monitoring.AlertWebhookUrl is { } webhook && (!webhook.IsAbsoluteUri || (webhook.Scheme != Uri.UriSchemeHttp && webhook.Scheme != Uri.UriSchemeHttps)))
        {
            failures.AddError($"DocPipeline:Monitoring:AlertWebhookUrl must be an absolute http or https URL (was {webhook}).");
        }

        var chunking = options.Chunking;
        if (chunking.TargetTokens > chunking.MaxTokens)
        {
            failures.AddError(
                $"DocPipeline:Chunking:TargetTokens ({chunking.TargetTokens}) must not be larger than DocPipeline:Chunking:MaxTokens ({chunking.MaxTokens}).");
        }

        if (chunking.OverlapTokens >= chunking.TargetTokens)
        {
            failures.AddError(
                $"DocPipeline:Chunking:OverlapTokens ({chunking.OverlapTokens}) must be smaller than DocPipeline:Chunking:TargetTokens ({chunking.TargetTokens}).");
        }

        return failures.Build();
    }

    /// <summary>
    /// Checks the data annotations of <paramref name="instance"/> and of every nested options object, and that enum
    /// values are defined, naming keys by path: <c>path:Property</c>, or <c>path.Property</c> with a '.'
    /// <paramref name="separator"/>.
    /// </summary>
    internal static void ValidateAnnotations(object instance, string path, ValidateOptionsResultBuilder failures, char separator = ':')
    {
        foreach (var property in instance.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length != 0)
            {
                continue;
            }

            var key = $"{path}{separator}{property.Name}";
            var value = property.GetValue(instance);
            if (value is Enum member && !member.GetType().IsDefined(typeof(FlagsAttribute), inherit: false) && !Enum.IsDefined(member.GetType(), member))
            {
                failures.AddError($"{key} must be one of {string.Join(", ", Enum.GetNames(member.GetType()))} (was {Show(value)}).");
            }

            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (!attribute.IsValid(value))
                {
                    failures.AddError($"{key} {Describe(attribute)} (was {Show(value)}).");
                }
            }

            if (value is not null && IsOptionsGroup(property.PropertyType))
            {
                ValidateAnnotations(value, key, failures, separator);
            }
        }
    }

    private static bool IsOptionsGroup(Type type) =>
        type.IsClass && type != typeof(string) && type.Name.EndsWith("Options", StringComparison.Ordinal);

    private static string Describe(ValidationAttribute attribute) => attribute switch
    {
        RangeAttribute range => $"must be between {range.Minimum} and {range.Maximum}",
        RequiredAttribute => "is required",
        DataPathAttribute => DataPathAttribute.Rule,
        _ => attribute.FormatErrorMessage("value").Replace("The value field", "must satisfy", StringComparison.Ordinal),
    };

    private static string Show(object? value) => value switch
    {
        null => "empty",
        string s when s.Length == 0 => "empty",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "empty",
    };
}
