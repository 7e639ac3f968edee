using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CloseSweepIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Topics_Closed_ClosesAt",
                table: "Topics");

            migrationBuilder.CreateIndex(
                name: "IX_Topics_OpenClosesAt",
                table: "Topics",
                column: "ClosesAt",
                filter: "NOT \"Closed\" AND \"ClosesAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Topics_OpenClosesAt",
                table: "Topics");

            migrationBuilder.CreateIndex(
                name: "IX_Topics_Closed_ClosesAt",
                table: "Topics",
                columns: new[] { "Closed", "ClosesAt" });
        }
    }
}
