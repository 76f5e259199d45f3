using System.Text.Json;
using ChatFeedback.Bot.Conversations;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Tests.Telegram;

/// <summary>The texts the loaded flows give one locale, so tests can expect exact Bot API bodies.</summary>
internal sealed class FlowTexts(FlowCatalog catalog, string locale)
{
    public string Step(string flowId, string stepId)
    {
        var flow = catalog.FindLatest(flowId) ?? throw new InvalidOperationException($"No flow {flowId}.");
        var step = flow.FindStep(stepId) ?? throw new InvalidOperationException($"No step {flowId}/{stepId}.");
        return step.Text!.Resolve(locale, flow.DefaultLocale);
    }

    public string Global(string key) => catalog.Global.Text(key, locale);

    public string ScaleLabel(string scale, int point) => catalog.Global.Scales[scale].Labels[point].Resolve(locale, catalog.Global.DefaultLocale);

    // The engine capitalises the first yes / no word to label the buttons.
    public string Yes => Capitalised(catalog.Global.YesNoLabel(YesNoStep.Yes, locale));

    public string No => Capitalised(catalog.Global.YesNoLabel(YesNoStep.No, locale));

    private static string Capitalised(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    public string Choice(string flowId, string stepId, string choiceId)
    {
        var flow = catalog.FindLatest(flowId)!;
        var step = (ChoiceStep)flow.FindStep(stepId)!;
        return step.FindChoice(choiceId)!.Label.Resolve(locale, flow.DefaultLocale);
    }
}

/// <summary>Assertions on what the service sent to the Bot API.</summary>
internal static class TelegramExpect
{
    /// <summary>A keyboard row: (label, value) per button.</summary>
    public static (string Label, string Value)[] Row(params (string Label, string Value)[] buttons) => buttons;

    /// <summary>One button per row, as choices and long-labelled scales are laid out.</summary>
    public static (string Label, string Value)[][] OnePerRow(params (string Label, string Value)[] buttons) =>
        [.. buttons.Select(b => new[] { b })];

    /// <summary>A plain message: the exact text, as HTML, into the customer's chat, with no keyboard.</summary>
    public static void TextMessage(BotMessage message, long chatId, string text)
    {
        Assert.Equal(chatId, message.ChatId);
        Assert.Equal("HTML", message.ParseMode, ignoreCase: true); // Telegram.Bot writes "Html"; the Bot API ignores case
        Assert.Equal(Html(text), message.Text);
        Assert.False(message.Body.TryGetProperty("reply_markup", out _), $"unexpected keyboard under \"{message.Text}\"");
    }

    /// <summary>
    /// A question: the exact text, and an inline keyboard whose rows are exactly <paramref name="rows"/>, every button
    /// carrying <c>{QuestionKeys.For(flow, step)}:{value}</c>.
    /// </summary>
    public static void Question(BotMessage message, long chatId, string text, string flowId, string stepId, params (string Label, string Value)[][] rows)
    {
        Assert.Equal(chatId, message.ChatId);
        Assert.Equal("HTML", message.ParseMode, ignoreCase: true); // Telegram.Bot writes "Html"; the Bot API ignores case
        Assert.Equal(Html(text), message.Text);
        var key = QuestionKeys.For(flowId, stepId);
        var expected = string.Join('\n', rows.Select(row => string.Join(" | ", row.Select(b => $"{b.Label} => {key}:{b.Value}"))));
        Assert.NotNull(message.Keyboard);
        var actual = string.Join('\n', message.Keyboard.Select(row => string.Join(" | ", row.Select(b => $"{b.Text} => {b.CallbackData}"))));
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// A press that answered its question: the callback query was answered (with no notice), and the question was
    /// edited to show "✓ label" with its keyboard gone.
    /// </summary>
    public static void PressAnswered(BotApiStub api, string callbackQueryId, BotMessage question, string label)
    {
        var answer = Assert.Single(api.Calls("answerCallbackQuery"), c => c.Body.GetProperty("callback_query_id").GetString() == callbackQueryId);
        Assert.True(!answer.Body.TryGetProperty("text", out var notice) || string.IsNullOrEmpty(notice.GetString()), $"unexpected notice: {answer.Body}");

        var edit = Assert.Single(api.Calls("editMessageText"), c => c.Body.GetProperty("message_id").GetInt32() == question.MessageId);
        Assert.Equal(question.ChatId, BotApiStub.ChatOf(edit.Body));
        Assert.Equal(question.Text + "\n\n✓ " + Html(label), edit.Body.GetProperty("text").GetString());
        Assert.Equal("HTML", edit.Body.GetProperty("parse_mode").GetString(), ignoreCase: true);
        Assert.False(edit.Body.TryGetProperty("reply_markup", out _), $"the answered question kept a keyboard: {edit.Body}");
    }

    /// <summary>Every press in the conversation was answered exactly once.</summary>
    public static void EveryPressAnswered(BotApiStub api, IEnumerable<string> callbackQueryIds)
    {
        var answered = api.Calls("answerCallbackQuery").Select(c => c.Body.GetProperty("callback_query_id").GetString()).ToList();
        Assert.Equal(callbackQueryIds.Order(StringComparer.Ordinal), answered.Order(StringComparer.Ordinal));
    }

    public static string Html(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    public static string? String(JsonElement body, string property) =>
        body.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
