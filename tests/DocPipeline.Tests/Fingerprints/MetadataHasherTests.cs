using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DocPipeline.Fingerprints;

namespace DocPipeline.Tests.Fingerprints;

public sealed class MetadataHasherTests
{
    private readonly MetadataHasher _hasher = new([]);

    [Fact]
    public void Hash_KeysInAnotherOrderAtEveryLevel_SameHash()
    {
        var first = new Dictionary<string, object?>
        {
            ["title"] = "Report",
            ["tags"] = new[] { "a", "b" },
            ["owner"] = new Dictionary<string, object?> { ["name"] = "Ana", ["team"] = "docs" },
        };
        var second = new Dictionary<string, object?>
        {
            ["owner"] = new Dictionary<string, object?> { ["team"] = "docs", ["name"] = "Ana" },
            ["tags"] = new List<string> { "a", "b" },
            ["title"] = "Report",
        };

        Assert.Equal(_hasher.Hash(first), _hasher.Hash(second));
    }

    [Theory]
    [InlineData("title", "Other")]
    [InlineData("pages", 13)]
    [InlineData("draft", true)]
    [InlineData("extra", null)]
    public void Hash_OneValueDiffersOrIsAdded_DifferentHash(string key, object? value)
    {
        var original = new Dictionary<string, object?> { ["title"] = "Report", ["pages"] = 12, ["draft"] = false };
        var changed = new Dictionary<string, object?>(original) { [key] = value };

        Assert.NotEqual(_hasher.Hash(original), _hasher.Hash(changed));
    }

    [Fact]
    public void Hash_NestedValueDiffers_DifferentHash()
    {
        var first = new Dictionary<string, object?> { ["owner"] = new Dictionary<string, object?> { ["name"] = "Ana" } };
        var second = new Dictionary<string, object?> { ["owner"] = new Dictionary<string, object?> { ["name"] = "Bo" } };

        Assert.NotEqual(_hasher.Hash(first), _hasher.Hash(second));
    }

    [Fact]
    public void Hash_ListInAnotherOrder_DifferentHash()
    {
        Assert.NotEqual(
            _hasher.Hash(new Dictionary<string, object?> { ["tags"] = new[] { "a", "b" } }),
            _hasher.Hash(new Dictionary<string, object?> { ["tags"] = new[] { "b", "a" } }));
    }

    [Fact]
    public void Hash_StringThatLooksLikeTheNumber_DifferentHash()
    {
        Assert.NotEqual(
            _hasher.Hash(new Dictionary<string, object?> { ["n"] = 1 }),
            _hasher.Hash(new Dictionary<string, object?> { ["n"] = "1" }));
    }

    [Fact]
    public void Hash_NullEmptyOrOnlyExcludedKeys_IsNull()
    {
        var hasher = new MetadataHasher(["crawledAt"]);

        Assert.Null(hasher.Hash(null));
        Assert.Null(hasher.Hash(new Dictionary<string, object?>()));
        Assert.Null(hasher.Hash(new Dictionary<string, object?> { ["crawledAt"] = DateTimeOffset.UnixEpoch }));
    }

    [Fact]
    public void Hash_ExcludedKeyAtAnyLevel_Ignored()
    {
        var hasher = new MetadataHasher(["crawledAt"]);
        var first = new Dictionary<string, object?>
        {
            ["title"] = "Report",
            ["crawledAt"] = "2026-01-01",
            ["source"] = new Dictionary<string, object?> { ["crawledAt"] = "2026-01-01", ["host"] = "h" },
        };
        var second = new Dictionary<string, object?>
        {
            ["title"] = "Report",
            ["crawledAt"] = "2026-02-02",
            ["source"] = new Dictionary<string, object?> { ["crawledAt"] = "2026-02-02", ["host"] = "h" },
        };

        Assert.Equal(hasher.Hash(first), hasher.Hash(second));
        Assert.NotEqual(_hasher.Hash(first), _hasher.Hash(second));
    }

    [Fact]
    public void Hash_ExcludedKeys_ComparedOrdinally()
    {
        var hasher = new MetadataHasher(["crawledAt"]);

        Assert.NotEqual(
            hasher.Hash(new Dictionary<string, object?> { ["title"] = "t", ["CrawledAt"] = 1 }),
            hasher.Hash(new Dictionary<string, object?> { ["title"] = "t", ["CrawledAt"] = 2 }));
    }

