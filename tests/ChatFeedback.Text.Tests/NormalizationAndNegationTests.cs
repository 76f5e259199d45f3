namespace ChatFeedback.Text.Tests;

public sealed class NormalizationTests
{
    [Theory]
    [InlineData("  The BOX\twas\n\nfine  ", "the box was fine")]
    [InlineData("ＡＢＣ１２３！", "abc123!")]
    [InlineData("快递　太慢", "快递 太慢")]
    [InlineData("It isn’t broken", "it is not broken")]
    [InlineData("I can't and won't", "i can not and will not")]
    [InlineData("don't", "do not")]
    public void FoldsCaseWidthWhitespaceAndContractions(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input).Text);

    [Fact]
    public void StripsControlCharactersAndSaysSo()
    {
        var result = TextNormalizer.Normalize("bro\u0000ken\u0007 box");
        Assert.Equal("broken box", result.Text);
        Assert.True(result.Notes.HasFlag(TextNotes.ControlStripped));
        Assert.False(result.IsUnreadable);
    }

    [Fact]
    public void RecognisesBinaryDebris()
    {
        var bytes = new byte[200];
        new Random(7).NextBytes(bytes);
        var text = string.Concat(bytes.Select(b => (char)(b % 32)));
        var result = TextNormalizer.Normalize(text);
        Assert.True(result.Notes.HasFlag(TextNotes.Binary));
        Assert.True(result.IsUnreadable);
    }

    [Theory]
    [InlineData("😡😡😡")]
    [InlineData("👍🏻 🙄 ❤️")]
    public void RecognisesEmojiOnlyText(string text)
    {
        var result = TextNormalizer.Normalize(text);
        Assert.True(result.Notes.HasFlag(TextNotes.EmojiOnly));
        Assert.True(result.IsUnreadable);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData("?!...")]
    public void EmptyOrPunctuationOnlyIsEmpty(string? text) =>
        Assert.True(TextNormalizer.Normalize(text).Notes.HasFlag(TextNotes.Empty));

    [Fact]
    public void TextWithEmojiAndWordsIsReadable() =>
        Assert.False(TextNormalizer.Normalize("late again 😡").IsUnreadable);
}

public sealed class NegationTests
{
    private static readonly TextAnalyzer Analyzer = new(["破损", "烫伤", "受伤", "满意", "退款", "收到"]);

    private static string[] Negated(string text)
    {
        using var analyzed = Analyzer.Analyze(text);
        var negated = new List<string>();
        for (var i = 0; i < analyzed.Count; i++)
        {
            if (analyzed.Tokens[i].IsNegated)
            {
                negated.Add(analyzed.TextOf(i));
            }
        }

        return [.. negated];
    }

    [Theory]
    [InlineData("The box was not damaged", "damaged")]
    [InlineData("The box wasn't damaged", "damaged")]
    [InlineData("no one was hurt", "one|was|hurt")]
    [InlineData("it arrived without any damage", "any|damage")]
    [InlineData("it has never worked", "worked")]
    public void EnglishNegatorsNegateTheWordsAfterThem(string text, string expected) =>
        Assert.Equal(expected, string.Join('|', Negated(text)));

    [Theory]
    [InlineData("The box was not damaged but the screen is cracked", "damaged")]
    [InlineData("not damaged, the screen is cracked", "damaged")]
    [InlineData("not damaged and the screen is cracked", "damaged")]
    public void EnglishScopeEndsAtPunctuationOrANewClause(string text, string expected) =>
        Assert.Equal(expected, string.Join('|', Negated(text)));

    [Fact]
    public void EnglishScopeEndsAfterFiveWords() =>
        Assert.DoesNotContain("burned", Negated("i got no reply from you at all burned"));

    [Fact]
    public void NotOnlyNegatesNothing() =>
        Assert.Empty(Negated("not only late, it was damaged"));

    [Fact]
    public void AlmostIsNotANegation() =>
        Assert.Empty(Negated("the pan almost burned my hand"));

    [Theory]
    [InlineData("没有破损", "破损")]
    [InlineData("箱子没破损", "破损")]
    [InlineData("我不满意", "满意")]
    [InlineData("还没收到", "收到")]
    [InlineData("没有人受伤", "人|受伤")]
    public void ChineseNegatorsNegateTheWordsAfterThem(string text, string expected) =>
        Assert.Equal(expected, string.Join('|', Negated(text)));

    [Theory]
    [InlineData("没有破损，但是屏幕碎了", "破损")]
    [InlineData("没有破损但是屏幕碎了", "破损")]
    public void ChineseScopeEndsAtPunctuationOrAContrast(string text, string expected) =>
        Assert.Equal(expected, string.Join('|', Negated(text)));

    [Fact]
    public void ChineseDoubleNegationAffirms() =>
        Assert.DoesNotContain("破损", Negated("不是没有破损"));

    [Fact]
    public void ChineseNearMissIsNotANegation()
    {
        Assert.Empty(Negated("差点烫伤"));
        Assert.Empty(Negated("差点没烫伤"));
    }
}
