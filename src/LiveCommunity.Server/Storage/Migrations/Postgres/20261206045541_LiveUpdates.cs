using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LiveUpdates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "UpdateCount",
                table: "Topics",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "Updates",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    TopicId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Seq = table.Column<long>(type: "bigint", nullable: false),
                    AuthorId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    AuthorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AuthorBadge = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Body = table.Column<string>(type: "character varying(40000)", maxLength: 40000, nullable: false),
                    Html = table.Column<string>(type: "text", nullable: false),
                    KeyEvent = table.Column<bool>(type: "boolean", nullable: false),
                    Pinned = table.Column<bool>(type: "boolean", nullable: false),
                    QuoteReplyId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    QuoteAuthorId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    QuoteAuthorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    QuoteAuthorBadge = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    QuoteBody = table.Column<string>(type: "character varying(40000)", maxLength: 40000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EditedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Updates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Updates_Topics_TopicId",
                        column: x => x.TopicId,
                        principalTable: "Topics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Updates_KeyEvent_TopicId_Pinned_Seq",
                table: "Updates",
                columns: new[] { "TopicId", "Pinned", "Seq" },
                filter: "\"KeyEvent\"");

            migrationBuilder.CreateIndex(
                name: "IX_Updates_QuoteReplyId",
                table: "Updates",
                column: "QuoteReplyId",
                filter: "\"QuoteReplyId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Updates_TopicId_Pinned_Seq",
                table: "Updates",
                columns: new[] { "TopicId", "Pinned", "Seq" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Updates");

            migrationBuilder.DropColumn(
                name: "UpdateCount",
                table: "Topics");
        }
    }
}
