using System.Text;
using Telegram.Bot.Types.ReplyMarkups;

namespace ChatFeedback.Adapters.Telegram.Tests;

public sealed class TelegramRendererTests
{
    private static readonly OutboundOption[] FiveLevels =
    [
        new("5", "Very satisfied"),
        new("4", "Satisfied"),
        new("3", "Neutral"),
        new("2", "Dissatisfied"),
        new("1", "Very dissatisfied"),
    ];

    private static string[][] Labels(InlineKeyboardMarkup? keyboard) =>
        [.. keyboard!.InlineKeyboard.Select(row => row.Select(b => b.Text).ToArray())];

    private static string[][] Data(InlineKeyboardMarkup? keyboard) =>
        [.. keyboard!.InlineKeyboard.Select(row => row.Select(b => b.CallbackData!).ToArray())];

    [Fact]
    public void LaysOutNpsInTwoRows()
    {
        var options = Enumerable.Range(0, 11).Select(i => new OutboundOption($"{i}", $"{i}")).ToArray();
        var parts = TelegramRenderer.Render(new OutboundMessage("How likely…?", new OutboundQuestion("nps", QuestionKind.Rating, options)));

        var part = Assert.Single(parts);
        Assert.Equal([["0", "1", "2", "3", "4", "5"], ["6", "7", "8", "9", "10"]], Labels(part.Keyboard));
        Assert.Equal("nps:10", Data(part.Keyboard)[1][4]);
    }

    [Fact]
    public void LaysOutLabelledFiveLevelScaleOnePerRow()
    {
        var keyboard = TelegramRenderer.BuildKeyboard(new OutboundQuestion("q3", QuestionKind.Rating, FiveLevels));

        Assert.Equal(
            [["Very satisfied"], ["Satisfied"], ["Neutral"], ["Dissatisfied"], ["Very dissatisfied"]],
            Labels(keyboard));
        Assert.Equal([["q3:5"], ["q3:4"], ["q3:3"], ["q3:2"], ["q3:1"]], Data(keyboard));
    }

    [Fact]
    public void LaysOutShortRatingLabelsInOneRow()
    {
        var options = Enumerable.Range(1, 5).Select(i => new OutboundOption($"{i}", $"{i}★")).ToArray();

        Assert.Equal([["1★", "2★", "3★", "4★", "5★"]], Labels(TelegramRenderer.BuildKeyboard(new OutboundQuestion("ces", QuestionKind.Rating, options))));
    }

    [Fact]
    public void LaysOutYesNoInOneRowAndChoicesOnePerRow()
    {
        OutboundOption[] yesNo = [new("yes", "Yes"), new("no", "No")];

        Assert.Equal([["Yes", "No"]], Labels(TelegramRenderer.BuildKeyboard(new OutboundQuestion("q1", QuestionKind.YesNo, yesNo))));
        Assert.Equal([["Yes"], ["No"]], Labels(TelegramRenderer.BuildKeyboard(new OutboundQuestion("q1", QuestionKind.Choice, yesNo))));
    }

    [Fact]
    public void AddsSkipRowWithSkipValue()
    {
        var question = new OutboundQuestion("q3", QuestionKind.Rating, FiveLevels, Skippable: true) { SkipLabel = "跳过" };

        var keyboard = TelegramRenderer.BuildKeyboard(question);

        Assert.Equal(6, keyboard!.InlineKeyboard.Count());
        var skip = Assert.Single(keyboard.InlineKeyboard.Last());
        Assert.Equal("跳过", skip.Text);
        Assert.Equal("q3:" + OutboundQuestion.SkipValue, skip.CallbackData);
    }

    [Fact]
    public void GivesFreeTextNoKeyboardUnlessSkippable()
    {
        Assert.Null(TelegramRenderer.BuildKeyboard(new OutboundQuestion("q9", QuestionKind.FreeText, [])));
        Assert.Equal(
            [["Skip"]],
            Labels(TelegramRenderer.BuildKeyboard(new OutboundQuestion("q9", QuestionKind.FreeText, [], Skippable: true))));
    }

    [Fact]
    public void RejectsCallbackDataOver64Bytes()
    {
        // 16 + 1 + 16 three-byte characters = 65 bytes, though only 33 characters.
        var question = new OutboundQuestion("q_sixteen_chars_", QuestionKind.Choice, [new(new string('好', 16), "Good")]);

        var error = Assert.Throws<ArgumentException>(() => TelegramRenderer.Render(new OutboundMessage("Pick", question)));
        Assert.Contains("q_sixteen_chars_", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AcceptsCallbackDataOfExactly64Bytes()
    {
        var value = new string('v', 64 - "q1:".Length);
        var keyboard = TelegramRenderer.BuildKeyboard(new OutboundQuestion("q1", QuestionKind.Choice, [new(value, "V")]));

        Assert.Equal(64, Encoding.UTF8.GetByteCount(Data(keyboard)[0][0]));
    }

    [Fact]
    public void EscapesHtml()
    {
        var part = Assert.Single(TelegramRenderer.Render(new OutboundMessage("<b>Tom & Jerry</b>")));

        Assert.Equal("&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;", part.Html);
        Assert.Null(part.Keyboard);
    }

    [Fact]
    public void SplitsLongTextAtLineBoundariesWithKeyboardOnLastPart()
    {
        var lines = Enumerable.Range(0, 200).Select(i => $"{i:D3} " + new string('x', 45)).ToArray();
        var text = string.Join('\n', lines);
        Assert.Equal(9_999, text.Length);
        var question = new OutboundQuestion("q1", QuestionKind.YesNo, [new("yes", "Yes"), new("no", "No")]);

        var parts = TelegramRenderer.Render(new OutboundMessage(text, question));

        Assert.Equal(3, parts.Count);
        Assert.All(parts, p => Assert.True(p.Html.Length <= TelegramRenderer.MaxTextLength));
        Assert.All(parts, p => Assert.All(p.Html.Split('\n'), line => Assert.Contains(line, lines)));
        Assert.Equal(text, string.Join('\n', parts.Select(p => p.Html)));
        Assert.Null(parts[0].Keyboard);
        Assert.Null(parts[1].Keyboard);
        Assert.NotNull(parts[2].Keyboard);
    }

    [Fact]
    public void SplitsOverlongLineAtTheLimitWithoutBreakingSurrogatePairs()
    {
        // 4095 letters then emoji: a cut at 4096 would fall between the emoji's two halves.
        var text = new string('a', 4095) + string.Concat(Enumerable.Repeat("😀", 10));

        var parts = TelegramRenderer.Split(text);

        Assert.Equal(2, parts.Count);
        Assert.Equal(4095, parts[0].Length);
        Assert.Equal(text, string.Concat(parts));
        Assert.All(parts, p => Assert.False(char.IsHighSurrogate(p[^1])));
    }

    [Fact]
    public void EscapesAfterSplittingSoNoEntityIsCut()
    {
        var text = new string('a', 4094) + "&&&&";

        var parts = TelegramRenderer.Render(new OutboundMessage(text));

        Assert.Equal(2, parts.Count);
        Assert.EndsWith("aa&amp;&amp;", parts[0].Html, StringComparison.Ordinal);
        Assert.Equal("&amp;&amp;", parts[1].Html);
    }
}
