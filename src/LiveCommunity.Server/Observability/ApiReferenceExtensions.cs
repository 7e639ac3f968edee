using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace LiveCommunity.Server.Observability;

public static class ApiReferenceExtensions
{
    public const string BearerScheme = "Bearer";

    /// <summary>The OpenAPI document, with the bearer token scheme and, per operation, whether it needs one.</summary>
    public static WebApplicationBuilder AddApiReference(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiReferenceOptions>().BindConfiguration("OpenApi");
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "LiveCommunity API";
                document.Info.Description = "REST side of the LiveCommunity wire contract; live updates use the SignalR hub at /hubs/discussion (see docs/protocol.md).";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "HS256 token minted by the host site (claims sub, name, role, exp)",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
                }
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>
    /// /openapi/v1.json: on, except in Production, where it is served only when OpenApi:Enabled is true (the document
    /// maps every route, moderation and admin ones included: nothing to hand out unasked). Scalar in Development only.
    /// </summary>
    public static void MapApiReference(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ApiReferenceOptions>>().Value.Enabled ?? !app.Environment.IsProduction())
        {
            app.MapOpenApi();
        }
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }
    }
}

/// <summary>Configuration section "OpenApi".</summary>
public sealed class ApiReferenceOptions
{
    /// <summary>Serves /openapi/v1.json; null: everywhere but Production.</summary>
    public bool? Enabled { get; set; }
}
