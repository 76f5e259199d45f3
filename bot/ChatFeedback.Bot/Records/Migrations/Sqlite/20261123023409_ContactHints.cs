using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatFeedback.Bot.Records.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ContactHints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "contact_hints",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    FirstGivenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastGivenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contact_hints", x => x.Id);
                    table.ForeignKey(
                        name: "FK_contact_hints_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_contact_hints_CustomerId_Kind_Value",
                table: "contact_hints",
                columns: new[] { "CustomerId", "Kind", "Value" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contact_hints");
        }
    }
}
