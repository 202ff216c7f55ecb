using System.ComponentModel;
using System.Globalization;
using System.Reflection;

namespace DocPipeline.Configuration;

/// <summary>
/// The keys <see cref="DocPipelineOptions"/> accepts, found by reflection over its option groups, and the checks of
/// configured values against them: an unknown key (with the nearest known one), a value of the wrong type.
/// Sections of other packages (<c>DocPipeline:PostgreSql</c>, <c>DocPipeline:Qdrant</c>) are theirs to check.
/// </summary>
internal static class DocPipelineConfigurationSchema
{
    /// <summary>The sections below <c>DocPipeline</c> that other packages bind and validate.</summary>
    private static readonly string[] PackageSections = ["PostgreSql", "Qdrant", "OpenAI"];

    /// <summary>Gets every option key (<c>Queue:MaxConcurrent</c>) with its property, in declaration order, lists included.</summary>
    public static IEnumerable<(string Key, PropertyInfo Property, object Owner)> Leaves(object options, string prefix = "")
    {
        foreach (var property in Properties(options.GetType()))
        {
            var key = prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}";
            if (IsGroup(property.PropertyType))
            {
                foreach (var leaf in Leaves(property.GetValue(options)!, key))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (key, property, options);
            }
        }
    }

    /// <summary>Spells a key like the option it names (<c>QUEUE:MAX_CONCURRENT</c> is <c>Queue:MaxConcurrent</c>); unknown segments in PascalCase.</summary>
    public static string Canonical(string key)
    {
        var type = typeof(DocPipelineOptions);
        var segments = key.Split(':');
        for (var i = 0; i < segments.Length; i++)
        {
            var property = type is null ? null : Find(type, segments[i]);
            segments[i] = property?.Name ?? (int.TryParse(segments[i], out _) ? segments[i] : ConfigurationKeyNames.ToPascal(segments[i]));
            type = property is not null && IsGroup(property.PropertyType) ? property.PropertyType : null;
        }

        return string.Join(':', segments);
    }

    /// <summary>Checks every configured value: its key must name an option and its value must convert to the option's type.</summary>
    /// <returns>One message per problem, each naming where the value was set and what is allowed.</returns>
    public static List<string> Check(IEnumerable<ConfiguredValue> values)
    {
        var errors = new List<string>();
        foreach (var value in values)
        {
            var error = CheckOne(value);
            if (error is not null)
            {
                errors.Add(error);
            }
        }

        return errors;
    }

    private static string? CheckOne(ConfiguredValue value)
    {
        var segments = value.Key.Split(':');
        if (PackageSections.Contains(segments[0], StringComparer.OrdinalIgnoreCase) && segments.Length > 1)
        {
            return null;
        }

        var type = typeof(DocPipelineOptions);
        for (var i = 0; i < segments.Length; i++)
        {
            var property = Find(type, segments[i]);
            if (property is null)
            {
                return Unknown(value, type, segments, i);
            }

            var last = i == segments.Length - 1;
            if (IsGroup(property.PropertyType))
            {
                if (last)
                {
                    return $"{value.Where}: is a section; set the keys inside it ({Allowed(property.PropertyType, value.Snake)}).";
                }

                type = property.PropertyType;
                continue;
            }

            var itemType = ItemType(property.PropertyType);
            if (itemType is not null)
            {
                // A list: key:0, key:1, …
                return i == segments.Length - 2 && int.TryParse(segments[^1], out _)
                    ? Convert(value, itemType)
                    : $"{value.Where}: must be a list, such as [a, b].";
            }

            return last ? Convert(value, property.PropertyType) : $"{value.Where}: is a single value, not a section.";
        }

        return null;
    }

    private static string Unknown(ConfiguredValue value, Type type, string[] segments, int index)
    {
        var section = index == 0 ? "the top level" : $"'{Spell(string.Join('.', segments[..index]), value.Snake)}'";
        var names = Properties(type).Select(p => Spell(p.Name, value.Snake)).ToList();
        var nearest = ConfigurationKeyNames.Nearest(segments[index], names);
        var hint = nearest is null ? string.Empty : $" Did you mean '{nearest}'?";
        return $"{value.Where}: unknown key.{hint} Allowed in {section}: {string.Join(", ", names)}.";
    }

    private static string? Convert(ConfiguredValue value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return null;
        }

        try
        {
            if (TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value.Value) is not null &&
                (!target.IsEnum || Enum.IsDefined(target, Enum.Parse(target, value.Value, ignoreCase: true))))
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            // Reported below.
        }

        return $"{value.Where}: {Expected(target)} (was '{value.Value}').";
    }

    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(bool) => "must be true or false",
        _ when type == typeof(int) || type == typeof(long) => "must be a whole number",
        _ when type == typeof(double) || type == typeof(float) => "must be a number, such as 0.5",
        _ when type == typeof(TimeSpan) => "must be a duration written [d.]hh:mm:ss, such as 00:00:30",
        _ when type.IsEnum => $"must be one of {string.Join(", ", Enum.GetNames(type))}",
        _ => $"must be a {type.Name}",
    };

    private static string Allowed(Type type, bool snake) => string.Join(", ", Properties(type).Select(p => Spell(p.Name, snake)));

    private static string Spell(string key, bool snake) =>
        snake ? string.Join('.', key.Split('.', ':').Select(ConfigurationKeyNames.ToSnake)) : key;

    /// <summary>Other names of options: the plan's <c>queue.chunk_size</c> is <see cref="QueueOptions.BatchSize"/>.</summary>
    private static readonly (Type Owner, string Alias, string Property)[] Aliases =
    [
        (typeof(QueueOptions), "ChunkSize", nameof(QueueOptions.BatchSize)),
    ];

    private static PropertyInfo? Find(Type type, string segment)
    {
        var alias = Aliases.FirstOrDefault(a => a.Owner == type && ConfigurationKeyNames.SameKey(a.Alias, segment)).Property;
        return Properties(type).FirstOrDefault(p => ConfigurationKeyNames.SameKey(p.Name, alias ?? segment));
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.CanWrite || IsGroup(p.PropertyType) || ItemType(p.PropertyType) is not null));

    private static bool IsGroup(Type type) =>
        type.IsClass && type != typeof(string) && type.Name.EndsWith("Options", StringComparison.Ordinal);

    private static Type? ItemType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IList<>) ? type.GetGenericArguments()[0] : null;

    /// <summary>Formats a value the way configuration spells it (invariant culture, <c>true</c>/<c>false</c>).</summary>
    public static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
