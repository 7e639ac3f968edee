using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DuplicateReplyIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Replies_AuthorId",
                table: "Replies");

            migrationBuilder.AddColumn<long>(
                name: "BodyHash",
                table: "Replies",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "IX_Replies_AuthorId_TopicId_BodyHash_CreatedAt",
                table: "Replies",
                columns: new[] { "AuthorId", "TopicId", "BodyHash", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Replies_AuthorId_TopicId_BodyHash_CreatedAt",
                table: "Replies");

            migrationBuilder.DropColumn(
                name: "BodyHash",
                table: "Replies");

            migrationBuilder.CreateIndex(
                name: "IX_Replies_AuthorId",
                table: "Replies",
                column: "AuthorId");
        }
    }
}
