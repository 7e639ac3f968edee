using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Postgres
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
                    TargetId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    TopicId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ReplyId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    Since = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
