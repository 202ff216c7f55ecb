using System.Security.Cryptography;
using System.Text;
using DocPipeline.Consistency;
using DocPipeline.Maintenance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DocPipeline.Tests.Maintenance;

/// <summary>
/// A third-party store outside the data folder (one file per note, each ending with the SHA-256 of its text), taking
/// part in backup, restore, verify and health through the public contracts only: nothing in the core knows it.
/// </summary>
internal sealed class NoteStore(string folder) : IStoreBackup, IStoreRestore, IStoreIntegrity, IStoreHealth
{
    private const string Separator = "\n#";

    public string Folder { get; } = folder;

    public string Name => "notes";

    public bool IsInUse => true;

    /// <summary>Registers a note store over <paramref name="folder"/> for every contract it takes part in.</summary>
    public static void Register(IServiceCollection services, string folder)
    {
        services.AddSingleton(new NoteStore(folder));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreBackup, NoteStore>(sp => sp.GetRequiredService<NoteStore>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreRestore, NoteStore>(sp => sp.GetRequiredService<NoteStore>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreIntegrity, NoteStore>(sp => sp.GetRequiredService<NoteStore>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreHealth, NoteStore>(sp => sp.GetRequiredService<NoteStore>()));
    }

    public void Write(string id, string text)
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, id + ".note"), text + Separator + Hash(text));
    }

    public IReadOnlyDictionary<string, string> ReadAll() =>
        Directory.EnumerateFiles(Folder, "*.note").Order(StringComparer.Ordinal).ToDictionary(
            path => Path.GetFileNameWithoutExtension(path),
            path => File.ReadAllText(path).Split(Separator)[0],
            StringComparer.Ordinal);

    public Task<StoreBackupPart> BackupAsync(string destination, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(Folder, "*.note"))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        return Task.FromResult(StoreBackupPart.Written());
    }

    public Task RestoreAsync(string source, CancellationToken cancellationToken = default)
    {
        // Built aside, then swapped in.
        var building = Folder + ".restoring";
        var aside = Folder + ".replaced";
        Directory.CreateDirectory(building);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(building, Path.GetFileName(file)));
        }

        if (Directory.Exists(Folder))
        {
            Directory.Move(Folder, aside);
        }

        Directory.Move(building, Folder);
        if (Directory.Exists(aside))
        {
            Directory.Delete(aside, recursive: true);
        }

        return Task.CompletedTask;
    }

    public Task<StoreIntegrity?> CheckIntegrityAsync(bool deep, CancellationToken cancellationToken = default)
    {
        var damaged = Directory.EnumerateFiles(Folder, "*.note")
            .Where(path => File.ReadAllText(path).Split(Separator) is not [var text, var hash] || hash != Hash(text))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult<StoreIntegrity?>(new StoreIntegrity
        {
            Name = Name,
            Check = "every note against its SHA-256",
            Error = damaged.Count == 0 ? null : "damaged notes: " + string.Join(", ", damaged),
        });
    }

    public Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Directory.Exists(Folder)
            ? StoreHealth.Healthy
            : new StoreHealth(StoreHealthState.Missing, $"The note store at '{Folder}' is missing."));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
