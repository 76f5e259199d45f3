using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatFeedback.Testing.Teams;

/// <summary>An RSA signing key as an identity provider would publish it, with the Bot Framework's endorsements.</summary>
public sealed class TestKey(string kid, params string[] endorsements) : IDisposable
{
    private readonly RSA rsa = RSA.Create(2048);

    public string Kid { get; } = kid;

    public IReadOnlyList<string> Endorsements { get; } = endorsements;

    public SecurityKey SecurityKey => new RsaSecurityKey(rsa) { KeyId = Kid };

    /// <summary>The public JWK, plus <c>endorsements</c> when given.</summary>
    public JsonObject Jwk()
    {
        var parameters = rsa.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = Kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (Endorsements.Count > 0)
        {
            jwk["endorsements"] = new JsonArray([.. Endorsements.Select(e => (JsonNode)e)]);
        }

        return jwk;
    }

    public void Dispose() => rsa.Dispose();
}

/// <summary>Mints tokens the way the Bot Framework and Entra shape them.</summary>
public static class Tokens
{
    public const string ChannelIssuer = "https://api.botframework.com";

    /// <summary>A signed token valid from an hour before <paramref name="now"/> until <paramref name="expires"/> (default: an hour after).</summary>
    public static string Create(
        TestKey key,
        string issuer,
        string audience,
        DateTimeOffset now,
        IDictionary<string, object>? claims = null,
        DateTimeOffset? expires = null,
        string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.AddHours(-1).UtcDateTime,
            NotBefore = now.AddHours(-1).UtcDateTime,
            Expires = (expires ?? now.AddHours(1)).UtcDateTime,
            Claims = claims ?? new Dictionary<string, object>(),
            SigningCredentials = new SigningCredentials(key.SecurityKey, algorithm),
        });
    }

    /// <summary>A channel token as the Bot Connector sends one to <paramref name="appId"/> for <paramref name="serviceUrl"/>.</summary>
    public static string Channel(TestKey key, string appId, string serviceUrl, DateTimeOffset now, DateTimeOffset? expires = null) =>
        Create(key, ChannelIssuer, appId, now, new Dictionary<string, object> { ["serviceurl"] = serviceUrl }, expires);

    /// <summary>An HS256 token with the same kid as a published key: the "key confusion" attempt.</summary>
    public static string Hs256(string kid, string appId, string serviceUrl, DateTimeOffset now)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = kid };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ChannelIssuer,
            Audience = appId,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.AddMinutes(-1).UtcDateTime,
            Expires = now.AddHours(1).UtcDateTime,
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
            SigningCredentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise valid claims.</summary>
    public static string AlgNone(string kid, string appId, string serviceUrl, DateTimeOffset now)
    {
        var header = $$"""{"alg":"none","typ":"JWT","kid":"{{kid}}"}""";
        var payload = $$"""{"iss":"{{ChannelIssuer}}","aud":"{{appId}}","serviceurl":"{{serviceUrl}}","nbf":{{now.AddMinutes(-1).ToUnixTimeSeconds()}},"exp":{{now.AddHours(1).ToUnixTimeSeconds()}}}""";
        return Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header)) + "." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload)) + ".";
    }
}
