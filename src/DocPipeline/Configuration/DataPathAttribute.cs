using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>
/// Marks a file or folder path option: blank means the default place under the data folder; anything else must be a
/// path the file system accepts (no NUL or other invalid path characters), so a bad value fails on start, not when the
/// store first opens.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class DataPathAttribute : ValidationAttribute
{
    /// <summary>Describes the rule after the option's key, for <see cref="DocPipelineOptionsValidator"/>.</summary>
    internal const string Rule = "must be a path without invalid characters";

    public override bool IsValid(object? value)
    {
        if (value is not string path || string.IsNullOrWhiteSpace(path))
        {
            return value is null or string;
        }

        if (path.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return false;
        }

        try
        {
            Path.GetFullPath(path);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }
}
