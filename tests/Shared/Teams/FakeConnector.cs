using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ChatFeedback.Testing.Teams;

/// <summary>The Bot Connector on loopback (WireMock, http), answering as told and recording every call.</summary>
public sealed class FakeConnector : IDisposable
{
    public WireMockServer Server { get; } = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public string Url => Server.Url!;

    /// <summary>Answers every request to a path starting with <paramref name="pathPrefix"/>.</summary>
    public FakeConnector Answer(string pathPrefix, int status, string body = """{"id":"1772443500001"}""", params (string Name, string Value)[] headers)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }

        Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher(pathPrefix + "*"))).RespondWith(response);
        return this;
    }

    /// <summary>Answers the first call with <paramref name="firstStatus"/> and later ones with <paramref name="thenStatus"/>.</summary>
    public FakeConnector Sequence(string pathPrefix, int firstStatus, int thenStatus)
    {
        var matcher = Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher(pathPrefix + "*"));
        Server.Given(matcher).InScenario("seq").WillSetStateTo("done")
            .RespondWith(Response.Create().WithStatusCode(firstStatus).WithHeader("Content-Type", "application/json").WithBody("""{"error":{"code":"Unauthorized","message":"Authorization has been denied for this request."}}"""));
        Server.Given(matcher).InScenario("seq").WhenStateIs("done")
            .RespondWith(Response.Create().WithStatusCode(thenStatus).WithHeader("Content-Type", "application/json").WithBody("""{"id":"1772443500002"}"""));
        return this;
    }

    public IReadOnlyList<WireMock.Logging.ILogEntry> Calls => [.. Server.LogEntries.OrderBy(e => e.RequestMessage!.DateTime)];

    public static JsonElement Body(WireMock.Logging.ILogEntry entry) => JsonDocument.Parse(entry.RequestMessage!.Body!).RootElement.Clone();

    public static string? Header(WireMock.Logging.ILogEntry entry, string name) =>
        entry.RequestMessage!.Headers!.TryGetValue(name, out var values) ? values.ToString() : null;

    public void Dispose() => Server.Stop();
}

/// <summary>Entra's token endpoint on loopback over https (MSAL insists on https authorities), issuing numbered tokens.</summary>
public sealed class FakeTokenEndpoint : IDisposable
{
    public FakeTokenEndpoint(string tenant = "botframework.com")
    {
        Tenant = tenant;
        Path = $"/{tenant}/oauth2/v2.0/token";
        var matcher = Request.Create().WithPath(Path).UsingPost();
        for (var i = 1; i <= 5; i++)
        {
            var mapping = Server.Given(matcher).InScenario("tokens");
            var step = i == 1 ? mapping : mapping.WhenStateIs($"issued{i - 1}");
            step.WillSetStateTo($"issued{i}").RespondWith(Response.Create()
                .WithStatusCode(200)
                .WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"token-{{i}}"}"""));
        }
    }

    public WireMockServer Server { get; } = WireMockServer.Start(new WireMockServerSettings
    {
        UseSSL = true,
        CertificateSettings = new WireMockCertificateSettings { X509Certificate = Certificate },
    });

    /// <summary>A self-signed certificate for localhost, made once per test run.</summary>
    public static X509Certificate2 Certificate { get; } = CreateCertificate();

    /// <summary>A handler that trusts exactly <see cref="Certificate"/>, as MSAL's HttpClient must here.</summary>
    public static HttpClientHandler TrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.Thumbprint == Certificate.Thumbprint,
    };

    public string Url => Server.Url!;

    public string Tenant { get; }

    public string Path { get; }

    /// <summary>The token requests made so far, in order.</summary>
    public IReadOnlyList<WireMock.Logging.ILogEntry> Requests => [.. Calls.Where(e => e.RequestMessage?.Path == Path)];

    public IReadOnlyList<WireMock.Logging.ILogEntry> Calls => [.. Server.LogEntries.OrderBy(e => e.RequestMessage!.DateTime)];

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
