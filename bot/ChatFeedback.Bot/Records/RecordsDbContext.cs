using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ChatFeedback.Bot.Records;

/// <summary>
/// The records schema, shared by both providers. Each provider has its own subclass only so that each keeps its own
/// migrations (EF Core's pattern for one model on several databases); consumers use this type.
/// </summary>
public abstract class RecordsDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<ChannelIdentity> ChannelIdentities => Set<ChannelIdentity>();

    public DbSet<ContactHint> ContactHints => Set<ContactHint>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<OrderItem> OrderItems => Set<OrderItem>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<SurveyResponse> Responses => Set<SurveyResponse>();

    public DbSet<Case> Cases => Set<Case>();

    public DbSet<CaseEvent> CaseEvents => Set<CaseEvent>();

    public DbSet<CaseDecision> CaseDecisions => Set<CaseDecision>();

    public DbSet<CheckIn> CheckIns => Set<CheckIn>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<string>().HaveMaxLength(512);
        configurationBuilder.Properties<InvitationStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<CaseStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<CaseTier>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<CheckInStatus>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<Customer>(customer =>
        {
            customer.ToTable("customers");
            customer.HasIndex(c => c.ExternalId).IsUnique();
            customer.Property(c => c.TimeZone).HasMaxLength(64);
            customer.Property(c => c.Locale).HasMaxLength(16);
            customer.Property(c => c.OptOutSource).HasMaxLength(64);
            customer.Property(c => c.OptInSource).HasMaxLength(64);
            customer.Property(c => c.Tier).HasMaxLength(32);
            customer.HasMany(c => c.Identities).WithOne().HasForeignKey(i => i.CustomerId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ChannelIdentity>(identity =>
        {
            identity.ToTable("channel_identities");
            identity.HasIndex(i => new { i.ChannelId, i.ConversationId }).IsUnique();
            identity.HasIndex(i => i.CustomerId);
            identity.Property(i => i.ServiceUrl).HasMaxLength(2048);
        });

        modelBuilder.Entity<ContactHint>(hint =>
        {
            hint.ToTable("contact_hints");
            hint.HasIndex(h => new { h.CustomerId, h.Kind, h.Value }).IsUnique();
            hint.Property(h => h.Kind).HasMaxLength(16);
            hint.Property(h => h.Value).HasMaxLength(320);
            hint.HasOne<Customer>().WithMany().HasForeignKey(h => h.CustomerId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.HasIndex(o => o.ExternalOrderId).IsUnique();
            order.HasIndex(o => o.CustomerId);
            order.Property(o => o.Amount).HasPrecision(18, 2);
            order.Property(o => o.Currency).HasMaxLength(3);
            order.Property(o => o.Store).HasMaxLength(128);
            order.Property(o => o.Region).HasMaxLength(128);
            order.HasOne<Customer>().WithMany().HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.Cascade);
            order.HasMany(o => o.Items).WithOne().HasForeignKey(i => i.OrderId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<OrderItem>(item =>
        {
            item.ToTable("order_items");
            item.Property(i => i.UnitPrice).HasPrecision(18, 2);
        });

        modelBuilder.Entity<Invitation>(invitation =>
        {
            invitation.ToTable("invitations");
            invitation.HasIndex(i => i.OrderId).IsUnique();
            invitation.HasIndex(i => new { i.CustomerId, i.Status });
            invitation.HasIndex(i => i.LinkToken);
            invitation.HasOne<Order>().WithMany().HasForeignKey(i => i.OrderId).OnDelete(DeleteBehavior.Cascade);
            invitation.HasOne<Customer>().WithMany().HasForeignKey(i => i.CustomerId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SurveyResponse>(response =>
        {
            response.ToTable("responses");
            response.HasIndex(r => new { r.ConversationKey, r.MessageId, r.StepId }).IsUnique();
            response.HasIndex(r => r.CustomerId);
            response.HasIndex(r => new { r.FlowId, r.AnsweredAt });
            response.Property(r => r.Value).HasMaxLength(4096);
            response.Property(r => r.Kind).HasMaxLength(16);
            response.HasOne<Customer>().WithMany().HasForeignKey(r => r.CustomerId).OnDelete(DeleteBehavior.SetNull);
            response.HasOne<Invitation>().WithMany().HasForeignKey(r => r.InvitationId).OnDelete(DeleteBehavior.SetNull);
        });

        modelBuilder.Entity<Case>(@case =>
        {
            @case.ToTable("cases");
            @case.HasIndex(c => new { c.ConversationKey, c.SourceMessageId }).IsUnique();
            @case.HasIndex(c => new { c.Status, c.RespondBy });
            @case.HasIndex(c => c.CustomerId);
            @case.Property(c => c.Resolution).HasMaxLength(4096);
            @case.Property(c => c.Grade).HasMaxLength(16);
            @case.Property(c => c.Scope).HasMaxLength(16);
            @case.HasIndex(c => new { c.Category, c.OpenedAt });
            @case.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.SetNull);
            @case.HasMany(c => c.Events).WithOne().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<CaseEvent>(caseEvent =>
        {
            caseEvent.ToTable("case_events");
            caseEvent.HasIndex(e => new { e.CaseId, e.At });
            caseEvent.Property(e => e.Kind).HasMaxLength(32);
            caseEvent.Property(e => e.Detail).HasMaxLength(4096);
        });

        modelBuilder.Entity<CaseDecision>(decision =>
        {
            decision.ToTable("case_decisions");
            decision.HasIndex(d => new { d.CaseId, d.Trigger }).IsUnique();
            decision.HasIndex(d => new { d.Category, d.At });
            decision.HasIndex(d => d.At);
            decision.Property(d => d.Trigger).HasMaxLength(160);
            decision.Property(d => d.Scope).HasMaxLength(16);
            decision.Property(d => d.Severity).HasMaxLength(16);
            decision.Property(d => d.Grade).HasMaxLength(16);
            decision.Property(d => d.Floor).HasMaxLength(16);
            decision.Property(d => d.Category).HasMaxLength(64);
            decision.Property(d => d.Source).HasMaxLength(24);
            decision.Property(d => d.Flags).HasMaxLength(128);
            decision.Property(d => d.Rationale).HasMaxLength(2048);
            decision.Property(d => d.Evidence).HasMaxLength(8192);
            decision.Property(d => d.FallbackReason).HasMaxLength(512);
            decision.Property(d => d.Reason).HasMaxLength(2048);
            decision.HasOne<Case>().WithMany().HasForeignKey(d => d.CaseId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<CheckIn>(checkIn =>
        {
            checkIn.ToTable("check_ins");
            checkIn.HasIndex(c => new { c.CustomerId, c.Status });
            checkIn.HasIndex(c => c.CaseId);
            checkIn.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Cascade);
            checkIn.HasOne<Case>().WithMany().HasForeignKey(c => c.CaseId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AuditEntry>(audit =>
        {
            audit.ToTable("audit_entries");
            audit.HasIndex(a => new { a.Entity, a.EntityId });
            audit.HasIndex(a => a.At);
            audit.Property(a => a.Entity).HasMaxLength(32);
            audit.Property(a => a.Action).HasMaxLength(64);
            audit.Property(a => a.Detail).HasMaxLength(4096);
        });
    }
}

/// <summary>The records schema on SQLite (the embedded default: a file in the data folder).</summary>
public sealed class SqliteRecordsDbContext(DbContextOptions<SqliteRecordsDbContext> options) : RecordsDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);

        // SQLite has no date-time-with-offset type: EF stores text, which it cannot order or compare. Every time here
        // is UTC, so the binary form (ticks + offset in one integer) sorts and compares correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();

        // SQLite has no decimal either; amounts are only stored and read back, so text keeps them exact.
        configurationBuilder.Properties<decimal>().HaveConversion<string>();
    }
}

/// <summary>The records schema on PostgreSQL (production; times are <c>timestamptz</c>, always UTC).</summary>
public sealed class PostgresRecordsDbContext(DbContextOptions<PostgresRecordsDbContext> options) : RecordsDbContext(options);
