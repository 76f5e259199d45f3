using System.Globalization;
using System.Text.RegularExpressions;
using ChatFeedback.Bot.Scheduling;

namespace ChatFeedback.Bot.Purchases;

/// <summary>Checks a purchase event field by field; every problem is reported under its JSON path (<c>items[2].quantity</c>).</summary>
public static partial class PurchaseValidator
{
    public const int MaxIdLength = 128;
    public const int MaxItems = 500;
    public const int MaxTextLength = 256;

    public static Dictionary<string, string[]> Validate(PurchaseRequest request, DateTimeOffset now, InvitationOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string path, string message)
        {
            if (!errors.TryGetValue(path, out var list))
            {
                errors[path] = list = [];
            }

            list.Add(message);
        }

        Id(request.OrderId, "orderId", Add);
        Id(request.CustomerId, "customerId", Add);
        Channels(request.Channels, Add);
        Contact(request.Contact, Add);
        if (request.Locale is { } locale && (locale.Length is 0 or > 35 || !LocaleTag().IsMatch(locale)))
        {
            Add("locale", "A language tag such as en or zh-CN.");
        }

        if (request.TimeZone is { } zone && ContactTimePolicy.FindZone(zone) is null)
        {
            Add("timeZone", $"'{zone}' is not a known IANA time zone id (such as Asia/Shanghai).");
        }

        if (request.CustomerTier is { } tier && !TierName().IsMatch(tier))
        {
            Add("customerTier", "A tier name of 1-32 letters, digits, '-' or '_', such as vip or regular.");
        }

        Label(request.Store, "store", Add);
        Label(request.Region, "region", Add);
        Items(request.Items, Add);
        if (request.Amount is null)
        {
            Add("amount", "Required.");
        }
        else if (request.Amount < 0)
        {
            Add("amount", "Must be zero or more.");
        }

        if (request.Currency is null)
        {
            Add("currency", "Required.");
        }
        else if (!CurrencyCode().IsMatch(request.Currency))
        {
            Add("currency", "An ISO 4217 code: three capital letters such as CNY, USD or EUR.");
        }

        if (request.PurchasedAt is not { } purchasedAt)
        {
            Add("purchasedAt", "Required: ISO 8601 with an offset, e.g. 2025-03-14T10:00:00+08:00.");
        }
        else if (purchasedAt > now + options.AllowedClockSkew)
        {
            Add("purchasedAt", $"In the future (more than {options.AllowedClockSkew} ahead of {now.ToString("O", CultureInfo.InvariantCulture)}).");
        }
        else if (purchasedAt < now - options.MaxPurchaseAge)
        {
            Add("purchasedAt", $"Older than {options.MaxPurchaseAge.TotalDays.ToString(CultureInfo.InvariantCulture)} days.");
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static void Id(string? value, string path, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            add(path, "Required.");
        }
        else if (value.Length > MaxIdLength || value.Any(char.IsControl))
        {
            add(path, $"At most {MaxIdLength} printable characters.");
        }
    }

    private static void Channels(PurchaseChannels? channels, Action<string, string> add)
    {
        if (channels?.Telegram is { } telegram && telegram.ChatId is null or 0)
        {
            add("channels.telegram.chatId", "Required: the customer's Telegram chat id (a non-zero integer).");
        }

        if (channels?.MsTeams is { } teams)
        {
            Id(teams.ConversationId, "channels.msteams.conversationId", add);
            if (!Uri.TryCreate(teams.ServiceUrl, UriKind.Absolute, out var serviceUrl) || serviceUrl.Scheme != Uri.UriSchemeHttps)
            {
                add("channels.msteams.serviceUrl", "Required: the conversation's https service URL from the Bot Connector.");
            }

            if (teams.TenantId is { Length: > MaxIdLength })
            {
                add("channels.msteams.tenantId", $"At most {MaxIdLength} characters.");
            }

            if (teams.UserId is { Length: > MaxIdLength })
            {
                add("channels.msteams.userId", $"At most {MaxIdLength} characters.");
            }
        }

        if (channels?.WebChat is { } webChat)
        {
            Id(webChat.ConversationId, "channels.webchat.conversationId", add);
        }
    }

    private static void Contact(PurchaseContact? contact, Action<string, string> add)
    {
        if (contact?.Email is { } email && (email.Length > 254 || !Email().IsMatch(email)))
        {
            add("contact.email", "An e-mail address such as mei@example.com.");
        }

        if (contact?.Phone is { } phone && !Phone().IsMatch(phone))
        {
            add("contact.phone", "A phone number in E.164 form such as +8613800138000.");
        }
    }

    private static void Items(IReadOnlyList<PurchaseItem?>? items, Action<string, string> add)
    {
        if (items is null || items.Count == 0)
        {
            add("items", "At least one item.");
            return;
        }

        if (items.Count > MaxItems)
        {
            add("items", $"At most {MaxItems} items.");
        }

        for (var i = 0; i < items.Count; i++)
        {
            var path = $"items[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (items[i] is not { } item)
            {
                add(path, "An item object.");
                continue;
            }

            Id(item.Sku, $"{path}.sku", add);
            if (item.Name is { Length: > MaxTextLength })
            {
                add($"{path}.name", $"At most {MaxTextLength} characters.");
            }

            if (item.Quantity is not > 0)
            {
                add($"{path}.quantity", "Required: a whole number greater than 0.");
            }

            if (item.UnitPrice is < 0)
            {
                add($"{path}.unitPrice", "Must be zero or more.");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")]
    private static partial Regex LocaleTag();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex TierName();

    /// <summary>A free-form label (store, region): 1-128 characters, no control characters.</summary>
    private static void Label(string? value, string path, Action<string, string> add)
    {
        if (value is not null && (value.Trim().Length is 0 or > 128 || value.Any(char.IsControl)))
        {
            add(path, "1-128 characters, no control characters.");
        }
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Email();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex Phone();
}
