using System.Text.RegularExpressions;

namespace ChatFeedback.Text;

/// <summary>
/// Replaces contact details and order numbers with placeholders (<c>[email]</c>, <c>[phone]</c>, <c>[order]</c>)
/// before any text leaves the service for a model. Prices, dates, times and short numbers stay as they are.
/// </summary>
public static partial class ContactMasker
{
    public const string Email = "[email]";
    public const string Phone = "[phone]";
    public const string Order = "[order]";

    public static string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var masked = EmailPattern().Replace(text, Email);
        masked = LabelledOrderPattern().Replace(masked, m => m.Groups["label"].Value + m.Groups["gap"].Value.Replace("#", string.Empty, StringComparison.Ordinal).Replace("＃", string.Empty, StringComparison.Ordinal) + Order);
        masked = ChineseMobilePattern().Replace(masked, Phone);
        masked = InternationalPhonePattern().Replace(masked, Phone);
        masked = LocalPhonePattern().Replace(masked, Phone);
        masked = HashOrderPattern().Replace(masked, Order);
        return LongDigitsPattern().Replace(masked, Order);
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    // "订单号 12345678", "订单号：SO-20240315-0042", "order number 987654", "order #A123456", "ref 4455667788".
    [GeneratedRegex(@"(?<label>订单编号|订单号|订单|单号|运单号|快递单号|order\s*(?:number|no\.?|id)?|ref(?:erence)?(?:\s*number)?|tracking\s*(?:number|no\.?)?)(?<gap>\s*(?:is\s+|was\s+|是|为)?[:：#＃]?\s*)(?<id>(?:[A-Za-z]{1,4}-?)?\d[\dA-Za-z-]{4,})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LabelledOrderPattern();

    // Mainland mobile numbers, with or without +86 and with spaces or dashes between the groups: 138 1234 5678.
    [GeneratedRegex(@"(?<![\d+])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex ChineseMobilePattern();

    // +44 20 7946 0958, +1 (555) 123-4567, 0044 20 7946 0958.
    [GeneratedRegex(@"(?<![\w+])(?:\+|00)\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex InternationalPhonePattern();

    // (555) 123-4567, 555-123-4567, 010-12345678, 0755 8888 6666: groups joined by separators, so prices and dates do not match.
    [GeneratedRegex(@"(?<![\d/.-])(?:\(\d{3}\)\s?|\d{3}[-.\s])\d{3}[-.\s]\d{4}(?![\d/.-])|(?<![\d/.-])\(?0\d{2,3}\)?[-\s]\d{3,4}[-\s]?\d{4}(?![\d/.-])", RegexOptions.CultureInvariant)]
    private static partial Regex LocalPhonePattern();

    [GeneratedRegex(@"[#＃]\s?\d{5,}", RegexOptions.CultureInvariant)]
    private static partial Regex HashOrderPattern();

    // Eight or more digits in a row with no decimal point or thousands separator round them: an id, not an amount.
    [GeneratedRegex(@"(?<![\d.,])\d{8,}(?![\d.,]?\d)", RegexOptions.CultureInvariant)]
    private static partial Regex LongDigitsPattern();
}
