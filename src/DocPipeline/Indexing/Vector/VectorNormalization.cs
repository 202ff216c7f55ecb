using System.Globalization;
using System.Numerics.Tensors;

namespace DocPipeline.Indexing.Vector;

/// <summary>
/// Checks vectors and scales them to unit length, so that the cosine similarity of two stored vectors is their dot
/// product. Every vector index implementation uses it, so they reject the same inputs with the same messages.
/// </summary>
internal static class VectorNormalization
{
    /// <summary>The most dimensions a vector may have: far more than any embedding model, and a sanity bound for stored headers.</summary>
    public const int MaxDimensions = 1 << 20;

    /// <summary>Writes <paramref name="source"/> scaled to unit length into <paramref name="destination"/>.</summary>
    /// <param name="source">The vector as given.</param>
    /// <param name="destination">Where the unit vector goes; as long as <paramref name="source"/>.</param>
    /// <param name="what">Names the vector in error messages, for example <c>the vector of chunk 'a'</c>.</param>
    /// <param name="parameterName">The parameter the vector came in.</param>
    /// <exception cref="ArgumentException">The vector is empty, holds NaN or infinity, or is all zeros.</exception>
    public static void Normalize(ReadOnlySpan<float> source, Span<float> destination, string what, string parameterName)
    {
        if (source.IsEmpty)
        {
            throw new ArgumentException($"{Capitalize(what)} is empty; a vector needs at least one dimension.", parameterName);
        }

        // NaN and infinity propagate into the norm, so one pass both measures and checks the vector.
        var norm = TensorPrimitives.Norm(source);
        if (float.IsNaN(norm))
        {
            throw new ArgumentException($"{Capitalize(what)} contains NaN; an embedding must be finite.", parameterName);
        }

        if (float.IsInfinity(norm))
        {
            throw new ArgumentException(
                $"{Capitalize(what)} contains infinity or values too large to measure; an embedding must be finite.", parameterName);
        }

        if (norm == 0f)
        {
            throw new ArgumentException(
                $"{Capitalize(what)} is all zeros; it has no direction, so no cosine similarity can be computed with it.", parameterName);
        }

        TensorPrimitives.Divide(source, norm, destination);
    }

    /// <summary>
    /// Writes <paramref name="source"/> scaled to unit length into <paramref name="destination"/>, naming the vector
    /// with <paramref name="what"/> only when it is rejected: no message is built for the vectors that pass.
    /// </summary>
    /// <exception cref="ArgumentException">The vector is empty, holds NaN or infinity, or is all zeros.</exception>
    public static void Normalize<TState>(ReadOnlySpan<float> source, Span<float> destination, TState state, Func<TState, string> what, string parameterName)
    {
        var norm = source.IsEmpty ? 0f : TensorPrimitives.Norm(source);
        if (!float.IsFinite(norm) || norm == 0f)
        {
            // Rejected: the overload that takes the name throws the error that says why.
            Normalize(source, destination, what(state), parameterName);
        }

        TensorPrimitives.Divide(source, norm, destination);
    }

    /// <summary>Returns the error for a vector whose length differs from the index's dimensions.</summary>
    /// <param name="what">Names the vector, for example <c>the vector of chunk 'a'</c>.</param>
    /// <param name="length">The vector's length.</param>
    /// <param name="dimensions">The index's dimensions.</param>
    /// <param name="origin">Where <paramref name="dimensions"/> comes from, for example <c>fixed by its first upsert</c>.</param>
    /// <param name="parameterName">The parameter the vector came in.</param>
    public static ArgumentException DimensionMismatch(string what, int length, int dimensions, string origin, string parameterName) =>
        new(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{Capitalize(what)} has {length} dimensions, but the vector index holds vectors of {dimensions} dimensions ({origin}). Every vector of one index must come from the same embedding model; clear the index to change models."),
            parameterName);

    /// <summary>Checks and normalizes a query vector.</summary>
    /// <param name="query">The query as given.</param>
    /// <param name="dimensions">The index's dimensions.</param>
    /// <returns>The unit-length query.</returns>
    public static float[] NormalizeQuery(ReadOnlyMemory<float> query, int dimensions)
    {
        if (query.Length != dimensions)
        {
            throw DimensionMismatch("the query vector", query.Length, dimensions, "fixed by its first upsert", nameof(query));
        }

        var normalized = new float[dimensions];
        Normalize(query.Span, normalized, "the query vector", nameof(query));
        return normalized;
    }

    private static string Capitalize(string text) =>
        text.Length == 0 ? text : string.Concat(char.ToUpperInvariant(text[0]).ToString(), text.AsSpan(1));
}
