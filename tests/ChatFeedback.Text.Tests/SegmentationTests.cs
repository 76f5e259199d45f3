namespace ChatFeedback.Text.Tests;

public sealed class SegmentationTests
{
    // Built once: the dictionary takes a moment to load, and the segmenter is immutable.
    private static readonly ChineseSegmenter Plain = ChineseSegmenter.Create([]);
    private static readonly ChineseSegmenter WithTerms = ChineseSegmenter.Create(["破损", "烫伤", "差", "炸", "坏", "满意", "再也不买"]);

    [Theory]
    [InlineData("我们在北京买了一台电脑", "我们|在|北京|买|了|一台|电脑")]
    [InlineData("快递没有破损", "快递|没有|破损")]
    [InlineData("服务态度很差", "服务|态度|很|差")]
    public void CutsCommonSentencesIntoWords(string text, string expected) =>
        Assert.Equal(expected, string.Join('|', Plain.Cut(text)));

    [Theory]
    [InlineData("服务态度太差了", "服务|态度|太|差|了")]
    [InlineData("手机屏幕坏了", "手机|屏幕|坏|了")]
    [InlineData("我再也不买你们的东西", "我|再也不买|你们|的|东西")]
    [InlineData("差点烫伤", "差点|烫伤")]
    public void CutsUserWordsAsUnitsEvenWhereTheDictionaryGluesThemToAnother(string text, string expected) =>
        Assert.Equal(expected, string.Join('|', WithTerms.Cut(text)));

    [Theory]
    [InlineData("我出差回来才收到", "差")]
    [InlineData("质量差不多", "差")]
    [InlineData("炸鸡凉了", "炸")]
    public void DoesNotCutATermOutOfALongerWord(string text, string term) =>
        Assert.DoesNotContain(term, WithTerms.Cut(text));

    [Fact]
    public void TablesStaySmall()
    {
        Assert.InRange(Plain.WordCount, 100_000, 110_000);
        Assert.True(Plain.TableBytes < 6_000_000, $"tables hold {Plain.TableBytes:N0} bytes");
    }

    [Fact]
    public void AnalyzerLoadsChineseOnlyWhenChineseArrives()
    {
        var analyzer = new TextAnalyzer(["破损"]);
        using (var english = analyzer.Analyze("The box was not damaged."))
        {
            Assert.False(analyzer.IsChineseLoaded);
            Assert.Equal(6, english.Count);
        }

        using var chinese = analyzer.Analyze("没有破损");
        Assert.True(analyzer.IsChineseLoaded);
        Assert.Equal(["没有", "破损"], chinese.Words());
    }

    [Fact]
    public void MixedTextCutsTheChineseAndKeepsTheEnglishWords()
    {
        var analyzer = new TextAnalyzer([]);
        using var text = analyzer.Analyze("快递 delay 了三天");
        Assert.Equal(["快递", "delay", "了", "三天"], text.Words());
        Assert.Equal(TokenKind.Word, text.Tokens[1].Kind);
    }
}
