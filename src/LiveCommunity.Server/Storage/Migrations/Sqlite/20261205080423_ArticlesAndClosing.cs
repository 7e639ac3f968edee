using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LiveCommunity.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ArticlesAndClosing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ArticleId",
                table: "Topics",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Closed",
                table: "Topics",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosesAt",
                table: "Topics",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Url",
                table: "Topics",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Topics_ArticleId",
                table: "Topics",
                column: "ArticleId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Topics_Closed_ClosesAt",
                table: "Topics",
                columns: new[] { "Closed", "ClosesAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Topics_ArticleId",
                table: "Topics");

            migrationBuilder.DropIndex(
                name: "IX_Topics_Closed_ClosesAt",
                table: "Topics");

            migrationBuilder.DropColumn(
                name: "ArticleId",
                table: "Topics");

            migrationBuilder.DropColumn(
                name: "Closed",
                table: "Topics");

            migrationBuilder.DropColumn(
                name: "ClosesAt",
                table: "Topics");

            migrationBuilder.DropColumn(
                name: "Url",
                table: "Topics");
        }
    }
}
