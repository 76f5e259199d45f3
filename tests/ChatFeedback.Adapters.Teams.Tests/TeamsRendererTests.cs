using System.Text.Json.Nodes;

namespace ChatFeedback.Adapters.Teams.Tests;

public sealed class TeamsRendererTests
{
    private static List<List<JsonObject>> Rows(JsonObject activity) =>
        [.. activity["attachments"]![0]!["content"]!["body"]!.AsArray()
            .Where(e => (string?)e!["type"] == "ActionSet")
            .Select(e => e!["actions"]!.AsArray().Select(a => a!.AsObject()).ToList())];

    private static List<OutboundOption> Scale(int from, int to) =>
        [.. Enumerable.Range(from, to - from + 1).Select(i => new OutboundOption(i.ToString(System.Globalization.CultureInfo.InvariantCulture), i.ToString(System.Globalization.CultureInfo.InvariantCulture)))];

    [Fact]
    public void RendersPlainTextAsEscapedMarkdown()
    {
        var activity = TeamsRenderer.Render(new OutboundMessage("Order #12 *arrived* <b>late</b> & [ok]"));

        Assert.Equal("message", (string?)activity["type"]);
        Assert.Equal("markdown", (string?)activity["textFormat"]);
        Assert.Equal(@"Order \#12 \*arrived\* &lt;b&gt;late&lt;/b&gt; &amp; \[ok\]", (string?)activity["text"]);
        Assert.Null(activity["attachments"]);
    }

    [Fact]
    public void RendersNpsInTwoRows()
    {
        var activity = TeamsRenderer.Render(new OutboundMessage("How likely…?", new OutboundQuestion("nps", QuestionKind.Rating, Scale(0, 10))));

        var rows = Rows(activity);
        Assert.Equal([6, 5], rows.Select(r => r.Count));
        Assert.Equal("0", (string?)rows[0][0]["title"]);
        Assert.Equal("10", (string?)rows[1][4]["title"]);
    }

    [Fact]
    public void RendersLabelledFiveLevelScaleOneButtonPerRow()
    {
        string[] labels = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"];
        var question = new OutboundQuestion("csat", QuestionKind.Rating, [.. labels.Select((l, i) => new OutboundOption((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), l))]);

        var rows = Rows(TeamsRenderer.Render(new OutboundMessage("How satisfied are you?", question)));

        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Single(r));
        Assert.Equal(labels, rows.Select(r => (string?)r[0]["title"]));
    }

    [Fact]
    public void ButtonsCarryQuestionAndValueAsActionExecuteData()
    {
        var question = new OutboundQuestion("delivery", QuestionKind.YesNo, [new("yes", "Yes"), new("no", "No")]);

        var activity = TeamsRenderer.Render(new OutboundMessage("Did it arrive on time?", question));

        var card = activity["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)card["contentType"]);
        Assert.Equal("1.5", (string?)card["content"]!["version"]);
        Assert.Equal("Did it arrive on time?", (string?)card["content"]!["body"]![0]!["text"]);
        var rows = Rows(activity);
        var yes = Assert.Single(rows)[0];
        Assert.Equal("Action.Execute", (string?)yes["type"]);
        Assert.Equal("delivery", (string?)yes["data"]!["q"]);
        Assert.Equal("yes", (string?)yes["data"]!["v"]);
        Assert.Equal("Yes", (string?)yes["data"]!["l"]);
    }

    [Fact]
    public void AddsSkipButtonWithItsLabel()
    {
        var question = new OutboundQuestion("csat", QuestionKind.Rating, Scale(1, 5), Skippable: true) { SkipLabel = "Überspringen" };

        var rows = Rows(TeamsRenderer.Render(new OutboundMessage("Wie zufrieden?", question)));

        var skip = Assert.Single(rows[^1]);
        Assert.Equal("Überspringen", (string?)skip["title"]);
        Assert.Equal(OutboundQuestion.SkipValue, (string?)skip["data"]!["v"]);
    }

    [Fact]
    public void RendersFreeTextQuestionAsPlainMessage()
    {
        var activity = TeamsRenderer.Render(new OutboundMessage("What could we do better?", new OutboundQuestion("comment", QuestionKind.FreeText, [])));

        Assert.Equal("What could we do better?", (string?)activity["text"]);
        Assert.Null(activity["attachments"]);
    }

    [Fact]
    public void RendersSkippableFreeTextWithOnlyTheSkipButton()
    {
        var question = new OutboundQuestion("comment", QuestionKind.FreeText, [], Skippable: true) { SkipLabel = "Skip" };

        var rows = Rows(TeamsRenderer.Render(new OutboundMessage("Anything else?", question)));

        Assert.Equal(OutboundQuestion.SkipValue, (string?)Assert.Single(Assert.Single(rows))["data"]!["v"]);
    }

    [Fact]
    public void CutsLongQuestionTextCarriedInButtons()
    {
        var text = new string('x', 500);
        var question = new OutboundQuestion("q", QuestionKind.YesNo, [new("yes", "Yes")]);

        var rows = Rows(TeamsRenderer.Render(new OutboundMessage(text, question)));

        Assert.Equal(TeamsRenderer.MaxCarriedTextLength, ((string?)rows[0][0]["data"]!["t"])!.Length);
    }

    [Fact]
    public void AnsweredCardShowsTheChoiceWithoutButtons()
    {
        var card = TeamsRenderer.AnsweredCard("How satisfied?", "Satisfied");

        Assert.Equal(["How satisfied?", "✓ Satisfied"], card["body"]!.AsArray().Select(b => (string?)b!["text"]));
        Assert.DoesNotContain("Action", card.ToJsonString(), StringComparison.Ordinal);
    }
}
