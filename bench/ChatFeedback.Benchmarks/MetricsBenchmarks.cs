using BenchmarkDotNet.Attributes;
using ChatFeedback.Analytics;

namespace ChatFeedback.Benchmarks;

/// <summary>
/// The metrics engine over rollups (analytics/ChatFeedback.Analytics): merging 1,000,000 NPS tallies (a rollup row
/// each), merging a year of per-day segment rollups (365 days × 30 segments) and computing the overview from the
/// result, and adding one survey response to a rollup (what ingestion costs per turn). Rollups are built in the setup.
/// Targets from issue 15: the year's overview well inside its 500 ms (the store's read is the rest), ingestion ≤ 0.05 ms.
/// </summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    public const int NpsTallies = 1_000_000;
    public const int DailyRollups = 365 * 30;

    private static readonly CsiWeights Weights = CsiWeights.Create(new Dictionary<string, double>
    {
        ["product_quality"] = 0.3,
        ["service_experience"] = 0.3,
        ["process_efficiency"] = 0.2,
        ["brand_trust"] = 0.2,
    });

    private ScoreTally[] _nps = [];
    private SurveyTally[] _days = [];
    private SurveyTally _year = null!;
    private SurveyTally _ingest = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(15);
        _nps = new ScoreTally[NpsTallies];
        for (var i = 0; i < _nps.Length; i++)
        {
            _nps[i] = ScoreTally.Nps11();
            _nps[i].Add(random.Next(0, 11));
        }

        // About 1,000,000 responses over the year: ~91 per segment and day.
        _days = new SurveyTally[DailyRollups];
        for (var d = 0; d < _days.Length; d++)
        {
            var day = _days[d] = new SurveyTally();
            for (var r = 0; r < 91; r++)
            {
                AddResponse(day, random);
            }
        }

        _year = MergeDays();
        var overview = Overview.Compute(_year, Weights);
        Console.WriteLine($"// year: {_year.Nps.N:N0} responses; CSAT {overview.Csat}; NPS {overview.Nps}; CSI {overview.Csi}; " +
                          $"α(product_quality) {overview.Reliability["product_quality"].Alpha}");
        _ingest = new SurveyTally();
    }

    [Benchmark]
    public long MergeMillionNpsTallies()
    {
        var total = ScoreTally.Nps11();
        foreach (var tally in _nps)
        {
            total.Merge(tally);
        }

        return total.N;
    }

    [Benchmark]
    public SurveyTally MergeYearOfDailyRollups() => MergeDays();

    [Benchmark]
    public Overview OverviewOfMergedYear() => Overview.Compute(_year, Weights);

    [Benchmark]
    public Overview MergeYearAndComputeOverview() => Overview.Compute(MergeDays(), Weights);

    [Benchmark]
    public long AddOneResponse()
    {
        AddResponse(_ingest, Random.Shared);
        return _ingest.Nps.N;
    }

    private SurveyTally MergeDays()
    {
        var year = new SurveyTally();
        foreach (var day in _days)
        {
            year.Merge(day);
        }

        return year;
    }

    private static void AddResponse(SurveyTally tally, Random random)
    {
        tally.Invited += 2;
        tally.Answered++;
        tally.Started++;
        tally.Completed++;
        var mood = random.Next(1, 6);
        tally.Csat.Add(mood);
        tally.Nps.Add(Math.Min(10, (mood * 2) + random.Next(0, 2)));
        tally.Ces.Add(6 - mood);
        Span<double> quality = [mood, Math.Clamp(mood + random.Next(-1, 2), 1, 5)];
        tally.Dimension("product_quality", 2).Add(quality);
        tally.Dimension("service_experience", 1).Add([Math.Clamp(mood + random.Next(-1, 2), 1, 5)]);
        tally.Dimension("process_efficiency", 1).Add([Math.Clamp(mood + random.Next(-2, 2), 1, 5)]);
        tally.Dimension("brand_trust", 1).Add([mood]);
    }
}
