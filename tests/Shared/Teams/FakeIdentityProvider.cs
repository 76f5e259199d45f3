using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ChatFeedback.Testing.Teams;

/// <summary>
/// The Bot Framework's and Entra's OpenID metadata and key sets on loopback (WireMock), serving whatever keys the
/// test sets, and counting downloads.
/// </summary>
public sealed class FakeIdentityProvider : IDisposable
{
    public const string ChannelMetadataPath = "/v1/.well-known/openidconfiguration";
    public const string ChannelKeysPath = "/v1/.well-known/keys";
    public const string EntraMetadataPath = "/common/v2.0/.well-known/openid-configuration";
    public const string EntraKeysPath = "/common/discovery/v2.0/keys";

    public FakeIdentityProvider()
    {
        Metadata(ChannelMetadataPath, ChannelKeysPath);
        Metadata(EntraMetadataPath, EntraKeysPath);
    }

    public WireMockServer Server { get; } = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public string ChannelMetadataUrl => Server.Url + ChannelMetadataPath;

    public string EntraMetadataUrl => Server.Url + EntraMetadataPath;

    public FakeIdentityProvider ChannelKeys(params TestKey[] keys) => Keys(ChannelKeysPath, keys);

    public FakeIdentityProvider EntraKeys(params TestKey[] keys) => Keys(EntraKeysPath, keys);

    /// <summary>Makes the channel metadata fail with 500 from now on.</summary>
    public void BreakChannelMetadata() =>
        Server.Given(Request.Create().WithPath(ChannelMetadataPath).UsingGet()).WithGuid(GuidOf(ChannelMetadataPath))
            .RespondWith(Response.Create().WithStatusCode(500));

    public int Downloads(string path) => Server.LogEntries.Count(e => e.RequestMessage?.Path == path);

    public void Dispose() => Server.Stop();

    private void Metadata(string path, string keysPath)
    {
        var issuer = path == ChannelMetadataPath ? "https://api.botframework.com" : "https://login.microsoftonline.com/{tenantid}/v2.0";
        var body = new JsonObject
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = "https://invalid.example/authorize",
            ["jwks_uri"] = Server.Url + keysPath,
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
        };
        Server.Given(Request.Create().WithPath(path).UsingGet()).WithGuid(GuidOf(path))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body.ToJsonString()));
    }

    /// <summary>One mapping per path: setting it again replaces it.</summary>
    private static Guid GuidOf(string path) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)).AsSpan(0, 16));

    private FakeIdentityProvider Keys(string path, TestKey[] keys)
    {
        var body = new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)k.Jwk())]) };
        Server.Given(Request.Create().WithPath(path).UsingGet()).WithGuid(GuidOf(path))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body.ToJsonString()));
        return this;
    }
}
