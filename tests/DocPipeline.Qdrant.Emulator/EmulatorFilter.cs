using Grpc.Core;
using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Emulator;

/// <summary>Qdrant's filter semantics for the conditions the emulator supports: keyword and integer matches (one value or any of several), integer ranges, ids, nested filters.</summary>
internal static class EmulatorFilter
{
    public static bool Matches(Filter filter, RetrievedPoint point, Action<string> checkIndexed) =>
        filter.Must.All(c => Matches(c, point, checkIndexed))
        && filter.MustNot.All(c => !Matches(c, point, checkIndexed))
        && (filter.Should.Count == 0 || filter.Should.Any(c => Matches(c, point, checkIndexed)));

    private static bool Matches(Condition condition, RetrievedPoint point, Action<string> checkIndexed)
    {
        switch (condition.ConditionOneOfCase)
        {
            case Condition.ConditionOneOfOneofCase.Field:
                checkIndexed(condition.Field.Key);
                return Matches(condition.Field, point);
            case Condition.ConditionOneOfOneofCase.HasId:
                return condition.HasId.HasId.Any(id => EmulatorCollection.Key(id) == EmulatorCollection.Key(point.Id));
            case Condition.ConditionOneOfOneofCase.Filter:
                return Matches(condition.Filter, point, checkIndexed);
            default:
                throw new RpcException(new Status(StatusCode.Unimplemented, $"The emulator does not support {condition.ConditionOneOfCase} conditions."));
        }
    }

    private static bool Matches(FieldCondition field, RetrievedPoint point)
    {
        if (!point.Payload.TryGetValue(field.Key, out var value))
        {
            return false;
        }

        if (field.Match is { } match)
        {
            return match.MatchValueCase switch
            {
                Match.MatchValueOneofCase.Keyword => value.HasStringValue && value.StringValue == match.Keyword,
                Match.MatchValueOneofCase.Keywords => value.HasStringValue && match.Keywords.Strings.Contains(value.StringValue),
                Match.MatchValueOneofCase.Integer => value.HasIntegerValue && value.IntegerValue == match.Integer,
                Match.MatchValueOneofCase.Integers => value.HasIntegerValue && match.Integers.Integers.Contains(value.IntegerValue),
                _ => throw new RpcException(new Status(StatusCode.Unimplemented, $"The emulator does not support {match.MatchValueCase} matches.")),
            };
        }

        if (field.Range is { } range)
        {
            if (!value.HasIntegerValue && !value.HasDoubleValue)
            {
                return false;
            }

            var number = value.HasIntegerValue ? value.IntegerValue : value.DoubleValue;
            return (!range.HasLt || number < range.Lt) && (!range.HasLte || number <= range.Lte)
                && (!range.HasGt || number > range.Gt) && (!range.HasGte || number >= range.Gte);
        }

        throw new RpcException(new Status(StatusCode.Unimplemented, "The emulator supports match and range field conditions only."));
    }
}
