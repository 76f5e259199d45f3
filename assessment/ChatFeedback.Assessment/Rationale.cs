namespace ChatFeedback.Assessment;

/// <summary>The decision's one-sentence explanation, in the case's language (zh-CN or English, the fallback).</summary>
internal static class Rationale
{
    public static bool IsChinese(string locale) => locale.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    /// <param name="main">What the complaint is mainly about: the strongest flag or severity evidence.</param>
    /// <param name="similarCustomers">Customers with similar cases, when they raised the scope; else null.</param>
    /// <param name="floorRule">The rule whose floor raised the grade, when it did; else null.</param>
    public static string Write(string locale, Main main, Grade grade, Scope scope, int? similarCustomers, string? floorRule, Signals floorFlag)
    {
        var chinese = IsChinese(locale);
        var head = chinese ? ChineseHead(main) : EnglishHead(main);
        var scopePart = similarCustomers is { } n
            ? chinese ? $"，窗口内有 {n} 位顾客有类似投诉（{ScopeName(scope, true)}）" : $"; {n} customers with similar cases in the window ({ScopeName(scope, false)} scope)"
            : scope > Scope.Individual
                ? chinese ? $"，顾客称影响不止一人（{ScopeName(scope, true)}）" : $"; the customer says others are affected ({ScopeName(scope, false)} scope)"
                : string.Empty;
        var tail = floorRule is not null
            ? chinese ? $"，按{FloorName(floorFlag, true)}底线升为{GradeName(grade, true)}。" : $"; raised to {GradeName(grade, false)} by the {FloorName(floorFlag, false)} floor."
            : chinese ? $"，定为{GradeName(grade, true)}。" : $"; graded {GradeName(grade, false)}.";
        return head + scopePart + tail;
    }

    /// <summary>"Raised to major by the safety floor." as a sentence of its own, for a model's rationale.</summary>
    public static string FloorSentence(string locale, Grade grade, Signals floorFlag) => IsChinese(locale)
        ? $"按{FloorName(floorFlag, true)}底线升为{GradeName(grade, true)}。"
        : $"Raised to {GradeName(grade, false)} by the {FloorName(floorFlag, false)} floor.";

    private static string EnglishHead(Main main) => main.Kind switch
    {
        MainKind.Unreadable => $"Nothing readable in the complaint ({main.Words})",
        MainKind.Flag when main.Flag == Signals.Safety => $"Safety issue ({main.Words}) reported",
        MainKind.Flag when main.Flag == Signals.Legal => $"Legal or regulator threat ({main.Words})",
        MainKind.Flag when main.Flag == Signals.Churn => $"The customer threatens to leave ({main.Words})",
        MainKind.Severity => $"{Capitalized(SeverityName(main.Severity, false))} issue ({main.Words}) reported",
        _ => "No specific problem named",
    };

    private static string ChineseHead(Main main) => main.Kind switch
    {
        MainKind.Unreadable => $"投诉内容无法识别（{ChineseReason(main.Words)}）",
        MainKind.Flag when main.Flag == Signals.Safety => $"顾客报告安全问题（{main.Words}）",
        MainKind.Flag when main.Flag == Signals.Legal => $"顾客提出法律或监管投诉（{main.Words}）",
        MainKind.Flag when main.Flag == Signals.Churn => $"顾客表示要流失（{main.Words}）",
        MainKind.Severity => $"顾客报告{SeverityName(main.Severity, true)}问题（{main.Words}）",
        _ => "未指出具体问题",
    };

    private static string ChineseReason(string reason) => reason switch
    {
        "empty" => "空白",
        "binary" => "二进制数据",
        "emoji-only" => "只有表情",
        _ => reason,
    };

    public static string SeverityName(Severity severity, bool chinese) => severity switch
    {
        Severity.Minor => chinese ? "轻微" : "minor",
        Severity.Moderate => chinese ? "中等" : "moderate",
        _ => chinese ? "严重" : "severe",
    };

    public static string GradeName(Grade grade, bool chinese) => grade switch
    {
        Grade.General => chinese ? "一般" : "general",
        Grade.Significant => chinese ? "较大" : "significant",
        _ => chinese ? "重大" : "major",
    };

    private static string ScopeName(Scope scope, bool chinese) => scope switch
    {
        Scope.Individual => chinese ? "个体" : "individual",
        Scope.Group => chinese ? "群体" : "group",
        _ => chinese ? "大范围" : "widespread",
    };

    private static string FloorName(Signals flag, bool chinese) => flag switch
    {
        Signals.Safety => chinese ? "安全" : "safety",
        Signals.Legal => chinese ? "法律" : "legal",
        Signals.Churn => chinese ? "流失" : "churn",
        Signals.Vip => "VIP",
        Signals.Repeat => chinese ? "重复投诉" : "repeat-complaint",
        _ => chinese ? "规则" : "rules",
    };

    private static string Capitalized(string word) => string.Concat(char.ToUpperInvariant(word[0]).ToString(), word.AsSpan(1));

    public enum MainKind
    {
        None,
        Unreadable,
        Flag,
        Severity,
    }

    /// <summary>The evidence the sentence names.</summary>
    public readonly record struct Main(MainKind Kind, Signals Flag, Severity Severity, string Words);
}
