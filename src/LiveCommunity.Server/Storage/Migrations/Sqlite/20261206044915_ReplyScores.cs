using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReplyScores : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Score",
                table: "Replies",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "ScoreSeq",
                table: "Replies",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "ServerSettings",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServerSettings", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Replies_FeaturedTop",
                table: "Replies",
                columns: new[] { "TopicId", "Score", "Seq" },
                descending: new[] { false, true, false },
                filter: "\"State\" = 0 AND \"Featured\"");

            migrationBuilder.CreateIndex(
                name: "IX_Replies_Top",
                table: "Replies",
                columns: new[] { "TopicId", "Score", "Seq" },
                descending: new[] { false, true, false },
                filter: "\"State\" = 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ServerSettings");

            migrationBuilder.DropIndex(
                name: "IX_Replies_FeaturedTop",
                table: "Replies");

            migrationBuilder.DropIndex(
                name: "IX_Replies_Top",
                table: "Replies");

            migrationBuilder.DropColumn(
                name: "Score",
                table: "Replies");

            migrationBuilder.DropColumn(
                name: "ScoreSeq",
                table: "Replies");
        }
    }
}
