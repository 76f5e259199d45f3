using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ChatFeedback.Bot.Tests.Teams;

/// <summary>An RSA signing key as the Bot Framework publishes it: a public JWK with per-key <c>endorsements</c>.</summary>
internal sealed class TeamsSigningKey(string kid, params string[] endorsements) : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);

    public string Kid { get; } = kid;

    public JsonObject Jwk()
    {
        var parameters = _rsa.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = Kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (endorsements.Length > 0)
        {
            jwk["endorsements"] = new JsonArray([.. endorsements.Select(e => (JsonNode)e)]);
        }

        return jwk;
    }

    /// <summary>
    /// A channel token as the Bot Connector sends one: iss <c>https://api.botframework.com</c>, aud the App ID, the
    /// <c>serviceurl</c> claim, RS256, valid from five minutes ago for an hour.
    /// </summary>
    public string ChannelToken(string appId, string serviceUrl)
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://api.botframework.com",
            Audience = appId,
            IssuedAt = now.AddMinutes(-5).UtcDateTime,
            NotBefore = now.AddMinutes(-5).UtcDateTime,
            Expires = now.AddHours(1).UtcDateTime,
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = Kid }, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose() => _rsa.Dispose();
}

/// <summary>login.botframework.com on loopback: the channel's OpenID metadata, whose jwks_uri is the key set here.</summary>
internal sealed class FakeBotFrameworkLogin : IDisposable
{
    public const string MetadataPath = "/v1/.well-known/openidconfiguration";
    public const string KeysPath = "/v1/.well-known/keys";

    public FakeBotFrameworkLogin(params TeamsSigningKey[] keys)
    {
        var metadata = new JsonObject
        {
            ["issuer"] = "https://api.botframework.com",
            ["authorization_endpoint"] = "https://invalid.example/authorize",
            ["jwks_uri"] = Server.Url + KeysPath,
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
        };
        Server.Given(Request.Create().WithPath(MetadataPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(metadata.ToJsonString()));
        var jwks = new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)k.Jwk())]) };
        Server.Given(Request.Create().WithPath(KeysPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(jwks.ToJsonString()));
    }

    public WireMockServer Server { get; } = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public string MetadataUrl => Server.Url + MetadataPath;

    public int Downloads(string path) => Server.LogEntries.Count(e => e.RequestMessage?.Path == path);

    public void Dispose() => Server.Stop();
}

/// <summary>
/// Entra's token endpoint on loopback over https (MSAL insists on https authorities) with a self-signed localhost
/// certificate; answers every client-credentials request with the same access token.
/// </summary>
internal sealed class FakeEntraTokenEndpoint : IDisposable
{
    public const string AccessToken = "connector-token-7f3a";

    public FakeEntraTokenEndpoint(string tenant)
    {
        Path = $"/{tenant}/oauth2/v2.0/token";
        Server.Given(Request.Create().WithPath(Path).UsingPost())
            .RespondWith(Response.Create()
                .WithStatusCode(200)
                .WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"{{AccessToken}}"}"""));
    }

    /// <summary>A self-signed certificate for localhost, made once per test run.</summary>
    public static X509Certificate2 Certificate { get; } = CreateCertificate();

    public WireMockServer Server { get; } = WireMockServer.Start(new WireMockServerSettings
    {
        UseSSL = true,
        CertificateSettings = new WireMockCertificateSettings { X509Certificate = Certificate },
    });

    public string Url => Server.Url!;

    public string Path { get; }

    public IReadOnlyList<WireMock.Logging.ILogEntry> Requests => [.. Server.LogEntries.Where(e => e.RequestMessage?.Path == Path)];

    /// <summary>A handler that trusts exactly <see cref="Certificate"/>: the token client's primary handler in the host.</summary>
    public static HttpClientHandler TrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.Thumbprint == Certificate.Thumbprint,
    };

    public void Dispose() => Server.Stop();

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        // Re-import so that Kestrel on Linux gets a key it can use.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
