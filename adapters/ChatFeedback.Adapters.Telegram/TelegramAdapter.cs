using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Extensions;
using Telegram.Bot.Types.Enums;

namespace ChatFeedback.Adapters.Telegram;

/// <summary>
/// Sends into Telegram chats through the Bot API and answers button presses (callback queries). Every channel
/// answer comes back as a <see cref="SendResult"/>; the host's outbound queue does the waiting and retrying.
/// </summary>
public sealed class TelegramAdapter(
    ITelegramBotClient bot,
    IOptions<TelegramOptions> options,
    ILogger<TelegramAdapter> logger) : IChannelAdapter, IInteractionResponder
{
    /// <summary>Telegram's limit on the text of a callback query answer.</summary>
    public const int MaxNoticeLength = 200;

    public string ChannelId => TelegramUpdateMapper.Channel;

    public ChannelRateLimits Limits { get; } = options.Value.ToRateLimits();

    public async Task<SendResult> SendAsync(ConversationAddress to, OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(message);
        if (!string.Equals(to.ChannelId, ChannelId, StringComparison.Ordinal))
        {
            return SendResult.Failed($"The Telegram adapter cannot send to channel '{to.ChannelId}'.");
        }

        if (!long.TryParse(to.ConversationId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chatId))
        {
            return SendResult.Failed($"'{to.ConversationId}' is not a Telegram chat id.");
        }

        IReadOnlyList<TelegramMessagePart> parts;
        try
        {
            parts = TelegramRenderer.Render(message);
        }
        catch (ArgumentException ex)
        {
            logger.RenderFailed(ex, chatId);
            return SendResult.Failed(ex.Message);
        }

        for (var i = 0; i < parts.Count; i++)
        {
            try
            {
                await bot.SendMessage(chatId, parts[i].Html, ParseMode.Html, replyMarkup: parts[i].Keyboard, cancellationToken: cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                var result = TelegramErrors.ToSendResult(ex);
                if (i > 0)
                {
                    logger.SendPartFailed(ex, i + 1, parts.Count, chatId, result.Status);
                }
                else
                {
                    logger.SendFailed(ex, chatId, result.Status);
                }

                return result;
            }
        }

        return SendResult.Delivered;
    }

    public async Task RespondAsync(InboundMessage message, InteractionOutcome outcome, string? notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Interaction is not { } interaction)
        {
            return;
        }

        // Always answer, even with no text: the client shows a spinner until the query is answered. An answer handed to
        // the webhook's response is not sent again; stopping the webhook's wait first makes sure only one of us answers.
        if (interaction.Inline is not { } inline || inline.StopWaiting())
        {
            await AnswerAsync(interaction, notice, cancellationToken);
        }

        if (outcome == InteractionOutcome.Accepted
            && long.TryParse(message.Conversation.ConversationId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chatId)
            && int.TryParse(interaction.SourceMessageId, NumberStyles.None, CultureInfo.InvariantCulture, out var sourceMessageId))
        {
            await MarkAnsweredAsync(chatId, sourceMessageId, interaction, message.Button?.Value, cancellationToken);
        }
    }

    private async Task AnswerAsync(Interaction interaction, string? notice, CancellationToken cancellationToken)
    {
        try
        {
            await bot.AnswerCallbackQuery(interaction.Id, NoticeText(notice), cancellationToken: cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ApiRequestException ex) when (TelegramErrors.Contains(ex, "query is too old"))
        {
            logger.CallbackTooOld(ex, interaction.Id);
        }
        catch (Exception ex)
        {
            logger.CallbackAnswerFailed(ex, interaction.Id);
        }
    }

    /// <summary>The text of a callback query answer: none for an empty notice, cut to Telegram's limit otherwise.</summary>
    internal static string? NoticeText(string? notice) =>
        string.IsNullOrEmpty(notice) ? null : notice.Length <= MaxNoticeLength ? notice : notice[..(MaxNoticeLength - 1)] + "…";

    /// <summary>Shows the chosen answer under the question and drops its buttons, so it cannot be pressed again.</summary>
    private async Task MarkAnsweredAsync(long chatId, int messageId, Interaction interaction, string? value, CancellationToken cancellationToken)
    {
        try
        {
            if (interaction.SourceText is { } sourceText)
            {
                var chosen = interaction.ChosenLabel ?? value ?? string.Empty;
                var suffix = "\n\n✓ " + chosen;
                var room = TelegramRenderer.MaxTextLength - suffix.Length;
                var original = sourceText.Length <= room || room < 1 ? sourceText : sourceText[..Math.Max(0, room - 1)] + "…";
                var html = HtmlText.Escape(original) + "\n\n✓ " + HtmlText.Escape(chosen);

                // No reply_markup: the edited message has no keyboard.
                await bot.EditMessageText(chatId, messageId, html, ParseMode.Html, cancellationToken: cancellationToken);
            }
            else
            {
                await bot.EditMessageReplyMarkup(chatId, messageId, replyMarkup: null, cancellationToken: cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ApiRequestException ex) when (TelegramErrors.Contains(ex, "message is not modified"))
        {
            // A double tap, or the edit already happened: the message shows what it should.
        }
        catch (ApiRequestException ex) when (TelegramErrors.Contains(ex, "message to edit not found"))
        {
            logger.EditTargetGone(ex, messageId, chatId);
        }
        catch (Exception ex)
        {
            logger.EditFailed(ex, messageId, chatId);
        }
    }
}
