using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ChatFeedback.Adapters.Teams;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatFeedback.Benchmarks;

/// <summary>
/// Inbound authentication of one Bot Framework channel token (iss <c>https://api.botframework.com</c>, RS256, 2048-bit
/// key) by <see cref="TeamsAuthenticator.AuthenticateAsync"/> plus <see cref="TeamsAuthenticator.CheckActivity"/>,
/// with the signing keys already cached. The OpenID metadata and JWKS (with endorsements) come from an in-process
/// <see cref="HttpMessageHandler"/> and are loaded once in <see cref="Setup"/>. Target: at most 50 µs per validation.
/// </summary>
[MemoryDiagnoser]
public class TeamsJwtBenchmarks : IDisposable
{
    private const string AppId = "2f1e6c53-9d2a-4b7e-8c1f-3a5d9e0b7c42";
    private const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
    private const string MetadataUrl = "https://login.example.test/v1/.well-known/openidconfiguration";
    private const string KeysUrl = "https://login.example.test/v1/.well-known/keys";

    private RSA _rsa = null!;
    private TeamsAuthenticator _authenticator = null!;
    private string _authorization = null!;
    private TeamsActivity _activity = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rsa = RSA.Create(2048);
        const string Kid = "bench-key-1";
        var parameters = _rsa.ExportParameters(false);
        var jwks = new JsonObject
        {
            ["keys"] = new JsonArray(
                new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["kid"] = Kid,
                    ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    ["endorsements"] = new JsonArray("msteams"),
                }),
        };
        var metadata = new JsonObject
        {
            ["issuer"] = TeamsAuthenticator.ChannelIssuer,
            ["jwks_uri"] = KeysUrl,
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        };

        var options = Options.Create(new TeamsOptions
        {
            AppId = AppId,
            AppPassword = "not-a-real-secret",
            TenantId = "5e1d7c9a-4b3f-4e2d-9a8c-1f0b2c3d4e5f",
            OpenIdMetadataUrl = new Uri(MetadataUrl),
        });
        var http = new StaticHttpClientFactory(new Dictionary<string, string>
        {
            [MetadataUrl] = metadata.ToJsonString(),
            [KeysUrl] = jwks.ToJsonString(),
        });
        _authenticator = new TeamsAuthenticator(options, http, TimeProvider.System, NullLogger<TeamsAuthenticator>.Instance);

        var now = DateTimeOffset.UtcNow;
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TeamsAuthenticator.ChannelIssuer,
            Audience = AppId,
            IssuedAt = now.AddMinutes(-5).UtcDateTime,
            NotBefore = now.AddMinutes(-5).UtcDateTime,
            Expires = now.AddDays(1).UtcDateTime,
            Claims = new Dictionary<string, object> { ["serviceurl"] = ServiceUrl },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = Kid }, SecurityAlgorithms.RsaSha256),
        });
        _authorization = "Bearer " + token;
        _activity = new TeamsActivity { Type = "message", ChannelId = "msteams", ServiceUrl = ServiceUrl };

        // Loads (and caches) the keys, and proves the timed path is the accepting one.
        var result = Validate();
        if (result.Status != TeamsAuthStatus.Channel)
        {
            throw new InvalidOperationException($"The benchmark token was not accepted: {result.Status} ({result.Detail}).");
        }

        if (http.Requests != 2)
        {
            throw new InvalidOperationException($"Expected 2 key downloads in setup, saw {http.Requests}.");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _authenticator?.Dispose();
        _rsa?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "channel token: validate (cached keys)")]
    public TeamsAuthResult Validate()
    {
        var result = _authenticator.AuthenticateAsync(_authorization, CancellationToken.None).GetAwaiter().GetResult();
        return TeamsAuthenticator.CheckActivity(result, _activity);
    }

    /// <summary>Serves fixed bodies by URL, in process; counts requests.</summary>
    private sealed class StaticHttpClientFactory(IReadOnlyDictionary<string, string> bodies) : HttpMessageHandler, IHttpClientFactory
    {
        private int _requests;

        public int Requests => _requests;

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            var response = bodies.TryGetValue(request.RequestUri!.AbsoluteUri, out var body)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.NotFound);
            return Task.FromResult(response);
        }
    }
}
