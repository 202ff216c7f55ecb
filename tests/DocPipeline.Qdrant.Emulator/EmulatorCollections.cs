using Google.Protobuf.Collections;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Emulator;

/// <summary>The emulated server's collections, each behind one lock (so every call is atomic, as a single Qdrant shard's updates are).</summary>
public sealed partial class EmulatorCollections
{
    private readonly Dictionary<string, EmulatorCollection> _collections = new(StringComparer.Ordinal);

    /// <summary>Gets or sets a value indicating whether a filter on a field without a payload index is rejected, as in Qdrant's strict mode.</summary>
    public bool StrictMode { get; set; } = true;

    /// <summary>Creates a collection; a second create of the same name fails with <c>AlreadyExists</c>.</summary>
    public void Create(CreateCollection request)
    {
        if (request.VectorsConfig?.Params is not { } parameters)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The emulator supports one unnamed vector per point."));
        }

        lock (_collections)
        {
            if (_collections.ContainsKey(request.CollectionName))
            {
                throw new RpcException(new Status(StatusCode.AlreadyExists, $"Wrong input: Collection `{request.CollectionName}` already exists!"));
            }

            _collections[request.CollectionName] = new EmulatorCollection(request.CollectionName, parameters.Clone(), this);
        }
    }

    /// <summary>Deletes a collection; answers whether it existed.</summary>
    public bool Delete(string name)
    {
        lock (_collections)
        {
            // Qdrant deletes the aliases of a deleted collection with it.
            foreach (var alias in _aliases.Where(a => a.Value == name).Select(a => a.Key).ToList())
            {
                _aliases.Remove(alias);
            }

            return _collections.Remove(name);
        }
    }

    /// <summary>Whether the collection exists.</summary>
    public bool Exists(string name)
    {
        lock (_collections)
        {
            return _collections.ContainsKey(name);
        }
    }

    /// <summary>The collection, or <c>NotFound</c> as Qdrant answers.</summary>
    public EmulatorCollection Get(string name)
    {
        lock (_collections)
        {
            return _collections.TryGetValue(_aliases.GetValueOrDefault(name, name), out var collection)
                ? collection
                : throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Collection `{name}` doesn't exist!"));
        }
    }
}

/// <summary>One emulated collection: its vector parameters, payload indexes, and points in id order.</summary>
public sealed class EmulatorCollection(string name, VectorParams parameters, EmulatorCollections server)
{
    private readonly SortedDictionary<string, RetrievedPoint> _points = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PayloadSchemaType> _indexes = new(StringComparer.Ordinal);

    /// <summary>Gets the collection name.</summary>
    public string Name => name;

    /// <summary>The collection info Qdrant reports.</summary>
    public CollectionInfo Info()
    {
        lock (_points)
        {
            var info = new CollectionInfo
            {
                Status = CollectionStatus.Green,
                PointsCount = (ulong)_points.Count,
                Config = new CollectionConfig { Params = new CollectionParams { VectorsConfig = new VectorsConfig { Params = parameters.Clone() } } },
            };
            foreach (var (field, type) in _indexes)
            {
                info.PayloadSchema[field] = new PayloadSchemaInfo { DataType = type };
            }

            return info;
        }
    }

