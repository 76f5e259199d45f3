using System.Globalization;
using CsvHelper;

namespace ChatFeedback.Assessment;

/// <summary>
/// One labelled complaint: the text as a customer wrote it, what a careful human grader decided, and the context
/// the grade depends on (similar cases from other customers, VIP, earlier cases), simulated for the evaluation.
/// </summary>
public sealed record LabelledComplaint(
    int Line,
    string Text,
    string Locale,
    Grade ExpectedGrade,
    Scope? ExpectedScope,
    Signals ExpectedFlags,
    int SimilarCustomers,
    bool Vip,
    int CasesLast30Days,
    string? Category,
    string? Note)
{
    public AssessmentInput ToInput() =>
        new(Text, Locale, [], new CustomerContext(Vip, "evaluation", CasesLast30Days, HasPurchase: true), string.IsNullOrWhiteSpace(Category) ? null : Category);

    /// <summary>The similar cases the row's scope was graded with: one case per similar customer.</summary>
    public SimilarCases ToSimilarCases() => new(SimilarCustomers, SimilarCustomers);
}

/// <summary>A labelled set, or the problems found reading it (file:line).</summary>
public sealed record LabelledSetReadResult(IReadOnlyList<LabelledComplaint> Items, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Reads a labelled CSV: a header row, then <c>text, locale, expected_grade</c> and the optional
/// <c>expected_scope, expected_flags</c> (<c>safety|legal|churn</c>)<c>, similar_customers, vip, cases_30d, category, note</c>.
/// Quoted fields may hold commas, quotes ("") and line breaks.
/// </summary>
public static class LabelledSet
{
    public static readonly IReadOnlyList<string> RequiredColumns = ["text", "locale", "expected_grade"];

    public static LabelledSetReadResult ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    public static LabelledSetReadResult Read(TextReader reader, string file)
    {
        var items = new List<LabelledComplaint>();
        var errors = new List<string>();
        var options = new CsvReaderOptions
        {
            Separator = ',',
            TrackLineNumbers = true,
            OnMalformedRecord = record => errors.Add($"{file}:{record.LineNumber}: malformed record ({record.Reason})"),
        };
        using var csv = CsvReader.Create(reader, options, leaveOpen: true);
        var header = csv.Headers.Select(h => h.Trim()).ToList();
        if (header.Count == 0)
        {
            return new LabelledSetReadResult(items, [$"{file}:1: the file is empty; it needs a header row"]);
        }

        foreach (var column in RequiredColumns.Where(c => !header.Contains(c, StringComparer.OrdinalIgnoreCase)))
        {
            errors.Add($"{file}:1: the column '{column}' is missing");
        }

        if (errors.Count > 0)
        {
            return new LabelledSetReadResult(items, errors);
        }

        string? Field(string name) => header.FindIndex(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase)) is var index and >= 0 && index < csv.FieldCount
            ? csv.GetString(index)
            : null;

        while (csv.Read())
        {
            var line = (int)csv.LineNumber;
            var where = $"{file}:{line}";
            var text = Field("text") ?? string.Empty;
            var locale = Field("locale")?.Trim() ?? string.Empty;
            if (locale.Length == 0)
            {
                errors.Add($"{where}: locale is empty");
                continue;
            }

            if (!TryEnum<Grade>(Field("expected_grade"), out var grade))
            {
                errors.Add($"{where}: expected_grade '{Field("expected_grade")}' is not general, significant or major");
                continue;
            }

            Scope? scope = null;
            if (Field("expected_scope") is { Length: > 0 } scopeText)
            {
                if (!TryEnum<Scope>(scopeText, out var parsed))
                {
                    errors.Add($"{where}: expected_scope '{scopeText}' is not individual, group or widespread");
                    continue;
                }

                scope = parsed;
            }

            var flags = Signals.None;
            var badFlag = false;
            foreach (var name in (Field("expected_flags") ?? string.Empty).Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (TryEnum<Signals>(name, out var flag) && flag != Signals.None)
                {
                    flags |= flag;
                }
                else
                {
                    errors.Add($"{where}: expected_flags '{name}' is not safety, legal, churn, repeat or vip");
                    badFlag = true;
                }
            }

            if (badFlag
                || !TryInt(Field("similar_customers"), where, "similar_customers", errors, out var similar)
                || !TryInt(Field("cases_30d"), where, "cases_30d", errors, out var cases)
                || !TryBool(Field("vip"), where, errors, out var vip))
            {
                continue;
            }

            items.Add(new LabelledComplaint(line, text, locale, grade, scope, flags, similar, vip, cases, NullIfEmpty(Field("category")), NullIfEmpty(Field("note"))));
        }

        return new LabelledSetReadResult(items, errors);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool TryEnum<T>(string? text, out T value)
        where T : struct, Enum =>
        Enum.TryParse(text?.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);

    private static bool TryInt(string? text, string where, string column, List<string> errors, out int value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= 0)
        {
            return true;
        }

        errors.Add($"{where}: {column} '{text}' is not a whole number ≥ 0");
        return false;
    }

    private static bool TryBool(string? text, string where, List<string> errors, out bool value)
    {
        value = false;
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "false" or "no" or "0":
                return true;
            case "true" or "yes" or "1":
                value = true;
                return true;
            default:
                errors.Add($"{where}: vip '{text}' is not true or false");
                return false;
        }
    }
}
