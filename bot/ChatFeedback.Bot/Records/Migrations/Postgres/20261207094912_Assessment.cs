using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ChatFeedback.Bot.Records.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Assessment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Region",
                table: "orders",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Store",
                table: "orders",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Tier",
                table: "customers",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Grade",
                table: "cases",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Scope",
                table: "cases",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "case_decisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Trigger = table.Column<string>(type: "character varying(160)", maxLength: 160, nullable: false),
                    Scope = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Severity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Grade = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Tier = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Category = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Themes = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Sentiment = table.Column<double>(type: "double precision", nullable: false),
                    Flags = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Rationale = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    Confidence = table.Column<double>(type: "double precision", nullable: false),
                    Source = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Floor = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Model = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    PromptVersion = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    LatencyMs = table.Column<int>(type: "integer", nullable: false),
                    FallbackReason = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    Truncated = table.Column<bool>(type: "boolean", nullable: false),
                    Evidence = table.Column<string>(type: "character varying(8192)", maxLength: 8192, nullable: true),
                    Actor = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Reason = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_decisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_case_decisions_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_cases_Category_OpenedAt",
                table: "cases",
                columns: new[] { "Category", "OpenedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_case_decisions_At",
                table: "case_decisions",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_case_decisions_CaseId_Trigger",
                table: "case_decisions",
                columns: new[] { "CaseId", "Trigger" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_decisions_Category_At",
                table: "case_decisions",
                columns: new[] { "Category", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_decisions");

            migrationBuilder.DropIndex(
                name: "IX_cases_Category_OpenedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "Region",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "Store",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "Tier",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "Grade",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "Scope",
                table: "cases");
        }
    }
}
