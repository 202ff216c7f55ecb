using System.Text;
using DocPipeline.Extraction;
using DocPipeline.Specification.Tests.Extraction;

namespace DocPipeline.Tests.Extraction;

public sealed class HtmlExtractorTests : DocumentExtractorSpecificationTests
{
    protected override IDocumentExtractor CreateExtractor() => new HtmlExtractor();

    protected override byte[] CreateDocument(IReadOnlyList<string> paragraphs) =>
        Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><title>Test</title></head><body>"
            + string.Concat(paragraphs.Select(static p => $"<p>{System.Net.WebUtility.HtmlEncode(p)}</p>"))
            + "</body></html>");

    [Fact]
    public async Task ExtractAsync_HiddenElementsAndScripts_LeftOut()
    {
        var html = """
            <!DOCTYPE html>
            <html>
            <head>
              <title>Volcano monitoring</title>
              <style>
                .cookie-banner { display: none }
                .ghost { visibility: hidden }
                .ghost .shown-again { visibility: visible }
                .tab { display: none }
                .tab.active { display: block }
              </style>
              <script>var headScript = "HEAD-SCRIPT";</script>
            </head>
            <body>
              <h1>Seismometers</h1>
              <p>Swarms of small <em>earthquakes</em> come first.</p>
              <script>document.write("BODY-SCRIPT")</script>
              <style>p::after { content: "STYLE-TEXT" }</style>
              <noscript>NOSCRIPT-TEXT</noscript>
              <template><p>TEMPLATE-TEXT</p></template>
              <div hidden>HIDDEN-ATTRIBUTE</div>
              <div aria-hidden="true">ARIA-HIDDEN</div>
              <div style="display:none">INLINE-DISPLAY-NONE</div>
              <span style="visibility: hidden">INLINE-VISIBILITY-HIDDEN</span>
              <div class="cookie-banner">SHEET-DISPLAY-NONE</div>
              <p class="ghost">SHEET-VISIBILITY-HIDDEN <span class="shown-again">Tiltmeters stay visible.</span></p>
              <div class="tab">INACTIVE-TAB</div>
              <div class="tab active">Gas sensors sniff sulfur dioxide.</div>
            </body>
            </html>
            """;

        var document = await ExtractAsync(Encoding.UTF8.GetBytes(html));

        var text = Assert.Single(document.Sections).Text;
        Assert.Equal(
            "Seismometers\n\nSwarms of small earthquakes come first.\n\nTiltmeters stay visible.\n\nGas sensors sniff sulfur dioxide.",
            text);
        Assert.Equal("Volcano monitoring", document.Metadata["title"]);
    }

    [Fact]
    public async Task ExtractAsync_TitleAndAuthor_FromHead()
    {
        var html = "<html><head><title>\n  The   printing press \n</title><meta name=\"Author\" content=\"J. Gutenberg\"></head><body><p>Text</p></body></html>";

        var document = await ExtractAsync(Encoding.UTF8.GetBytes(html));

        Assert.Equal("The printing press", document.Metadata["title"]);
        Assert.Equal("J. Gutenberg", document.Metadata["author"]);
    }

    [Fact]
    public async Task ExtractAsync_BlockAndInlineElements_BlocksSeparatedByBlankLinesInlineTextJoined()
    {
        var html = "<body><div>First <a href='#'>link</a>, <b>bold</b>and<i>joined</i>.<div>Nested block</div>tail</div>"
            + "<ul><li>one</li><li>two</li></ul>line<br>break<h2>Heading</h2>   <p>  spaced\n   out  </p></body>";

        var text = await ExtractTextAsync(html);

        Assert.Equal("First link, boldandjoined.\n\nNested block\n\ntail\n\none\n\ntwo\n\nline\nbreak\n\nHeading\n\nspaced out", text);
    }

    [Fact]
    public async Task ExtractAsync_EntitiesSoftHyphensAndClosedDetails_ReadAsAReaderWould()
    {
        var html = "<p>Magma&nbsp;cham&shy;ber &amp; vent</p><details><summary>More</summary><p>Folded-away text is still text.</p></details>";

        var text = await ExtractTextAsync(html);

        Assert.Equal("Magma chamber & vent\n\nMore\n\nFolded-away text is still text.", text);
    }

    [Fact]
    public async Task ExtractAsync_Table_RowsOnLinesCellsSeparatedByTabs()
    {
        var html = "<table><thead><tr><th>Gauge</th><th>Reading</th></tr></thead><tbody><tr><td>Tilt</td><td>4 µrad</td></tr><tr><td>SO₂</td><td>1,200 t/day</td></tr></tbody></table>";

        var text = await ExtractTextAsync(html);

        Assert.Equal("Gauge\tReading\nTilt\t4 µrad\nSO₂\t1,200 t/day", text);
    }

    [Fact]
    public async Task ExtractAsync_Preformatted_LinesAndIndentationKept()
    {
        var html = "<p>Code:</p><pre>for (;;)\n    watch();\n</pre><p>Done.</p>";

        var text = await ExtractTextAsync(html);

        Assert.Equal("Code:\n\nfor (;;)\n    watch();\n\nDone.", text);
    }

    [Fact]
    public async Task ExtractAsync_MetaCharsetWindows1252_DecodedAsDeclared()
    {
        var html = Encoding.Latin1.GetBytes("<html><head><meta charset=\"windows-1252\"><title>Caf\u00e9</title></head><body><p>Cr\u00e8me br\u00fbl\u00e9e</p></body></html>");

        var document = await ExtractAsync(html);

        Assert.Equal("Crème brûlée", Assert.Single(document.Sections).Text);
        Assert.Equal("Café", document.Metadata["title"]);
    }

    [Fact]
    public async Task ExtractAsync_BinaryDataNamedHtml_LooksLikeBinary()
    {
        var content = new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D };

        var error = await Assert.ThrowsAsync<DocumentExtractionException>(() => ExtractAsync(content));

        Assert.Contains("looks like binary data, not text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_DeeplyNestedElements_TextFound()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 5_000)) + "deep text" + string.Concat(Enumerable.Repeat("</div>", 5_000));

        var text = await ExtractTextAsync(html);

        Assert.Equal("deep text", text);
    }

    [Fact]
    public async Task ExtractAsync_LinkedResources_NothingFetched()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
            var html = $"<html><head><link rel=stylesheet href='{url}/site.css'><style>@import url('{url}/more.css');</style>"
                + $"<script src='{url}/app.js'></script></head><body><img src='{url}/a.png'><iframe src='{url}/frame'></iframe><p>Offline.</p></body></html>";

            var text = await ExtractTextAsync(html);

            Assert.Equal("Offline.", text);
            Assert.False(listener.Pending());
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task ExtractAsync_NoVisibleText_EmptyDocument()
    {
        var document = await ExtractAsync(Encoding.UTF8.GetBytes("<html><head><title>Only a title</title></head><body><script>x()</script></body></html>"));

        Assert.True(document.IsEmpty);
        Assert.Equal("Only a title", document.Metadata["title"]);
    }

    private async Task<string> ExtractTextAsync(string html) =>
        Assert.Single((await ExtractAsync(Encoding.UTF8.GetBytes(html))).Sections).Text;
}
