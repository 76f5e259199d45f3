using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ChatFeedback.Bot.Tests.Samples;

/// <summary>One request of a sample file: where it is, its name, request line, headers, body and the status it expects.</summary>
/// <param name="Line">The line of the request line (<c>POST {{base}}/…</c>), for failure messages.</param>
/// <param name="ExpectedStatus">From <c># expect 202</c>; null = any 2xx.</param>
internal sealed record HttpSampleRequest(
    int Line,
    string? Title,
    string? Name,
    string Method,
    string Url,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? Body,
    int? ExpectedStatus)
{
    public bool Accepts(int status) => ExpectedStatus is { } expected ? status == expected : status is >= 200 and < 300;

    public string Expectation => ExpectedStatus?.ToString(CultureInfo.InvariantCulture) ?? "a 2xx";
}

/// <summary>
/// A <c>.http</c> sample in the part of the VS Code REST Client syntax the samples use, read as REST Client reads it:
/// <c>###</c> starts a request (the rest of the line is its title); before the request line, <c>#</c> and <c>//</c>
/// lines are comments, <c># @name x</c> names the request and <c>@x = value</c> defines a file variable (visible in the
/// whole file); then <c>METHOD URL</c>, header lines, a blank line and the body up to the next <c>###</c>.
/// <c># expect 202</c>, a comment to REST Client, is the status the test asserts.
/// </summary>
internal sealed partial class HttpSampleFile
{
    private HttpSampleFile(string displayName, IReadOnlyDictionary<string, string> variables, IReadOnlyList<HttpSampleRequest> requests)
    {
        DisplayName = displayName;
        Variables = variables;
        Requests = requests;
    }

    /// <summary>The path failure messages name (relative to the repository).</summary>
    public string DisplayName { get; }

    public IReadOnlyDictionary<string, string> Variables { get; }

    public IReadOnlyList<HttpSampleRequest> Requests { get; }

    public string Where(int line) => $"{DisplayName}:{line.ToString(CultureInfo.InvariantCulture)}";

    public static HttpSampleFile Load(string path, string displayName) => Parse(File.ReadAllText(path), displayName);

    public static HttpSampleFile Parse(string text, string displayName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var requests = new List<HttpSampleRequest>();
        var block = new List<(int Number, string Text)>();
        void EndBlock()
        {
            if (ParseBlock(block, displayName, variables) is { } request)
            {
                requests.Add(request);
            }

            block.Clear();
        }

        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("###", StringComparison.Ordinal))
            {
                EndBlock();
            }

