using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FeaturedPartialIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Replies_TopicId_Featured_Seq",
                table: "Replies");

            migrationBuilder.CreateIndex(
                name: "IX_Replies_Featured_TopicId_Seq",
                table: "Replies",
                columns: new[] { "TopicId", "Seq" },
                filter: "\"Featured\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Replies_Featured_TopicId_Seq",
                table: "Replies");

            migrationBuilder.CreateIndex(
                name: "IX_Replies_TopicId_Featured_Seq",
                table: "Replies",
                columns: new[] { "TopicId", "Featured", "Seq" });
        }
    }
}
