using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ChatFeedback.Adapters.WebChat;

/// <summary>
/// Authenticates every request on a conversation: the token from <c>Authorization: Bearer</c>, or for GET (where
/// EventSource cannot set headers) from <c>access_token</c> in the query. Runs before the body is read.
/// </summary>
public sealed class WebChatTokenFilter(WebChatTokenService tokens) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var conversationId = http.GetRouteValue("conversationId") as string ?? string.Empty;
        var token = BearerToken(http.Request);
        if (token is null && HttpMethods.IsGet(http.Request.Method))
        {
            token = http.Request.Query["access_token"].ToString();
        }

        if (!tokens.IsValid(conversationId, token))
        {
            http.Response.Headers.WWWAuthenticate = string.IsNullOrEmpty(token) ? "Bearer" : "Bearer error=\"invalid_token\"";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: string.IsNullOrEmpty(token)
                    ? "Send the conversation's token as 'Authorization: Bearer <token>'."
                    : "The token is not valid for this conversation.");
        }

        return await next(context);
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
    }
}
