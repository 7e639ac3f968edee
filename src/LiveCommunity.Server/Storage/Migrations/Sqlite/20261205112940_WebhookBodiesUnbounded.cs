using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WebhookBodiesUnbounded : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
