using Npgsql;
using NpgsqlTypes;

namespace DocPipeline.PostgreSql.Storage;

/// <summary>Adds typed parameters, so that a <see langword="null"/> is sent as a typed SQL NULL.</summary>
internal static class NpgsqlParameterExtensions
{
    public static NpgsqlParameterCollection Text(this NpgsqlParameterCollection parameters, string name, string? value)
    {
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });
        return parameters;
    }

    public static NpgsqlParameterCollection Jsonb(this NpgsqlParameterCollection parameters, string name, string? value)
    {
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = (object?)value ?? DBNull.Value });
        return parameters;
    }

    public static NpgsqlParameterCollection Integer(this NpgsqlParameterCollection parameters, string name, int? value)
    {
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Integer) { Value = value is { } v ? v : DBNull.Value });
        return parameters;
    }

    public static NpgsqlParameterCollection Bigint(this NpgsqlParameterCollection parameters, string name, long? value)
    {
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bigint) { Value = value is { } v ? v : DBNull.Value });
        return parameters;
    }

    public static NpgsqlParameterCollection Double(this NpgsqlParameterCollection parameters, string name, double value)
    {
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Double) { Value = value });
        return parameters;
    }

    public static NpgsqlParameterCollection Time(this NpgsqlParameterCollection parameters, string name, DateTimeOffset? value)
    {
        // timestamptz takes UTC values only; every store keeps whole milliseconds, like the embedded stores do.
        var utc = value is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v.ToUnixTimeMilliseconds()) : (DateTimeOffset?)null;
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = utc is { } u ? u : DBNull.Value });
        return parameters;
    }

    public static NpgsqlParameterCollection TextArray(this NpgsqlParameterCollection parameters, string name, IReadOnlyCollection<string?> values)
    {
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values as string?[] ?? values.ToArray() });
        return parameters;
    }

    public static NpgsqlParameterCollection IntegerArray(this NpgsqlParameterCollection parameters, string name, int?[] values)
    {
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = values });
        return parameters;
    }

    public static NpgsqlParameterCollection BigintArray(this NpgsqlParameterCollection parameters, string name, long[] values)
    {
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = values });
        return parameters;
    }

    public static NpgsqlParameterCollection TimeArray(this NpgsqlParameterCollection parameters, string name, DateTimeOffset[] values)
    {
        var utc = values.Select(v => DateTimeOffset.FromUnixTimeMilliseconds(v.ToUnixTimeMilliseconds())).ToArray();
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = utc });
        return parameters;
    }

    public static NpgsqlParameterCollection ByteaArray(this NpgsqlParameterCollection parameters, string name, byte[][] values)
    {
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = values });
        return parameters;
    }

    public static string? GetStringOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? GetInt32OrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static DateTimeOffset GetTime(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static DateTimeOffset? GetTimeOrNull(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
