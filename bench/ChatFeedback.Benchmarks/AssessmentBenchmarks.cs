using BenchmarkDotNet.Attributes;
using ChatFeedback.Assessment;

namespace ChatFeedback.Benchmarks;

/// <summary>
/// The rules' assessment of one 300-character complaint, in English and Chinese: <see cref="RulesAssessor.Analyze"/>
/// alone, and Analyze + <see cref="RulesAssessor.Decide"/> (what the host runs per complaint without a model).
/// The rules are the repository's (dialogs/assessment); the Chinese dictionary is loaded in the setup.
/// Targets: at most 50 µs and 20 KB allocated per complaint.
/// </summary>
[MemoryDiagnoser]
public class AssessmentBenchmarks
{
    public const string English =
        "I ordered a coffee machine on the 3rd and it arrived six days late. The box was not damaged, but the glass jug was cracked " +
        "and the machine stopped working after two days. When I called support the agent was very rude and hung up on me. I want a " +
        "full refund this week, otherwise I will never buy from you again.";

    public const string Chinese =
        "我三号在你们店里买了一台咖啡机，结果晚了六天才送到。外包装没有破损，但是里面的玻璃壶碎了，机器用了两天就坏了，根本没法用。" +
        "我打电话给客服，客服态度恶劣，还直接挂我电话。之前我也投诉过一次物流太慢的问题，到现在都没人回复。这次我要求全额退款，" +
        "如果三天之内不处理，我就再也不买你们家的东西了，还会在网上把这件事说清楚。希望你们认真对待顾客的投诉，尽快给我一个满意的答复。" +
        "另外发票上的地址也写错了，麻烦一起改一下。上次买的磨豆机倒是没什么问题，用着还不错，所以这次才会继续在你们这里下单，" +
        "没想到这次会遇到这么多麻烦，真的非常非常失望。我的订单号和联系方式都在之前的留言里，请尽快联系我处理，谢谢！";

    private RulesAssessor _assessor = null!;
    private AssessmentInput _input = null!;
    private readonly SimilarCases _similar = new(4, 2);

    [Params("en", "zh-CN")]
    public string Locale { get; set; } = "en";

    [GlobalSetup]
    public void Setup()
    {
        _assessor = new RulesAssessor(AssessmentRulesLoader.LoadDirectory(BenchmarkPaths.AssessmentDirectory()).GetRulesOrThrow());
        var text = Locale == "en" ? English : Chinese;
        if (text.Length is < 290 or > 310)
        {
            throw new InvalidOperationException($"The {Locale} complaint has {text.Length} characters; the benchmark is for about 300.");
        }

        _input = new AssessmentInput(text, Locale, [], new CustomerContext(false, "telegram", 0, true));

        // Load the Chinese dictionary outside the measurement, and check the complaint is read as one.
        _ = _assessor.Text.Segmenter;
        var decision = _assessor.Decide(_assessor.Analyze(_input), _similar, ScopeThresholds.Default);
        if (decision.Evidence.Count < 5)
        {
            throw new InvalidOperationException($"The {Locale} complaint gave only {decision.Evidence.Count} pieces of evidence: {decision.Rationale}");
        }

        Console.WriteLine($"// {Locale}: {text.Length} chars → {decision.Grade}, {decision.Evidence.Count} evidence, {decision.Rationale}");
    }

    [Benchmark]
    public Findings Analyze() => _assessor.Analyze(_input);

    [Benchmark]
    public Decision AnalyzeAndDecide() => _assessor.Decide(_assessor.Analyze(_input), _similar, ScopeThresholds.Default);
}
