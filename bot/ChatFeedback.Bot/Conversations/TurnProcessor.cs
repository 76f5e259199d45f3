using ChatFeedback.Adapters;
using ChatFeedback.Bot.Effects;
using ChatFeedback.Bot.Outbound;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Sessions;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Bot.Conversations;

/// <summary>
/// One turn of one conversation: load the session, run the engine, commit the turn's records, save with optimistic
/// concurrency, carry out the effects, acknowledge a button press, then queue the replies. Records and save come
/// before anything leaves the process, so a failed send never loses an answer and a conflicting writer never causes
/// a reply or effect twice; records come before the save, so an answer the session moved past is always recorded.
/// </summary>
public sealed class TurnProcessor(
    DialogEngine engine,
    ISessionStore sessions,
    ISurveyLinkStore links,
    ICustomerRecords customers,
    ITurnRecords records,
    EffectDispatcher effects,
    ConversationStatus status,
    OutboundQueue outbound,
    IEnumerable<IInteractionResponder> responders,
    TimeProvider timeProvider,
    ILogger<TurnProcessor> logger)
{
    /// <summary>Attempts at load-advance-save before the turn is given up (conflicts only happen with concurrent writers).</summary>
    public const int MaxSaveAttempts = 5;

    // Channels whose presses are answered (by the outbound queue, in order with the replies).
    private readonly HashSet<string> _answersPresses = responders.Select(r => r.ChannelId).ToHashSet(StringComparer.Ordinal);

    /// <summary>Runs the turn of <paramref name="message"/>.</summary>
    /// <returns>
    /// True when the turn ended with a save on its behalf that the store saved or refused as a duplicate: the store took
    /// the message out of the turn inbox with it (<see cref="ISessionStore"/>). False for every other end (nothing
    /// saved, a stale press, a duplicate found at load, given up): the caller removes it.
    /// </returns>
    public Task<bool> ProcessAsync(InboundMessage message, CancellationToken cancellationToken) => ProcessAsync(message, null, cancellationToken);

    /// <summary>
    /// Runs the turn of <paramref name="message"/>, starting from <paramref name="loaded"/> when the turn queue read the
    /// session already (<see cref="ITurnInbox.AddAsync"/>); a save that finds the session changed since loads it again.
    /// </summary>
    public async Task<bool> ProcessAsync(InboundMessage message, LoadedSession? loaded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message.Kind)
        {
            case InboundKind.ChannelLeft:
                await status.MarkOptedOutAsync(message.Conversation, "the customer blocked or removed the bot", cancellationToken);
                return false;
            case InboundKind.ConversationMoved when message.MovedTo is { } movedTo:
                await status.MoveAsync(message.Conversation, movedTo, cancellationToken);
                return false;
        }

        var link = message.StartToken is { } token ? await links.RedeemAsync(token, cancellationToken) : null;
        if (message.StartToken is not null && link is null)
        {
            logger.UnknownStartToken(message.Conversation.Key, message.MessageId);
        }
        else if (link is { CustomerId: not null } or { OrderId: not null })
        {
            await customers.BindAsync(message.Conversation, link.CustomerId, link.OrderId, link.Locale, cancellationToken);
        }

        var customer = await customers.FindAsync(message.Conversation, cancellationToken);
        var key = message.Conversation.Key;
        var identity = new MessageIdentity(message.Conversation.ChannelId, message.MessageId);
        for (var attempt = 1; attempt <= MaxSaveAttempts; attempt++)
        {
            var (stored, handled) = attempt == 1 && loaded is { } first ? (first.Session, first.AlreadyHandled) : await sessions.LoadAsync(key, identity, cancellationToken);
            if (handled)
            {
                // A redelivery of a message whose turn was saved: drop it before it is recorded against a later step.
                logger.DuplicateDropped(message.MessageId, key);
                return false;
            }

            // The customer's record decides consent (it spans their conversations); the session follows it.
            var optedOut = customer?.OptedOut ?? stored?.OptedOut ?? false;
            if (message.Kind == InboundKind.Scheduled && optedOut)
            {
                // Checked here too, atomically with the turn: the customer may have said stop after it was scheduled.
                logger.ScheduledToOptedOut(message.MessageId, key);
                return false;
            }

            var state = stored?.State ?? engine.NewState(link?.Locale ?? message.Locale);
            var input = link is not null ? DialogInput.Start(link.FlowId) : ReplyMapper.ToInput(message, state);
            if (input is null)
            {
                logger.IgnoredEmpty(message.MessageId, key, message.Kind);
                return false;
            }

            var now = timeProvider.GetUtcNow();
            var turn = engine.Advance(state, input, now);
            if (ConsentPrompt.IsDue(customer, stored is null, message, turn, engine.Catalog))
            {
                // An opted-out customer back at the start is asked before anything else (writing is not a yes).
                turn = engine.Advance(state, DialogInput.Start(ConsentPrompt.FlowId), now);
            }

            if (turn.Outcome == TurnOutcome.Stale && turn.Effects.Count == 0 && stored is not null)
            {
                // A press of an old question changes nothing, so nothing is written (no version bump, no conflicts).
                // With no save to admit it, a store that dedupes on save admits it for the notice (and, on Redis, takes
                // it out of the turn inbox in the same step).
                if (sessions.DeduplicatesOnSave && !await sessions.AdmitAsync(key, identity, cancellationToken))
                {
                    logger.DuplicateDropped(message.MessageId, key);
                    return true;
                }

                await ReplyAsync(message, turn, cancellationToken);
                return sessions.DeduplicatesOnSave;
            }

            var session = EffectDispatcher.ApplyToSession(
                new StoredSession(turn.State, message.Conversation, stored?.Version ?? 0, optedOut, now),
                turn.Effects);

            try
            {
                await records.RecordAsync(new TurnRecord(message, state, turn, customer, optedOut, now), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Nothing was saved or sent: the turn did not happen, and the message may be delivered again.
                throw new TurnNotRecordedException(message.MessageId, key, ex);
            }

            var saved = await sessions.TrySaveAsync(key, session, stored?.Version ?? 0, identity, cancellationToken);
            if (saved == SaveOutcome.Duplicate)
            {
                // Another instance handled the same delivery between our load and save; its turn stands.
                logger.DuplicateDropped(message.MessageId, key);
                return true;
            }

            if (saved == SaveOutcome.Conflict)
            {
                logger.SaveConflict(key, message.MessageId, attempt);
                continue;
            }

            logger.TurnDone(message.MessageId, key, turn.Outcome, turn.Replies.Count, turn.Effects.Count);
            await effects.DispatchAsync(new EffectContext(message.Conversation, message.MessageId, turn.State), turn.Effects, cancellationToken);
            if (turn.Effects.OfType<EraseData>().Any())
            {
                await sessions.DeleteAsync(key, cancellationToken);
            }

            await ReplyAsync(message, turn, cancellationToken);
            return true;
        }

        logger.GaveUp(message.MessageId, key, MaxSaveAttempts);
        return false;
    }

    /// <summary>
    /// Queues the replies, behind the answer to a button press on channels that want one (Telegram's callback
    /// queries). A stale press is answered with the notice alone: it changed nothing, so nothing is posted to the chat.
    /// </summary>
    private async Task ReplyAsync(InboundMessage message, DialogTurn turn, CancellationToken cancellationToken)
    {
        var replies = turn.Replies;
        PressAnswer? press = null;
        if (message.Interaction is not null && _answersPresses.Contains(message.Conversation.ChannelId))
        {
            var stale = turn.Outcome == TurnOutcome.Stale;
            var outcome = stale ? InteractionOutcome.Stale : turn.Outcome is TurnOutcome.Answered or TurnOutcome.Invalid ? InteractionOutcome.Accepted : InteractionOutcome.Other;
            press = new PressAnswer(message, outcome, stale ? string.Join(" ", turn.Replies.Select(r => r.Text)) : null);
            replies = stale ? [] : turn.Replies;
        }

        await outbound.EnqueueAsync(message.Conversation, replies.Select(r => ReplyMapper.ToOutbound(r, turn.State.FlowId)), message.MessageId, cancellationToken, press);
    }
}

/// <summary>
/// The turn's records could not be committed, so its session was not saved and nothing was sent: the turn did not
/// happen. The queue lets a redelivery of the message through and takes it out of the turn inbox (it is not replayed
/// at the next start: by then it would answer whatever question is open).
/// </summary>
public sealed class TurnNotRecordedException(string messageId, string conversationKey, Exception inner)
    : Exception($"Message {messageId} in {conversationKey} was not processed: its records could not be committed.", inner)
{
    public string MessageId { get; } = messageId;

    public string ConversationKey { get; } = conversationKey;
}
