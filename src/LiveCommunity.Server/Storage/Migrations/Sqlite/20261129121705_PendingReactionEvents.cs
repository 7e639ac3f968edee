using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PendingReactionEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PendingReactionEvents",
                columns: table => new
                {
                    TargetId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    TopicId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ReplyId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Since = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PendingReactionEvents", x => x.TargetId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PendingReactionEvents_Since",
                table: "PendingReactionEvents",
                column: "Since");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PendingReactionEvents");
        }
    }
}
