namespace ChatFeedback.Text.Tests;

public sealed class LexiconMatcherTests
{
    private static readonly string[] Terms = ["damaged", "cracked screen", "screen", "never arrived", "破损", "屏幕碎了", "差", "炸"];
    private static readonly TextAnalyzer Analyzer = new(Terms);
    private static readonly LexiconMatcher<string> Matcher = new(Terms.Select(t => (t, t)));

    private static List<(string Term, bool Negated)> Match(string text)
    {
        using var analyzed = Analyzer.Analyze(text);
        var matches = new List<LexiconMatch<string>>();
        Matcher.Match(analyzed, matches);
        return [.. matches.Select(m => (m.Payload, m.Negated))];
    }

    [Theory]
    [InlineData("It arrived damaged", "damaged")]
    [InlineData("Damages everywhere", "damaged")]
    [InlineData("the damage is bad", "damaged")]
    public void EnglishWordsMatchTheirRegularForms(string text, string term) =>
        Assert.Contains((term, false), Match(text));

    [Fact]
    public void ThePhraseWinsOverItsFirstWord() =>
        Assert.Equal([("cracked screen", false)], Match("a cracked screen on arrival"));

    [Fact]
    public void APhraseDoesNotMatchAcrossPunctuation() =>
        Assert.DoesNotContain(("cracked screen", false), Match("it was cracked. screen fine"));

    [Fact]
    public void ATermInsideANegationIsReportedNegated()
    {
        Assert.Equal([("damaged", true)], Match("the box was not damaged"));
        Assert.Equal([("破损", true)], Match("没有破损"));
    }

    [Fact]
    public void APhraseStartingWithANegatorIsNotItselfNegated() =>
        Assert.Equal([("never arrived", false)], Match("my parcel never arrived"));

    [Theory]
    [InlineData("出差回来才发现", "差")]
    [InlineData("质量差不多", "差")]
    [InlineData("炸鸡凉了", "炸")]
    public void ChineseTermsDoNotMatchInsideOtherWords(string text, string term) =>
        Assert.DoesNotContain(term, Match(text).Select(m => m.Term));

    [Fact]
    public void ChineseTermsMatchAsWords()
    {
        Assert.Contains(("差", false), Match("服务太差了"));
        Assert.Contains(("炸", false), Match("充电宝炸了"));
        Assert.Contains(("屏幕碎了", false), Match("手机屏幕碎了"));
    }

    [Fact]
    public void MixedLanguageTextMatchesBothLexicons()
    {
        var matches = Match("快递 never arrived，包装破损");
        Assert.Contains(("never arrived", false), matches);
        Assert.Contains(("破损", false), matches);
    }

    [Theory]
    [InlineData("burned", "burn")]
    [InlineData("burning", "burn")]
    [InlineData("injuries", "injur")]
    [InlineData("injury", "injur")]
    [InlineData("refunded", "refund")]
    [InlineData("sued", "sue")]
    [InlineData("loss", "loss")]
    [InlineData("customer's", "customer")]
    public void TheStemmerTakesOneRegularInflectionOff(string word, string stem) =>
        Assert.Equal(stem, EnglishStemmer.Stem(word).ToString());
}

public sealed class SentimentTests
{
    private static readonly SentimentAnalyzer Sentiment = new(
        [("good", 1), ("great", 1), ("bad", -1), ("terrible", -1.5), ("满意", 1), ("差", -1)],
        [("very", 1.5), ("extremely", 2), ("非常", 2), ("很", 1.5)]);

    private static readonly TextAnalyzer Analyzer = new(["满意", "差"]);

    private static double Score(string text, double bias = 0, double positiveScale = 1)
    {
        using var analyzed = Analyzer.Analyze(text);
        return Sentiment.Score(analyzed, bias, positiveScale);
    }

    [Theory]
    [InlineData("the food was good", 1)]
    [InlineData("terrible service", -1)]
    [InlineData("我很满意", 1)]
    [InlineData("服务很差", -1)]
    [InlineData("the box arrived", 0)]
    public void HasTheSignOfItsWords(string text, int sign) =>
        Assert.Equal(sign, Math.Sign(Score(text)));

    [Fact]
    public void NegationTurnsAndWeakensAWord()
    {
        Assert.True(Score("not good") < 0);
        Assert.True(Score("not good") > Score("bad"));
        Assert.True(Score("不满意") < 0);
    }

    [Fact]
    public void IntensifiersStrengthen()
    {
        Assert.True(Score("extremely bad") < Score("very bad"));
        Assert.True(Score("very bad") < Score("bad"));
        Assert.True(Score("非常差") < Score("差"));
    }

    [Fact]
    public void StaysWithinMinusOneAndOne()
    {
        var text = string.Join(' ', Enumerable.Repeat("extremely terrible", 200));
        Assert.InRange(Score(text), -1, -0.99);
        Assert.InRange(Score(string.Join(' ', Enumerable.Repeat("very great", 200))), 0.99, 1);
        Assert.InRange(Score("bad", bias: -1000), -1, -0.99);
    }

    [Fact]
    public void PraiseCountsLessWhereThePositiveScaleSaysSo() =>
        Assert.True(Score("great, late again", bias: -1, positiveScale: 1.0 / 3) < 0);
}

public sealed class ContactMaskerTests
{
    [Theory]
    [InlineData("call me on 13812345678 please", "call me on [phone] please")]
    [InlineData("我的手机是138 1234 5678", "我的手机是[phone]")]
    [InlineData("电话 +86 139-1234-5678", "电话 [phone]")]
    [InlineData("ring +44 20 7946 0958 after six", "ring [phone] after six")]
    [InlineData("US office (555) 123-4567", "US office [phone]")]
    [InlineData("座机 010-12345678", "座机 [phone]")]
    public void MasksPhoneNumbers(string text, string expected) =>
        Assert.Equal(expected, ContactMasker.Mask(text));

    [Theory]
    [InlineData("mail jane.doe+shop@example.co.uk now", "mail [email] now")]
    [InlineData("邮箱是wang_li@qq.com，谢谢", "邮箱是[email]，谢谢")]
    public void MasksEmailAddresses(string text, string expected) =>
        Assert.Equal(expected, ContactMasker.Mask(text));

    [Theory]
    [InlineData("order #12345678 never came", "order [order] never came")]
    [InlineData("订单号 12345678 没收到", "订单号 [order] 没收到")]
    [InlineData("订单号：SO-20240315-0042", "订单号：[order]")]
    [InlineData("my order number is 987654", "my order number is [order]")]
    [InlineData("reference 202403150042 please", "reference [order] please")]
    [InlineData("包裹 78451236985 到哪了", "包裹 [order] 到哪了")]
    public void MasksOrderNumbersInBothLanguages(string text, string expected) =>
        Assert.Equal(expected, ContactMasker.Mask(text));

    [Theory]
    [InlineData("it cost ¥1,299.00 and $45.99")]
    [InlineData("delivered on 2024-03-15 at 14:30")]
    [InlineData("2024年3月15日下单，等了3天")]
    [InlineData("15/03/2024, 2 items, 300ml")]
    [InlineData("I paid 12500 yuan")]
    [InlineData("room 1203, 3 boxes")]
    public void LeavesPricesDatesAndShortNumbersAlone(string text) =>
        Assert.Equal(text, ContactMasker.Mask(text));

    [Fact]
    public void MasksEverythingInOneText() =>
        Assert.Equal("[email], [phone], order [order]", ContactMasker.Mask("a.b@c.com, 15012345678, order #87654321"));
}
