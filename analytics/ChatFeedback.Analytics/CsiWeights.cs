namespace ChatFeedback.Analytics;

/// <summary>
/// The CSI weight of each dimension, as configured: every weight positive and finite, names unique (ordinal), and
/// the weights normalised to sum to 1. Asking for a dimension that has no weight throws, naming the known ones.
/// </summary>
public sealed class CsiWeights
{
    private readonly Dictionary<string, double> _weights;

    private CsiWeights(Dictionary<string, double> weights) => _weights = weights;

    /// <summary>The four dimensions of DESIGN.md, as the post-purchase survey names them.</summary>
    public static IReadOnlyList<string> DefaultDimensions { get; } = ["product_quality", "service_experience", "process_efficiency", "brand_trust"];

    /// <summary>Normalised weights, summing to 1.</summary>
    public IReadOnlyDictionary<string, double> Weights => _weights;

    public static CsiWeights Create(IEnumerable<KeyValuePair<string, double>> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var raw = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, weight) in weights)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A CSI weight needs a dimension name.", nameof(weights));
            }

            if (!double.IsFinite(weight) || weight <= 0)
            {
                throw new ArgumentException($"The CSI weight of '{name}' must be a positive number; it is {weight}.", nameof(weights));
            }

            if (!raw.TryAdd(name, weight))
            {
                throw new ArgumentException($"The CSI weights name '{name}' twice.", nameof(weights));
            }
        }

        if (raw.Count == 0)
        {
            throw new ArgumentException("CSI needs at least one weighted dimension.", nameof(weights));
        }

        var total = raw.Values.Sum();
        return new CsiWeights(raw.ToDictionary(kv => kv.Key, kv => kv.Value / total, StringComparer.Ordinal));
    }

    public double WeightOf(string dimension) =>
        _weights.TryGetValue(dimension, out var weight)
            ? weight
            : throw new ArgumentException($"Unknown dimension '{dimension}': CSI weights are given for {string.Join(", ", _weights.Keys)}.", nameof(dimension));
}