            block.Add((i + 1, lines[i]));
        }

        EndBlock();
        foreach (var name in requests.Where(r => r.Name is not null).GroupBy(r => r.Name!, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw Error(displayName, name.Last().Line, $"a second request named '{name.Key}'; request names must be unique.");
        }

        foreach (var clash in requests.Where(r => r.Name is not null && variables.ContainsKey(r.Name)))
        {
            throw Error(displayName, clash.Line, $"'{clash.Name}' names both a request and a file variable.");
        }

        return new HttpSampleFile(displayName, variables, requests);
    }

    internal static InvalidDataException Error(string displayName, int line, string message) =>
        new($"{displayName}:{line.ToString(CultureInfo.InvariantCulture)}: {message}");

    /// <summary>One block between <c>###</c> lines: null when it holds no request (only variables or comments).</summary>
    private static HttpSampleRequest? ParseBlock(List<(int Number, string Text)> block, string file, Dictionary<string, string> variables)
    {
        string? title = null;
        string? name = null;
        int? expect = null;
        var index = 0;
        if (block.Count > 0 && block[0].Text.StartsWith("###", StringComparison.Ordinal))
        {
            title = block[0].Text.TrimStart('#').Trim() is { Length: > 0 } t ? t : null;
            index = 1;
        }

        for (; index < block.Count; index++)
        {
            var (number, raw) = block[index];
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (Comment(line) is { } comment)
            {
                if (NameDirective().Match(comment) is { Success: true } named)
                {
                    name = named.Groups[1].Value;
                }
                else if (ExpectDirective().Match(comment) is { Success: true } expected)
                {
                    expect = int.Parse(expected.Groups[1].Value, CultureInfo.InvariantCulture);
                }
                else if (comment.StartsWith("expect", StringComparison.OrdinalIgnoreCase))
                {
                    throw Error(file, number, $"'{line}' is not an expectation this runner reads; write '# expect <status>', e.g. '# expect 202'.");
                }

                continue;
            }

            if (FileVariable().Match(line) is { Success: true } variable)
            {
                if (!variables.TryAdd(variable.Groups[1].Value, variable.Groups[2].Value))
                {
                    throw Error(file, number, $"@{variable.Groups[1].Value} is defined twice.");
                }

                continue;
            }

            break;
        }

        if (index == block.Count)
        {
            return name is null && expect is null ? null : throw Error(file, block[^1].Number, "a '# @name' or '# expect' with no request after it.");
        }

        var (requestLine, requestText) = block[index];
        var request = RequestLine().Match(requestText.Trim());
        if (!request.Success)
        {
            throw Error(file, requestLine, $"'{requestText}' is not a request line (METHOD URL).");
        }

        var headers = new List<KeyValuePair<string, string>>();
        for (index++; index < block.Count; index++)
        {
            var (number, raw) = block[index];
            if (string.IsNullOrWhiteSpace(raw))
            {
                index++;
                break;
            }

            if (Comment(raw.Trim()) is not null)
            {
                continue;
            }

            var header = HeaderLine().Match(raw);
            if (!header.Success)
            {
                throw Error(file, number, $"'{raw}' is not a header; a blank line must come before the body.");
            }

            headers.Add(new(header.Groups[1].Value, header.Groups[2].Value.Trim()));
        }

        var body = string.Join('\n', block.Skip(index).Select(l => l.Text)).TrimEnd();
        return new HttpSampleRequest(requestLine, title, name, request.Groups[1].Value, request.Groups[2].Value, headers, body.Length == 0 ? null : body, expect);
    }

    private static string? Comment(string line) =>
        line.StartsWith('#') ? line.TrimStart('#').Trim()
        : line.StartsWith("//", StringComparison.Ordinal) ? line.TrimStart('/').Trim()
        : null;

    // REST Client's own patterns for names and file variables.
    [GeneratedRegex(@"^@name\s+(\w+)$")]
    private static partial Regex NameDirective();

    [GeneratedRegex(@"^expect\s+([1-5][0-9]{2})$")]
    private static partial Regex ExpectDirective();

    [GeneratedRegex(@"^@([^\s=]+)\s*=\s*(.*?)\s*$")]
    private static partial Regex FileVariable();

    [GeneratedRegex(@"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)(?:\s+HTTP/[0-9.]+)?$")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:(.*)$")]
    private static partial Regex HeaderLine();
}

/// <summary>What one request of a sample sent and got back.</summary>
internal sealed record HttpSampleExchange(
    HttpSampleRequest Request,
    string Url,
    IReadOnlyDictionary<string, string> RequestHeaders,
    string? RequestBody,
    int Status,
    IReadOnlyDictionary<string, string> ResponseHeaders,
    string ResponseBody)
{
    /// <summary>The response body as JSON (the test's own checks on what a sample shows).</summary>
    public JsonNode? Json() => JsonNode.Parse(ResponseBody);
}

/// <summary>The exchanges of one run of a sample, in order; named requests can be looked up.</summary>
internal sealed class HttpSampleRun(HttpSampleFile sample)
{
    private readonly List<HttpSampleExchange> _exchanges = [];

    public HttpSampleFile Sample { get; } = sample;

    public IReadOnlyList<HttpSampleExchange> Exchanges => _exchanges;

    public HttpSampleExchange? Find(string name) => _exchanges.FirstOrDefault(e => e.Request.Name == name);

    public HttpSampleExchange Named(string name) =>
        Find(name) ?? throw new InvalidOperationException($"{Sample.DisplayName} has no request '# @name {name}' that ran.");

    internal void Add(HttpSampleExchange exchange) => _exchanges.Add(exchange);
}

