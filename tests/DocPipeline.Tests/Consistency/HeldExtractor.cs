using System.Text;
using DocPipeline.Extraction;

namespace DocPipeline.Tests.Consistency;

/// <summary>
/// Extracts <c>.held</c> text files, but only once the test releases it: jobs of those files stay claimed and
/// running, before anything is staged, for as long as the test needs an ingest in flight.
/// </summary>
internal sealed class HeldExtractor : IDocumentExtractor
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<string> MediaTypes => ["application/x-held"];

    public IReadOnlyCollection<string> FileExtensions => [".held"];

    /// <summary>Gets a task that completes when an extraction is waiting.</summary>
    public Task Waiting => _waiting.Task;

    /// <summary>Lets every waiting and later extraction go on.</summary>
    public void Release() => _release.TrySetResult();

    public async Task<ExtractedDocument> ExtractAsync(Stream content, ExtractionContext context, CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var text = await reader.ReadToEndAsync(cancellationToken);
        _waiting.TrySetResult();
        await _release.Task.WaitAsync(cancellationToken);
        return new ExtractedDocument { Sections = [new ExtractedSection(text, null)] };
    }
}