    /// <summary>Adds a payload index.</summary>
    public void CreateIndex(string field, FieldType type)
    {
        lock (_points)
        {
            _indexes[field] = type switch
            {
                FieldType.Keyword => PayloadSchemaType.Keyword,
                FieldType.Integer => PayloadSchemaType.Integer,
                _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"The emulator supports keyword and integer payload indexes, not {type}.")),
            };
        }
    }

    /// <summary>Inserts or replaces points: every id and vector is checked first, so a bad point writes nothing of the request.</summary>
    public void Upsert(RepeatedField<PointStruct> points)
    {
        var stored = new List<(string Key, RetrievedPoint Point)>(points.Count);
        foreach (var point in points)
        {
            var key = Key(point.Id);
            var vector = Dense(point.Vectors?.Vector);
            if (vector.Length != (int)parameters.Size)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"Wrong input: Vector dimension error: expected dim: {parameters.Size}, got {vector.Length}"));
            }

            if (parameters.Distance == Distance.Cosine)
            {
                var norm = (float)Math.Sqrt(vector.Sum(v => (double)v * v));
                vector = norm == 0f ? vector : vector.Select(v => v / norm).ToArray();
            }

            var copy = new RetrievedPoint { Id = point.Id.Clone(), Vectors = new VectorsOutput { Vector = new VectorOutput { Dense = new DenseVector { Data = { vector } } } } };
            copy.Payload.Add(point.Payload);
            stored.Add((key, copy));
        }

        lock (_points)
        {
            foreach (var (key, point) in stored)
            {
                _points[key] = point;
            }
        }
    }

    /// <summary>Deletes points by id or by filter.</summary>
    public void Delete(PointsSelector selector)
    {
        lock (_points)
        {
            var keys = selector.Points is { } list
                ? list.Ids.Select(Key).ToList()
                : _points.Where(p => Matches(selector.Filter, p.Value)).Select(p => p.Key).ToList();
            foreach (var key in keys)
            {
                _points.Remove(key);
            }
        }
    }

    /// <summary>A page of points in id order from <paramref name="offset"/>, and the id the next page starts at.</summary>
    public (List<RetrievedPoint> Page, PointId? Next) Scroll(Filter? filter, PointId? offset, int limit, WithPayloadSelector? payload, bool withVectors)
    {
        lock (_points)
        {
            var start = offset is null ? null : Key(offset);
            var page = new List<RetrievedPoint>(limit);
            foreach (var (key, point) in _points)
            {
                if ((start is not null && string.CompareOrdinal(key, start) < 0) || !Matches(filter, point))
                {
                    continue;
                }

                if (page.Count == limit)
                {
                    return (page, point.Id.Clone());
                }

                page.Add(Select(point, payload, withVectors));
            }

            return (page, null);
        }
    }

    /// <summary>How many points match.</summary>
    public ulong Count(Filter? filter)
    {
        lock (_points)
        {
            return (ulong)_points.Values.Count(p => Matches(filter, p));
        }
    }

    /// <summary>The best <paramref name="limit"/> points by cosine similarity (a brute force scan), best first.</summary>
    public List<ScoredPoint> Query(float[] query, Filter? filter, int limit, WithPayloadSelector? payload)
    {
        if (query.Length != (int)parameters.Size)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Wrong input: Vector dimension error: expected dim: {parameters.Size}, got {query.Length}"));
        }

        var norm = Math.Sqrt(query.Sum(v => (double)v * v));
        lock (_points)
        {
            return _points.Values
                .Where(p => Matches(filter, p))
                .Select(p => (Point: p, Score: Dot(query, p.Vectors.Vector.Dense.Data) / (parameters.Distance == Distance.Cosine && norm > 0 ? norm : 1)))
                .OrderByDescending(s => s.Score)
                .Take(limit)
                .Select(s =>
                {
                    var scored = new ScoredPoint { Id = s.Point.Id.Clone(), Score = (float)s.Score };
                    scored.Payload.Add(Select(s.Point, payload, false).Payload);
                    return scored;
                })
                .ToList();
        }
    }

    /// <summary>The distinct values of a keyword field with their point counts, most frequent first.</summary>
    public List<FacetHit> Facet(string key, Filter? filter, int limit)
    {
        lock (_points)
        {
            if (!_indexes.ContainsKey(key))
            {
                throw IndexRequired(key);
            }

            return _points.Values
                .Where(p => Matches(filter, p))
                .Where(p => p.Payload.TryGetValue(key, out var v) && v.HasStringValue)
                .GroupBy(p => p.Payload[key].StringValue, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(limit)
                .Select(g => new FacetHit { Value = new FacetValue { StringValue = g.Key }, Count = (ulong)g.Count() })
                .ToList();
        }
    }

    /// <summary>The storage key of a point id, ordered as Qdrant orders ids (integers before UUIDs); rejects ids Qdrant rejects.</summary>
    internal static string Key(PointId id)
    {
        if (id.HasNum)
        {
            return "0:" + id.Num.ToString("D20", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (id.HasUuid && Guid.TryParse(id.Uuid, out var uuid))
        {
            return "1:" + uuid.ToString("D");
        }

        throw new RpcException(new Status(StatusCode.InvalidArgument, $"Unable to parse UUID: {(id.HasUuid ? id.Uuid : string.Empty)}"));
    }

    private static float[] Dense(Vector? vector)
    {
        if (vector is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Wrong input: the point has no vector."));
        }

#pragma warning disable CS0612, CS0618 // The client may still send the deprecated flat data field.
        return vector.Dense is { } dense ? dense.Data.ToArray() : vector.Data.ToArray();
#pragma warning restore CS0612, CS0618
    }

    private static double Dot(float[] a, RepeatedField<float> b)
    {
        double dot = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
        }

        return dot;
    }

    private static RetrievedPoint Select(RetrievedPoint point, WithPayloadSelector? payload, bool withVectors)
    {
        var copy = new RetrievedPoint { Id = point.Id.Clone() };
        if (withVectors)
        {
            copy.Vectors = point.Vectors.Clone();
        }

        if (payload is null || (payload.SelectorOptionsCase == WithPayloadSelector.SelectorOptionsOneofCase.Enable && !payload.Enable))
        {
            return copy;
        }

        foreach (var (key, value) in point.Payload)
        {
            if (payload.Include is not { } include || include.Fields.Contains(key))
            {
                copy.Payload[key] = value.Clone();
            }
        }

        return copy;
    }

    private bool Matches(Filter? filter, RetrievedPoint point) =>
        filter is null || EmulatorFilter.Matches(filter, point, field =>
        {
            if (server.StrictMode && !_indexes.ContainsKey(field))
            {
                throw IndexRequired(field);
            }
        });

    private static RpcException IndexRequired(string field) =>
        new(new Status(StatusCode.InvalidArgument, $"Bad request: Index required but not found for \"{field}\" of one of the following types: [keyword, integer]. Help: Create an index for this key or use a different filter."));
}
