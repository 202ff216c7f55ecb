namespace DocPipeline.Fingerprints;

/// <summary>One source to check: a file path and the metadata the caller attaches to it.</summary>
/// <param name="Path">The file path; relative paths are resolved against the current directory.</param>
/// <param name="Metadata">
/// Metadata supplied with the source (tags, a collection name…), hashed canonically into the metadata hash, or
/// <see langword="null"/>. Values may be strings, numbers, booleans, dates, GUIDs, enums, JSON, or nested
/// dictionaries and lists of these.
/// </param>
internal readonly record struct FingerprintRequest(string Path, IReadOnlyDictionary<string, object?>? Metadata = null);
