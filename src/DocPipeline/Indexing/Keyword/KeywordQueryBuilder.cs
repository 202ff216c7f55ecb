using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Search;

namespace DocPipeline.Indexing.Keyword;

/// <summary>
/// Turns text typed by a user into a query without parsing any syntax: the text goes through the index's analyzer
/// (so it is stemmed and stop words drop out exactly as in indexing), and each distinct term becomes an optional
/// clause. Input such as <c>foo AND (</c> or <c>title:"x</c> is therefore just words to look for.
/// </summary>
internal static class KeywordQueryBuilder
{
    /// <summary>Builds the query, or returns <see langword="null"/> when the text has no searchable term.</summary>
    public static Query? Build(Analyzer analyzer, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var maxClauses = BooleanQuery.MaxClauseCount;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        BooleanQuery? query = null;
        using var tokens = analyzer.GetTokenStream(KeywordFields.Text, text);
        var term = tokens.AddAttribute<ICharTermAttribute>();
        tokens.Reset();
        while (tokens.IncrementToken())
        {
            var value = term.ToString();
            if (seen.Count < maxClauses && seen.Add(value))
            {
                query ??= [];
                query.Add(new TermQuery(new Lucene.Net.Index.Term(KeywordFields.Text, value)), Occur.SHOULD);
            }
        }

        tokens.End();
        return query;
    }
}
