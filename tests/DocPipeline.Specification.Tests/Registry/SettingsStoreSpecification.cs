using DocPipeline.Registry;
using Xunit;

namespace DocPipeline.Specification.Tests.Registry;

/// <summary>The behaviour every <see cref="ISettingsStore"/> must have. Implementations inherit this class and supply the factory.</summary>
public abstract class SettingsStoreSpecification : RegistrySpecificationBase
{
    /// <summary>Creates the settings store under test, empty.</summary>
    protected abstract ISettingsStore CreateSettingsStore();

    [Fact]
    public async Task SettingAsync_RoundTrip_LastWriteWins()
    {
        var settings = CreateSettingsStore();

        Assert.Null(await settings.GetSettingAsync("embedder"));
        await settings.SetSettingAsync("embedder", "a");
        await settings.SetSettingAsync("embedder", "b");

        Assert.Equal("b", await settings.GetSettingAsync("embedder"));
    }

    [Fact]
    public async Task SettingAsync_TwoKeys_KeptApart()
    {
        var settings = CreateSettingsStore();

        await settings.SetSettingAsync("embedder", "model:3");
        await settings.SetSettingAsync("other", "value");

        Assert.Equal("model:3", await settings.GetSettingAsync("embedder"));
        Assert.Equal("value", await settings.GetSettingAsync("other"));
        Assert.Null(await settings.GetSettingAsync("missing"));
    }
}
