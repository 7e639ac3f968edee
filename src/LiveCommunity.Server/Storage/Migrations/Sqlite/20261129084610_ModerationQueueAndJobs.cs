using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ModerationQueueAndJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Removed (a flag) becomes State (published, pending, hidden, removed): removed replies keep their state.
            migrationBuilder.AddColumn<int>(
                name: "State",
                table: "Replies",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "Erased",
                table: "Replies",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.Sql("UPDATE \"Replies\" SET \"State\" = 3 WHERE \"Removed\" = 1");

            migrationBuilder.DropColumn(
                name: "Removed",
                table: "Replies");

            migrationBuilder.AddColumn<bool>(
                name: "Premoderated",
                table: "Topics",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AlterColumn<long>(
                name: "Seq",
                table: "Replies",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");


            migrationBuilder.AddColumn<string>(
                name: "QueueState",
                table: "Replies",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "QueuedAt",
                table: "Replies",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReportCount",
                table: "Replies",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "ModerationJobs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ModeratorId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ModeratorName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ModeratorRole = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LeasedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModerationJobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Reports",
                columns: table => new
                {
                    ReplyId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ReporterId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reports", x => new { x.ReplyId, x.ReporterId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Replies_QueueState_QueuedAt_Id",
                table: "Replies",
                columns: new[] { "QueueState", "QueuedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ModerationJobs_CompletedAt",
                table: "ModerationJobs",
                column: "CompletedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Removed",
                table: "Replies",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.Sql("UPDATE \"Replies\" SET \"Removed\" = 1 WHERE \"State\" <> 0");

            migrationBuilder.DropColumn(
                name: "State",
                table: "Replies");

            migrationBuilder.DropColumn(
                name: "Erased",
                table: "Replies");
            migrationBuilder.DropTable(
                name: "ModerationJobs");

            migrationBuilder.DropTable(
                name: "Reports");

            migrationBuilder.DropIndex(
                name: "IX_Replies_QueueState_QueuedAt_Id",
                table: "Replies");

            migrationBuilder.DropColumn(
                name: "Premoderated",
                table: "Topics");


            migrationBuilder.DropColumn(
                name: "QueueState",
                table: "Replies");

            migrationBuilder.DropColumn(
                name: "QueuedAt",
                table: "Replies");

            migrationBuilder.DropColumn(
                name: "ReportCount",
                table: "Replies");


            migrationBuilder.AlterColumn<long>(
                name: "Seq",
                table: "Replies",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);
        }
    }
}