/// <summary>
/// Runs a sample's requests in order against a service, as a person with REST Client would: file variables, request
/// variables (<c>{{name.response.body.$.path}}</c>, <c>.headers.X</c>, <c>request.…</c>) and the system variables the
/// samples use, resolved when the request is sent. <c>@base</c> is the client's base address and
/// <paramref name="settings"/> replace the file variables a person sets (a secret, an API key). Before each request
/// <paramref name="settle"/> waits until the service has reacted to the one before, as a person reading the answer
/// does. An event stream is read up to its first event.
/// </summary>
internal sealed partial class HttpSampleRunner(
    HttpClient client,
    TimeProvider time,
    IReadOnlyDictionary<string, string> settings,
    Func<CancellationToken, Task> settle)
{
    public const string BaseVariable = "base";
    public static readonly TimeSpan FirstEventTimeout = TimeSpan.FromSeconds(30);

    private const int MaxDepth = 16;

    private readonly string _base = (client.BaseAddress ?? throw new ArgumentException("The client needs a base address.", nameof(client))).GetLeftPart(UriPartial.Authority);

    /// <summary>Runs every request; fails at the first whose status is not what the sample expects, naming its file:line.</summary>
    public async Task<HttpSampleRun> RunAsync(HttpSampleFile sample, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var run = new HttpSampleRun(sample);
        foreach (var request in sample.Requests)
        {
            await SettleAsync(run, cancellationToken);
            var exchange = await SendAsync(run, request, cancellationToken);
            run.Add(exchange);
            if (!request.Accepts(exchange.Status))
            {
                Assert.Fail(
                    $"{sample.Where(request.Line)}: {request.Title ?? "(untitled)"}\n"
                    + $"{request.Method} {exchange.Url} answered {exchange.Status.ToString(CultureInfo.InvariantCulture)}; the sample expects {request.Expectation}. Body:\n{exchange.ResponseBody}");
            }
        }

        await SettleAsync(run, cancellationToken);
        return run;
    }

    private async Task SettleAsync(HttpSampleRun run, CancellationToken cancellationToken)
    {
        try
        {
            await settle(cancellationToken);
        }
        catch (TimeoutException)
        {
            var last = run.Exchanges.Count > 0 ? run.Exchanges[^1].Request : null;
            Assert.Fail($"{(last is null ? run.Sample.DisplayName : run.Sample.Where(last.Line))}: the service was still busy with what the request started when the wait ran out.");
        }
    }

    private async Task<HttpSampleExchange> SendAsync(HttpSampleRun run, HttpSampleRequest request, CancellationToken cancellationToken)
    {
        var where = run.Sample.Where(request.Line);
        var url = Resolve(run, request.Url, request.Line, 0);
        if (!url.StartsWith(_base + "/", StringComparison.Ordinal))
        {
            throw HttpSampleFile.Error(run.Sample.DisplayName, request.Line, $"{url} is not under {{{{base}}}}; write every URL as {{{{base}}}}/… so the sample runs against any host.");
        }

        var body = request.Body is null ? null : Resolve(run, request.Body, request.Line, 0);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(url));
        if (body is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        }

        var sentHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, raw) in request.Headers)
        {
            var value = Resolve(run, raw, request.Line, 0);
            sentHeaders[name] = value;
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                // A content header (Content-Type…): it goes on the body, an empty one when the request has none.
                message.Content ??= new ByteArrayContent([]);
                if (!message.Content.Headers.TryAddWithoutValidation(name, value))
                {
                    throw HttpSampleFile.Error(run.Sample.DisplayName, request.Line, $"the header '{name}: {value}' cannot be sent.");
                }
            }
        }

        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var responseHeaders = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var responseBody = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? await ReadFirstEventAsync(response.Content, where, cancellationToken)
            : await response.Content.ReadAsStringAsync(cancellationToken);
        return new HttpSampleExchange(request, url, sentHeaders, body, (int)response.StatusCode, responseHeaders, responseBody);
    }

    /// <summary>An event stream never ends by itself: its first event is the answer, within <see cref="FirstEventTimeout"/>.</summary>
    private static async Task<string> ReadFirstEventAsync(HttpContent content, string where, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FirstEventTimeout);
        var text = new StringBuilder();
        try
        {
            await using var stream = await content.ReadAsStreamAsync(timeout.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.Length == 0 && text.Length > 0)
                {
                    break;
                }

                if (line.Length > 0)
                {
                    text.Append(line).Append('\n');
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"{where}: the event stream sent no event within {FirstEventTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }

        return text.ToString();
    }

    private string Resolve(HttpSampleRun run, string text, int line, int depth)
    {
        if (depth > MaxDepth)
        {
            throw HttpSampleFile.Error(run.Sample.DisplayName, line, "file variables refer to each other in a loop.");
        }

        try
        {
            return Placeholder().Replace(text, match => Value(run, match.Groups[1].Value.Trim(), line, depth));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw HttpSampleFile.Error(run.Sample.DisplayName, line, ex.Message);
        }
    }

    private string Value(HttpSampleRun run, string expression, int line, int depth)
    {
        var file = run.Sample.DisplayName;
        if (expression.StartsWith('$'))
        {
            return SystemVariable(expression) ?? throw HttpSampleFile.Error(file, line, $"{{{{{expression}}}}} is a system variable this runner does not know; add it to {nameof(HttpSampleRunner)}.");
        }

        if (RequestVariable().Match(expression) is { Success: true } reference && run.Sample.Requests.Any(r => r.Name == reference.Groups[1].Value))
        {
            var name = reference.Groups[1].Value;
            var exchange = run.Find(name) ?? throw HttpSampleFile.Error(file, line, $"{{{{{expression}}}}} reads request '{name}', which has not run yet: it must come earlier in the file.");
            return RequestValue(exchange, reference.Groups[2].Value, reference.Groups[3].Value, reference.Groups[4].Success ? reference.Groups[4].Value : null)
                ?? throw HttpSampleFile.Error(file, line, $"{{{{{expression}}}}} found nothing in what '{name}' {(reference.Groups[2].Value == "request" ? "sent" : "got back")}:\n{(reference.Groups[2].Value == "request" ? exchange.RequestBody : exchange.ResponseBody)}");
        }

        if (expression == BaseVariable)
        {
            return _base;
        }

        if (settings.TryGetValue(expression, out var setting))
        {
            return setting;
        }

        if (run.Sample.Variables.TryGetValue(expression, out var value))
        {
            return Resolve(run, value, line, depth + 1);
        }

        throw HttpSampleFile.Error(file, line, $"{{{{{expression}}}}} is neither a file variable (@{expression} = …) nor a request variable (# @name {expression.Split('.')[0]}).");
    }

    /// <summary>A request variable as REST Client resolves it; null when the path finds nothing.</summary>
    private static string? RequestValue(HttpSampleExchange exchange, string entity, string part, string? path)
    {
        var (headers, body) = entity == "request" ? (exchange.RequestHeaders, exchange.RequestBody) : (exchange.ResponseHeaders, exchange.ResponseBody);
        if (path is null)
        {
            return null;
        }

        if (part == "headers")
        {
            return headers.TryGetValue(path, out var header) ? header : null;
        }

        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        if (path == "*")
        {
            return body;
        }

        // REST Client evaluates JSONPath only on a JSON body (by its Content-Type).
        if (!headers.TryGetValue("Content-Type", out var contentType) || !IsJson(contentType))
        {
            return null;
        }

        var matches = SampleJsonPath.Select(JsonNode.Parse(body), path);
        return matches.Count == 0 ? null
            : matches[0] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>()
            : matches[0]?.ToJsonString() ?? "null";
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>REST Client's <c>$guid</c>, <c>$timestamp [offset unit]</c> and <c>$datetime iso8601|rfc1123 [offset unit]</c>, on the service's clock.</summary>
    private string? SystemVariable(string expression)
    {
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        DateTimeOffset At(int offsetIndex) => parts.Length == offsetIndex ? time.GetUtcNow()
            : parts.Length == offsetIndex + 2 ? Offset(time.GetUtcNow(), int.Parse(parts[offsetIndex], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), parts[offsetIndex + 1])
            : throw new FormatException($"{{{{{expression}}}}}: an offset is a number and a unit (y, M, w, d, h, m, s, ms).");
        return parts[0] switch
        {
            "$guid" when parts.Length == 1 => Guid.NewGuid().ToString(),
            "$timestamp" => At(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "$datetime" when parts.Length > 1 && parts[1] == "iso8601" => At(2).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            "$datetime" when parts.Length > 1 && parts[1] == "rfc1123" => At(2).ToString("R", CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    private static DateTimeOffset Offset(DateTimeOffset now, int amount, string unit) => unit switch
    {
        "y" => now.AddYears(amount),
        "M" => now.AddMonths(amount),
        "w" => now.AddDays(7 * amount),
        "d" => now.AddDays(amount),
        "h" => now.AddHours(amount),
        "m" => now.AddMinutes(amount),
        "s" => now.AddSeconds(amount),
        "ms" => now.AddMilliseconds(amount),
        _ => throw new FormatException($"'{unit}' is not a REST Client offset unit (y, M, w, d, h, m, s, ms)."),
    };

    [GeneratedRegex(@"\{\{(.+?)\}\}")]
    private static partial Regex Placeholder();

    // REST Client's pattern: name.(request|response).(body|headers).path
    [GeneratedRegex(@"^(\w+)\.(request|response)\.(body|headers)(?:\.(.*))?$")]
    private static partial Regex RequestVariable();
}

/// <summary>
/// The JSONPath REST Client hands to jsonpath-plus, in the subset the samples use: <c>$</c>, <c>.name</c>,
/// <c>['name']</c>, <c>[2]</c>, slices <c>[-1:]</c> and <c>*</c>; a path without <c>$</c> starts at the root
/// (<c>conversationId</c>). jsonpath-plus has no negative index, so <c>[-1]</c> is refused here as it finds nothing there.
/// </summary>
internal static partial class SampleJsonPath
{
    public static IReadOnlyList<JsonNode?> Select(JsonNode? root, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        IEnumerable<JsonNode?> current = [root];
        foreach (var step in Parse(path))
        {
            current = current.SelectMany(step).ToList();
        }

        return current.ToList();
    }

    private static List<Func<JsonNode?, IEnumerable<JsonNode?>>> Parse(string path)
    {
        var steps = new List<Func<JsonNode?, IEnumerable<JsonNode?>>>();
        var rest = path.StartsWith('$') ? path[1..] : "." + path;
        while (rest.Length > 0)
        {
            Match match;
            if ((match = DotName().Match(rest)).Success)
            {
                var name = match.Groups[1].Value;
                steps.Add(name == "*" ? Children : node => Property(node, name));
            }
            else if ((match = Bracket().Match(rest)).Success)
            {
                steps.Add(BracketStep(match.Groups[1].Value.Trim(), path));
            }
            else
            {
                throw new FormatException($"'{path}': '{rest}' is not JSONPath this runner reads ($, .name, ['name'], [n], [start:end], *).");
            }

            rest = rest[match.Length..];
        }

        return steps;
    }

    private static Func<JsonNode?, IEnumerable<JsonNode?>> BracketStep(string inside, string path)
    {
        if (inside == "*")
        {
            return Children;
        }

        if (inside.Length >= 2 && (inside[0] is '\'' or '"') && inside[^1] == inside[0])
        {
            var name = inside[1..^1];
            return node => Property(node, name);
        }

        if (int.TryParse(inside, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            return index >= 0
                ? node => node is JsonArray array && index < array.Count ? [array[index]] : []
                : throw new FormatException($"'{path}': jsonpath-plus (REST Client) has no negative index [{inside}]; take the last item with the slice [-1:].");
        }

        if (Slice().Match(inside) is { Success: true } slice)
        {
            int? Bound(Group group) => group.Value.Length == 0 ? null : int.Parse(group.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var (start, end) = (Bound(slice.Groups[1]), Bound(slice.Groups[2]));
            return node => node is JsonArray array ? Sliced(array, start, end) : [];
        }

        throw new FormatException($"'{path}': [{inside}] is not JSONPath this runner reads.");
    }

    private static IEnumerable<JsonNode?> Sliced(JsonArray array, int? start, int? end)
    {
        int Clamp(int bound) => Math.Clamp(bound < 0 ? array.Count + bound : bound, 0, array.Count);
        var (from, to) = (Clamp(start ?? 0), Clamp(end ?? array.Count));
        for (var i = from; i < to; i++)
        {
            yield return array[i];
        }
    }

    private static IEnumerable<JsonNode?> Property(JsonNode? node, string name) =>
        node is JsonObject obj && obj.TryGetPropertyValue(name, out var value) ? [value] : [];

    private static IEnumerable<JsonNode?> Children(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Select(p => p.Value),
        JsonArray array => array,
        _ => [],
    };

    [GeneratedRegex(@"^\.([A-Za-z0-9_$-]+|\*)")]
    private static partial Regex DotName();

    [GeneratedRegex(@"^\[([^\]]*)\]")]
    private static partial Regex Bracket();

    [GeneratedRegex(@"^(-?[0-9]*):(-?[0-9]*)$")]
    private static partial Regex Slice();
}