    [Fact]
    public void Hash_SameIntegerAsDifferentTypes_SameHash()
    {
        object?[] values = [42, 42L, (byte)42, (short)42, 42u, 42UL, JsonDocument.Parse("42").RootElement, 42.0, 42m];

        var hashes = values.Select(v => _hasher.Hash(new Dictionary<string, object?> { ["n"] = v })).Distinct().ToList();

        Assert.Single(hashes);
    }

    [Fact]
    public void Hash_NumbersEqualInValue_SameHash()
    {
        Assert.Equal(Hash(1.50m), Hash(1.5m));
        Assert.Equal(Hash(-0.0), Hash(0.0));
        Assert.Equal(Hash(0.1), Hash(JsonDocument.Parse("0.1").RootElement));
        Assert.NotEqual(Hash(0.1), Hash(0.2));
    }

    [Fact]
    public void Hash_SameInstantInDifferentOffsets_SameHash()
    {
        var utc = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        Assert.Equal(Hash(utc), Hash(utc.ToOffset(TimeSpan.FromHours(9))));
        Assert.Equal(Hash(utc), Hash(utc.UtcDateTime));
        Assert.NotEqual(Hash(utc), Hash(utc.AddTicks(1)));
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("ar-SA")]
    [InlineData("tr-TR")]
    public void Hash_UnderAnotherCulture_SameHashAsInvariant(string culture)
    {
        var metadata = new Dictionary<string, object?>
        {
            ["price"] = 1234.5,
            ["ratio"] = 0.25f,
            ["amount"] = 9876.54m,
            ["when"] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            ["date"] = new DateOnly(2026, 1, 2),
            ["span"] = TimeSpan.FromMinutes(90),
            ["TITLE"] = "ı İ",
        };
        var previous = CultureInfo.CurrentCulture;
        string? invariant;
        string? other;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            invariant = _hasher.Hash(metadata);
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            other = _hasher.Hash(metadata);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        Assert.Equal(invariant, other);
    }

    [Fact]
    public void ToCanonicalJson_MixedMetadata_SortedCompactAndStable()
    {
        var metadata = new Dictionary<string, object?>
        {
            ["z"] = new Dictionary<string, object?> { ["y"] = 1.5, ["x"] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(1)) },
            ["b"] = new object?[] { true, null, "é\"" },
            ["a"] = 1,
            ["B"] = Guid.Parse("8F0C1A2B-3C4D-4E5F-8A9B-0C1D2E3F4A5B"),
            ["e"] = DayOfWeek.Monday,
        };

        Assert.Equal(
            """{"B":"8f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b","a":1,"b":[true,null,"é\""],"e":"Monday","z":{"x":"2026-01-02T02:04:05.0000000Z","y":1.5}}""",
            _hasher.ToCanonicalJson(metadata));
    }

    [Fact]
    public void Hash_JsonObjectInAnyKeyOrder_SameAsTheEquivalentDictionary()
    {
        var dictionary = new Dictionary<string, object?> { ["meta"] = new Dictionary<string, object?> { ["a"] = 1, ["b"] = "x" } };

        Assert.Equal(_hasher.Hash(dictionary), Hash(JsonDocument.Parse("""{"b":"x","a":1}""").RootElement, "meta"));
        Assert.Equal(_hasher.Hash(dictionary), Hash(JsonNode.Parse("""{"b":"x","a":1.0}"""), "meta"));
    }

    [Fact]
    public void Hash_Result_IsLowerCaseSha256Hex()
    {
        Assert.Matches("^[0-9a-f]{64}$", Hash("x"));
    }

    [Fact]
    public void Hash_UnsupportedValueType_ThrowsNamingTheKey()
    {
        var metadata = new Dictionary<string, object?>
        {
            ["outer"] = new Dictionary<string, object?> { ["list"] = new object[] { 1, new Random() } },
        };

        var error = Assert.Throws<ArgumentException>(() => _hasher.Hash(metadata));

        Assert.Contains("outer.list[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Random).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_SelfReferencingList_ThrowsInsteadOfOverflowing()
    {
        var list = new List<object?>();
        list.Add(list);

        var error = Assert.Throws<ArgumentException>(() => _hasher.Hash(new Dictionary<string, object?> { ["loop"] = list }));

        Assert.Contains("loop", error.Message, StringComparison.Ordinal);
    }

    private string? Hash(object? value, string key = "v") => _hasher.Hash(new Dictionary<string, object?> { [key] = value });
}
