using System.Text;
using System.Text.Json.Nodes;

namespace ChatFeedback.Adapters.Teams;

/// <summary>
/// Renders outbound messages as Bot Framework activities: plain text as escaped markdown, questions as Adaptive Cards
/// (schema 1.5) whose buttons are <c>Action.Execute</c> with data <c>{q, v, l, t}</c>, so a press comes back as an
/// <c>adaptiveCard/action</c> invoke that replaces the card. Pure: the caller adds the addressing.
/// </summary>
public static class TeamsRenderer
{
    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";
    public const string CardVersion = "1.5";
    public const string AnswerVerb = "answer";

    /// <summary>Buttons per row when every label is short (NPS 0-10 gives rows of 6 and 5); Teams shows at most 6.</summary>
    public const int MaxButtonsPerRow = 6;

    /// <summary>Labels up to this length count as short (numbers, emoji).</summary>
    public const int ShortLabelLength = 3;

    /// <summary>The question text carried in each button's data, for the answered card, is cut to this length.</summary>
    public const int MaxCarriedTextLength = 200;

    /// <summary>The activity body (<c>type</c>, <c>text</c>/<c>textFormat</c> or a card attachment) for <paramref name="message"/>.</summary>
    public static JsonObject Render(OutboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var question = message.Question;
        var hasButtons = question is not null
            && ((question.Kind != QuestionKind.FreeText && question.Options.Count > 0) || question.Skippable);
        if (!hasButtons)
        {
            return new JsonObject
            {
                ["type"] = "message",
                ["text"] = EscapeMarkdown(message.Text),
                ["textFormat"] = "markdown",
            };
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = AdaptiveCardContentType,
                ["content"] = QuestionCard(message.Text, question!),
            }),
        };
    }

    /// <summary>The card asking <paramref name="question"/>: the text, then rows of buttons, then the skip button.</summary>
    public static JsonObject QuestionCard(string text, OutboundQuestion question)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(question);
        var carried = text.Length <= MaxCarriedTextLength ? text : string.Concat(text.AsSpan(0, MaxCarriedTextLength - 1), "…");
        var body = new JsonArray(TextBlock(text));
        var options = question.Kind == QuestionKind.FreeText ? [] : question.Options;

        foreach (var row in Rows(question.Kind, options))
        {
            body.Add(ActionSet(row.Select(o => Button(question.QuestionId, o.Value, o.Label, carried))));
        }

        if (question.Skippable)
        {
            var label = string.IsNullOrWhiteSpace(question.SkipLabel) ? "Skip" : question.SkipLabel;
            body.Add(ActionSet([Button(question.QuestionId, OutboundQuestion.SkipValue, label, carried)]));
        }

        return Card(body);
    }

    /// <summary>The card that replaces a question once answered: its text (when known) and "✓ label", no buttons.</summary>
    public static JsonObject AnsweredCard(string? questionText, string chosenLabel)
    {
        ArgumentNullException.ThrowIfNull(chosenLabel);
        var body = new JsonArray();
        if (!string.IsNullOrWhiteSpace(questionText))
        {
            body.Add(TextBlock(questionText));
        }

        var chosen = TextBlock("✓ " + chosenLabel);
        chosen["weight"] = "Bolder";
        body.Add(chosen);
        return Card(body);
    }

    /// <summary>
    /// Escapes text for a <c>markdown</c> message so it shows literally: markdown punctuation gets a backslash, and
    /// <c>&amp; &lt; &gt;</c> become entities because Teams also renders HTML tags in messages.
    /// </summary>
    public static string EscapeMarkdown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\' or '*' or '_' or '`' or '~' or '[' or ']' or '#' or '|':
                    builder.Append('\\').Append(c);
                    break;
                case '&':
                    builder.Append("&amp;");
                    break;
                case '<':
                    builder.Append("&lt;");
                    break;
                case '>':
                    builder.Append("&gt;");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Short labels (a 0-10 or 1-5 scale) go in balanced rows of at most six; yes/no in one row; anything with longer
    /// labels (a labelled five-level scale, choices) one button per row, so labels are never cut off.
    /// </summary>
    private static IEnumerable<IReadOnlyList<OutboundOption>> Rows(QuestionKind kind, IReadOnlyList<OutboundOption> options)
    {
        if (options.Count == 0)
        {
            yield break;
        }

        var allShort = options.All(o => o.Label.Trim().Length <= ShortLabelLength);
        if (allShort || (kind == QuestionKind.YesNo && options.Count <= 3))
        {
            var rows = (options.Count + MaxButtonsPerRow - 1) / MaxButtonsPerRow;
            var perRow = (options.Count + rows - 1) / rows;
            for (var i = 0; i < options.Count; i += perRow)
            {
                yield return [.. options.Skip(i).Take(perRow)];
            }

            yield break;
        }

        foreach (var option in options)
        {
            yield return [option];
        }
    }

    private static JsonObject Button(string questionId, string value, string label, string questionText) => new()
    {
        ["type"] = "Action.Execute",
        ["title"] = label,
        ["verb"] = AnswerVerb,
        ["data"] = new JsonObject
        {
            [TeamsActivityMapper.QuestionKey] = questionId,
            [TeamsActivityMapper.ValueKey] = value,
            [TeamsActivityMapper.LabelKey] = label,
            [TeamsActivityMapper.TextKey] = questionText,
        },
    };

    private static JsonObject ActionSet(IEnumerable<JsonObject> actions) => new()
    {
        ["type"] = "ActionSet",
        ["actions"] = new JsonArray([.. actions]),
    };

    private static JsonObject TextBlock(string text) => new()
    {
        ["type"] = "TextBlock",
        ["text"] = text,
        ["wrap"] = true,
    };

    private static JsonObject Card(JsonArray body) => new()
    {
        ["type"] = "AdaptiveCard",
        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
        ["version"] = CardVersion,
        ["body"] = body,
    };
}
