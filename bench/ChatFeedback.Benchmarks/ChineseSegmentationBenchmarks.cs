using BenchmarkDotNet.Attributes;
using ChatFeedback.Text;
using JiebaNet.Segmenter;

namespace ChatFeedback.Benchmarks;

/// <summary>
/// Why the assessment has its own segmenter (text/ChatFeedback.Text/README.md): one 300-character complaint cut by
/// jieba.NET's <c>JiebaSegmenter.Cut</c> (HMM off) over its full dictionary and over the trimmed dictionary the
/// service ships, against <see cref="ChineseSegmenter"/> (the same algorithm and trimmed dictionary, on spans).
/// </summary>
[MemoryDiagnoser]
public class ChineseSegmentationBenchmarks
{
    private JiebaSegmenter _jieba = null!;
    private ChineseSegmenter _ours = null!;

    [Params("full", "trimmed")]
    public string Dictionary { get; set; } = "trimmed";

    [GlobalSetup]
    public void Setup()
    {
        // jieba.NET keeps its dictionary in a static, so each parameter value runs in its own process (BenchmarkDotNet's default).
        var resources = Path.Combine(AppContext.BaseDirectory, "jieba");
        if (Dictionary == "trimmed")
        {
            var folder = Path.Combine(Path.GetTempPath(), "chatfeedback-jieba-trimmed");
            Directory.CreateDirectory(folder);
            foreach (var file in Directory.EnumerateFiles(resources))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
            }

            using var stream = typeof(ChineseSegmenter).Assembly.GetManifestResourceStream(ChineseSegmenter.DictionaryResource)!;
            using var reader = new StreamReader(stream);
            var lines = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 0 && line[0] != '#' && !line.StartsWith("total ", StringComparison.Ordinal))
                {
                    lines.Add(line + " n");
                }
            }

            File.WriteAllLines(Path.Combine(folder, "dict.txt"), lines);
            resources = folder;
        }

        ConfigManager.ConfigFileBaseDir = resources;
        _jieba = new JiebaSegmenter();
        _ = _jieba.Cut("预热", hmm: false).ToList();
        _ours = ChineseSegmenter.Create([]);
    }

    [Benchmark(Baseline = true)]
    public int JiebaNetCut() => _jieba.Cut(AssessmentBenchmarks.Chinese, hmm: false).Count();

    [Benchmark]
    public int OurSegment()
    {
        var count = 0;
        var text = AssessmentBenchmarks.Chinese.AsSpan();
        var i = 0;
        while (i < text.Length)
        {
            if (!ChineseSegmenter.IsHan(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && ChineseSegmenter.IsHan(text[i]))
            {
                i++;
            }

            _ours.Segment(text[start..i], ref count, static (ref int c, int _, int _) => c++);
        }

        return count;
    }
}
