using System.Collections.Concurrent;
using System.Data.Common;
using ChatFeedback.Adapters;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ChatFeedback.Bot.Records;

/// <summary>
/// The read every turn starts with: the conversation's identity, its customer's consent and whether they have live
/// invitations, in one prepared statement. Nothing is cached between turns (consent and invitations change outside
/// them: purchases, a blocked bot); what is kept is the open connection and the compiled statement, one per turn
/// running at the same time.
/// </summary>
internal sealed class CustomerLookup(RecordsConnections connections) : IAsyncDisposable
{
    // More idle statements than turn workers would only hold connections.
    private const int MaxIdle = 32;

    private readonly ConcurrentBag<Statement> _idle = [];
    private bool _disposed;

    public async Task<CustomerSnapshot?> FindAsync(ConversationAddress address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var idle))
        {
            try
            {
                return await RunAsync(idle, address, now, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A kept connection may have been dropped by the server meanwhile: one more try on a fresh one.
            }
        }

        return await RunAsync(await Statement.OpenAsync(connections, cancellationToken), address, now, cancellationToken);
    }

    private async Task<CustomerSnapshot?> RunAsync(Statement statement, ConversationAddress address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        CustomerSnapshot? found;
        try
        {
            found = await statement.RunAsync(address, now, cancellationToken);
        }
        catch
        {
            await statement.DisposeAsync();
            throw;
        }

        if (_disposed || _idle.Count >= MaxIdle)
        {
            await statement.DisposeAsync();
        }
        else
        {
            _idle.Add(statement);
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryTake(out var statement))
        {
            await statement.DisposeAsync();
        }
    }

    private sealed class Statement : IAsyncDisposable
    {
        private readonly DbConnection _connection;
        private readonly DbCommand _command;
        private readonly MappedParameter _channelId;
        private readonly MappedParameter _conversationId;
        private readonly MappedParameter _now;
        private readonly IProperty _customerId;
        private readonly IProperty _isGroup;
        private readonly IProperty _lastSeenAt;
        private readonly IProperty _unreachableAt;
        private readonly IProperty _optedOutAt;
        private readonly IProperty _consentAskedAt;
        private bool _prepared;

        private Statement(RecordsConnections connections, DbConnection connection)
        {
            var identity = connections.Entity<ChannelIdentity>();
            var customer = connections.Entity<Customer>();
            var invitation = connections.Entity<Invitation>();
            _connection = connection;
            _command = connection.CreateCommand();

            // The same columns as EF's FindIdentityAsync join; LIMIT 1 and EXISTS read the same on SQLite and PostgreSQL.
            _command.CommandText = """
                SELECT i."Id", i."CustomerId", i."UserId", i."ServiceUrl", i."TenantId", i."IsGroup", i."Locale", i."LastSeenAt", i."UnreachableAt",
                       c."OptedOutAt", c."ConsentAskedAt",
                       EXISTS (SELECT 1 FROM "invitations" AS v WHERE v."CustomerId" = c."Id" AND v."ExpiresAt" > @now),
                       c."TimeZone"
                FROM "channel_identities" AS i
                INNER JOIN "customers" AS c ON i."CustomerId" = c."Id"
                WHERE i."ChannelId" = @channelId AND i."ConversationId" = @conversationId
                LIMIT 1
                """;
            _channelId = new MappedParameter(_command, "@channelId", Property(identity, nameof(ChannelIdentity.ChannelId)));
            _conversationId = new MappedParameter(_command, "@conversationId", Property(identity, nameof(ChannelIdentity.ConversationId)));
            _now = new MappedParameter(_command, "@now", Property(invitation, nameof(Invitation.ExpiresAt)));
            _customerId = Property(identity, nameof(ChannelIdentity.CustomerId));
            _isGroup = Property(identity, nameof(ChannelIdentity.IsGroup));
            _lastSeenAt = Property(identity, nameof(ChannelIdentity.LastSeenAt));
            _unreachableAt = Property(identity, nameof(ChannelIdentity.UnreachableAt));
            _optedOutAt = Property(customer, nameof(Customer.OptedOutAt));
            _consentAskedAt = Property(customer, nameof(Customer.ConsentAskedAt));
        }

        public static Task<Statement> OpenAsync(RecordsConnections connections, CancellationToken cancellationToken) =>
            connections.OpenForAsync(connection => new Statement(connections, connection), cancellationToken);

        public async Task<CustomerSnapshot?> RunAsync(ConversationAddress address, DateTimeOffset now, CancellationToken cancellationToken)
        {
            _channelId.Set(address.ChannelId);
            _conversationId.Set(address.ConversationId);
            _now.Set(now);
            if (!_prepared)
            {
                // Once every parameter has a value: PostgreSQL then plans it once per connection, SQLite compiles it now.
                await _command.PrepareAsync(cancellationToken);
                _prepared = true;
            }

            await using var reader = await _command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            return new CustomerSnapshot(
                CustomerId: MappedParameter.Read<Guid>(reader, 1, _customerId),
                IdentityId: reader.GetInt64(0),
                Address: address with
                {
                    UserId = MappedParameter.ReadString(reader, 2),
                    ServiceUrl = MappedParameter.ReadString(reader, 3),
                    TenantId = MappedParameter.ReadString(reader, 4),
                    IsGroup = MappedParameter.Read<bool>(reader, 5, _isGroup),
                },
                IdentityLocale: MappedParameter.ReadString(reader, 6),
                LastSeenAt: MappedParameter.Read<DateTimeOffset>(reader, 7, _lastSeenAt),
                UnreachableAt: MappedParameter.ReadOrNull<DateTimeOffset>(reader, 8, _unreachableAt),
                OptedOutAt: MappedParameter.ReadOrNull<DateTimeOffset>(reader, 9, _optedOutAt),
                ConsentAskedAt: MappedParameter.ReadOrNull<DateTimeOffset>(reader, 10, _consentAskedAt),
                HasLiveInvitations: reader.GetBoolean(11),
                TimeZone: MappedParameter.ReadString(reader, 12));
        }

        public async ValueTask DisposeAsync()
        {
            await _command.DisposeAsync();
            await _connection.DisposeAsync();
        }

        private static IProperty Property(IEntityType entity, string name) => entity.FindProperty(name)
            ?? throw new InvalidOperationException($"{entity.DisplayName()}.{name} is not in the records model.");
    }
}
