using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TopicLastUpdateSeq : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LastUpdateSeq",
                table: "Topics",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // Topics that already have updates: their newest update event still in the log (a pruned one is older
            // than any replay could reach, so 0 asks nobody for anything they could get).
            migrationBuilder.Sql("""
                UPDATE "Topics" SET "LastUpdateSeq" = COALESCE((SELECT MAX(e."Seq") FROM "TopicEvents" e
                    WHERE e."TopicId" = "Topics"."Id" AND e."Type" IN ('UpdatePosted', 'UpdateEdited', 'UpdateRemoved')), 0)
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastUpdateSeq",
                table: "Topics");
        }
    }
}
