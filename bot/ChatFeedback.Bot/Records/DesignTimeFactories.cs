using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ChatFeedback.Bot.Records;

// Used only by `dotnet ef migrations add` (see Records/README.md); the connection strings are never opened.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteRecordsDbContext>
{
    public SqliteRecordsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteRecordsDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresRecordsDbContext>
{
    public PostgresRecordsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresRecordsDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
