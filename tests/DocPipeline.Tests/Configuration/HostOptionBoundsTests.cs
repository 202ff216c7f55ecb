using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using DocPipeline.Configuration;

namespace DocPipeline.Tests.Configuration;

/// <summary>
/// Every numeric, time and path option of <see cref="DocPipelineOptions"/> has a bound, and the start-up validator
/// rejects a value just past each bound with a message naming the configuration key.
/// </summary>
public sealed class HostOptionBoundsTests
{
    private static readonly Type[] Bounded = [typeof(int), typeof(long), typeof(double), typeof(TimeSpan), typeof(int?), typeof(long?)];

    [Fact]
    public void Options_EveryNumericOrTimeOption_HasARange()
    {
        var unbounded = Options().Where(o => Bounded.Contains(o.Property.PropertyType) && o.Property.GetCustomAttribute<RangeAttribute>() is null)
            .Select(o => o.Key)
            .ToList();

        Assert.Empty(unbounded);
    }

    [Fact]
    public void Options_EveryPathOption_IsCheckedAsAPath()
    {
        var paths = Options().Where(o => o.Property.PropertyType == typeof(string)).ToList();

        Assert.NotEmpty(paths);
        Assert.All(paths, o => Assert.True(o.Property.GetCustomAttribute<DataPathAttribute>() is not null, $"{o.Key} has no [DataPath]"));
    }

    public static TheoryData<string, string> ValuesPastABound()
    {
        var data = new TheoryData<string, string>();
        foreach (var (key, property, _) in Options())
        {
            if (property.GetCustomAttribute<RangeAttribute>() is not { } range)
            {
                continue;
            }

            foreach (var value in PastBounds(property.PropertyType, range))
            {
                data.Add(key, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValuesPastABound))]
    public void Validate_ValuePastABound_ErrorNamesTheKeyTheRangeAndTheValue(string key, string value)
    {
        var options = new DocPipelineOptions();
        var (_, property, owner) = Options(options).Single(o => o.Key == key);
        var range = property.GetCustomAttribute<RangeAttribute>()!;
        property.SetValue(owner, Parse(property.PropertyType, value));

        var result = new DocPipelineOptionsValidator().Validate(null, options);

        Assert.True(result.Failed, $"{key} = {value} was accepted");
        Assert.Contains($"{key} must be between {Bound(range.Minimum)} and {Bound(range.Maximum)} (was {value})", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DocPipeline:DataDirectory")]
    [InlineData("DocPipeline:Queue:JobStoragePath")]
    [InlineData("DocPipeline:Fingerprint:StoragePath")]
    [InlineData("DocPipeline:Registry:StoragePath")]
    [InlineData("DocPipeline:IndexManagement:BackupPath")]
    [InlineData("DocPipeline:VectorIndex:Path")]
    [InlineData("DocPipeline:KeywordIndex:Path")]
    public void Validate_PathWithNulCharacter_ErrorNamesTheKey(string key)
    {
        var options = new DocPipelineOptions();
        var (_, property, owner) = Options(options).Single(o => o.Key == key);
        property.SetValue(owner, "data\0folder");

        var result = new DocPipelineOptionsValidator().Validate(null, options);

        Assert.True(result.Failed, $"{key} with a NUL character was accepted");
        Assert.Contains($"{key} must be a path without invalid characters", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BlankOptionalPaths_MeanTheDefaultAndPass()
    {
        var options = new DocPipelineOptions();
        options.Queue.JobStoragePath = "";
        options.Registry.StoragePath = "  ";
        options.IndexManagement.BackupPath = "backups/nightly";

        var result = new DocPipelineOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    /// <summary>The settable options below <see cref="DocPipelineOptions"/>, with their configuration keys.</summary>
    private static IEnumerable<(string Key, PropertyInfo Property, object Owner)> Options(DocPipelineOptions? root = null)
    {
        var pending = new Stack<(string Path, object Instance)>();
        pending.Push((DocPipelineOptions.SectionName, root ?? new DocPipelineOptions()));
        while (pending.Count > 0)
        {
            var (path, instance) = pending.Pop();
            foreach (var property in instance.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var key = $"{path}:{property.Name}";
                if (property.PropertyType.Name.EndsWith("Options", StringComparison.Ordinal))
                {
                    pending.Push((key, property.GetValue(instance)!));
                }
                else if (property.CanWrite)
                {
                    yield return (key, property, instance);
                }
            }
        }
    }

    /// <summary>The values just below the minimum and just above the maximum, in the validator's invariant format.</summary>
    private static IEnumerable<string> PastBounds(Type type, RangeAttribute range)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(TimeSpan))
        {
            yield return Format(TimeSpan.Parse((string)range.Minimum, CultureInfo.InvariantCulture) - TimeSpan.FromMilliseconds(1));
            yield return Format(TimeSpan.Parse((string)range.Maximum, CultureInfo.InvariantCulture) + TimeSpan.FromMilliseconds(1));
            yield break;
        }

        var step = underlying == typeof(double) ? 0.5m : 1m;
        var minimum = Convert.ToDecimal(range.Minimum, CultureInfo.InvariantCulture) - step;
        var maximum = Convert.ToDecimal(range.Maximum, CultureInfo.InvariantCulture) + step;
        foreach (var value in new[] { minimum, maximum })
        {
            if (underlying == typeof(int) && (value < int.MinValue || value > int.MaxValue))
            {
                continue;
            }

            yield return Format(Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture));
        }
    }

    private static object Parse(Type type, string value)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying == typeof(TimeSpan)
            ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
            : Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture);
    }

    /// <summary>A bound as the validator shows it: time bounds written as strings are shown as parsed.</summary>
    private static string Bound(object bound) =>
        bound is string time ? Format(TimeSpan.Parse(time, CultureInfo.InvariantCulture)) : Format(bound);

    private static string Format(object value) => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture);
}
