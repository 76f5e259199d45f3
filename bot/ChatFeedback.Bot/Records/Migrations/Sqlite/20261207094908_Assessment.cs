using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatFeedback.Bot.Records.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Store",
                table: "orders",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Tier",
                table: "customers",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Grade",
                table: "cases",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Scope",
                table: "cases",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "case_decisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 160, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Grade = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Tier = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Themes = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Sentiment = table.Column<double>(type: "REAL", nullable: false),
                    Flags = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Rationale = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    Confidence = table.Column<double>(type: "REAL", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Floor = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    PromptVersion = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    LatencyMs = table.Column<int>(type: "INTEGER", nullable: false),
                    FallbackReason = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Truncated = table.Column<bool>(type: "INTEGER", nullable: false),
                    Evidence = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: true),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true)
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
