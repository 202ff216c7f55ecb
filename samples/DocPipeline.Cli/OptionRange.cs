using System.CommandLine;

namespace DocPipeline.Cli;

/// <summary>Range checks of numeric flags at parse time, so a bad value is a usage error naming the flag.</summary>
internal static class OptionRange
{
    /// <summary>Makes <paramref name="option"/>, when given, accept only <paramref name="min"/> to <paramref name="max"/>.</summary>
    /// <returns>The option.</returns>
    public static Option<T> Within<T>(this Option<T> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is int value && (value < min || value > max))
            {
                result.AddError($"{option.Name} must be between {min} and {max} (was {value}).");
            }
        });
        return option;
    }
}
