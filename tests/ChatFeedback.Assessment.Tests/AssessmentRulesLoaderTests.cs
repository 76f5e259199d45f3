namespace ChatFeedback.Assessment.Tests;

/// <summary>Loader errors name file, line and column; each test writes a small rule set to a temporary folder.</summary>
public sealed class AssessmentRulesLoaderTests : IDisposable
{
    private const string Rules = """
        locales: [en, zh-CN]
        categories: [delivery, other]
        themes: [delivery_speed]
        floors:
          safety: major
          legal: significant
        """;

    private const string English = """
        locale: en
        severity:
          - id: en-late
            severity: minor
            category: delivery
            terms: [late]
        """;

    private const string Chinese = """
        locale: zh-CN
        severity:
          - id: zh-late
            severity: minor
            terms: [晚]
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("assessment-rules-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private AssessmentRulesLoadResult Load(string rules = Rules, string? english = English, string? chinese = Chinese)
    {
        File.WriteAllText(Path.Combine(_folder, "rules.yaml"), rules);
        if (english is not null)
        {
            File.WriteAllText(Path.Combine(_folder, "lexicon.en.yaml"), english);
        }

        if (chinese is not null)
        {
            File.WriteAllText(Path.Combine(_folder, "lexicon.zh-CN.yaml"), chinese);
        }

        return AssessmentRulesLoader.LoadDirectory(_folder);
    }

    private static AssessmentRulesError Single(AssessmentRulesLoadResult result, string file)
    {
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.EndsWith(file, error.File, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void TheRepositoryRulesLoad()
    {
        var result = AssessmentRulesLoader.LoadDirectory(RepositoryRules.Folder);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(["en", "zh-CN"], result.Rules!.Lexicons.Select(l => l.Locale).Order());
    }

    [Fact]
    public void ASmallValidSetLoads()
    {
        var result = Load();
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(Grade.Major, result.Rules!.Floors.Safety);
        Assert.Equal(Grade.General, result.Rules.Floors.Vip);
        Assert.Equal(4000, result.Rules.MaxTextLength);
    }

    [Fact]
    public void TheVersionFollowsTheWordsNotTheFolderOrLineEndings()
    {
        var first = Load().Rules!.Version;
        Assert.Matches("^rules-[0-9a-f]{12}$", first);
        Assert.Equal(first, Load(Rules.ReplaceLineEndings("\r\n")).Rules!.Version);

        var other = AssessmentRulesLoader.Load([
            new RulesSource(Path.Combine("elsewhere", "rules.yaml"), Rules),
            new RulesSource(Path.Combine("elsewhere", "lexicon.en.yaml"), English),
            new RulesSource(Path.Combine("elsewhere", "lexicon.zh-CN.yaml"), Chinese)]);
        Assert.Equal(first, other.Rules!.Version);

        Assert.NotEqual(first, Load(english: English.Replace("[late]", "[late, slow]", StringComparison.Ordinal)).Rules!.Version);
    }

    [Fact]
    public void AnUnknownKeyIsReportedWithASuggestion()
    {
        var error = Single(Load(english: English.Replace("    severity: minor", "    severty: minor\n    severity: minor", StringComparison.Ordinal)), "lexicon.en.yaml");
        Assert.Equal((4, 5), (error.Line, error.Column));
        Assert.Contains("did you mean 'severity'", error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{error.File}:4:5: severity[0].severty:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ABadSeverityIsReported()
    {
        var error = Single(Load(english: English.Replace("severity: minor", "severity: awful", StringComparison.Ordinal)), "lexicon.en.yaml");
        Assert.Equal(4, error.Line);
        Assert.Contains("'awful' is not one of minor, moderate, severe", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFloorThatIsNotAGradeIsReported()
    {
        var error = Single(Load(rules: Rules.Replace("safety: major", "safety: severe", StringComparison.Ordinal)), "rules.yaml");
        Assert.Equal((5, 11), (error.Line, error.Column));
        Assert.Contains("'severe' is not one of general, significant, major", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateIdsAcrossLexiconsAreReported()
    {
        var error = Single(Load(chinese: Chinese.Replace("zh-late", "en-late", StringComparison.Ordinal)), "lexicon.zh-CN.yaml");
        Assert.Equal(3, error.Line);
        Assert.Contains("also used at", error.Message, StringComparison.Ordinal);
        Assert.Contains("lexicon.en.yaml:3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[late, '']")]
    [InlineData("[late, '  ']")]
    [InlineData("[late, '...']")]
    public void AnEmptyTermIsReported(string terms)
    {
        var error = Single(Load(english: English.Replace("[late]", terms, StringComparison.Ordinal)), "lexicon.en.yaml");
        Assert.Equal(6, error.Line);
        Assert.Contains("the term is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyListOfTermsIsReported() =>
        Assert.Contains("empty", Single(Load(english: English.Replace("[late]", "[]", StringComparison.Ordinal)), "lexicon.en.yaml").Message, StringComparison.Ordinal);

    [Fact]
    public void ALocaleWithoutALexiconIsReported()
    {
        var error = Single(Load(chinese: null), "rules.yaml");
        Assert.Equal(1, error.Line);
        Assert.Contains("'zh-CN' has no lexicon", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALexiconOfAnUndeclaredLocaleIsReported()
    {
        File.WriteAllText(Path.Combine(_folder, "lexicon.fr.yaml"), "locale: fr\n");
        var error = Single(Load(), "lexicon.fr.yaml");
        Assert.Contains("'fr' is not one of rules.yaml's locales", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownCategoryIsReported()
    {
        var error = Single(Load(english: English.Replace("category: delivery", "category: shipping", StringComparison.Ordinal)), "lexicon.en.yaml");
        Assert.Equal(5, error.Line);
        Assert.Contains("unknown category 'shipping'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUndeclaredThemeGroupIsReported()
    {
        var error = Single(Load(english: English + "\nthemes:\n  delivery_sped: [slow]\n"), "lexicon.en.yaml");
        Assert.Equal(8, error.Line);
        Assert.Contains("did you mean 'delivery_speed'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadConditionIsReported() =>
        Assert.Contains("use 'negated'", Single(Load(english: English + "\n    when: denied\n"), "lexicon.en.yaml").Message, StringComparison.Ordinal);

    [Fact]
    public void AYamlSyntaxErrorIsReportedWithItsPosition()
    {
        var error = Single(Load(english: "locale: en\nseverity: [\n  - oops: : :\n"), "lexicon.en.yaml");
        Assert.True(error.Line >= 2, error.ToString());
        Assert.Contains("YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryErrorIsReportedNotJustTheFirst()
    {
        var result = Load(
            rules: Rules.Replace("safety: major", "safety: huge", StringComparison.Ordinal),
            english: English.Replace("severity: minor", "severity: tiny", StringComparison.Ordinal));
        Assert.False(result.Succeeded);
        Assert.True(result.Errors.Count >= 1);
        Assert.Throws<InvalidAssessmentRulesException>(result.GetRulesOrThrow);
    }

    [Fact]
    public void AMissingRulesFileIsReported()
    {
        File.WriteAllText(Path.Combine(_folder, "lexicon.en.yaml"), English);
        var result = AssessmentRulesLoader.LoadDirectory(_folder);
        Assert.Contains("rules.yaml is missing", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }
}
