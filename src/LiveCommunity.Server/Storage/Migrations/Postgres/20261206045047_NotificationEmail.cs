using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NotificationEmail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte>(
                name: "EmailState",
                table: "Notifications",
                type: "smallint",
                nullable: false,
                defaultValue: (byte)0);

            migrationBuilder.CreateTable(
                name: "EmailSettings",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    Mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    LastEmailedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Failures = table.Column<int>(type: "integer", nullable: false),
                    RetryAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClaimedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ClaimedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailSettings", x => x.UserId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_EmailWaiting",
                table: "Notifications",
                columns: new[] { "UserId", "At" },
                filter: "\"EmailState\" = 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EmailSettings");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_EmailWaiting",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "EmailState",
                table: "Notifications");
        }
    }
}
