using System.Diagnostics.Metrics;

namespace ChatFeedback.Testing;

/// <summary>
/// Listens to one counter of one host (its <see cref="IMeterFactory"/>, so parallel tests' hosts do not mix) and keeps
/// every measurement with its tags.
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly Lock gate = new();
    private readonly List<(long Value, Dictionary<string, object?> Tags)> measurements = [];

    public MetricRecorder(IMeterFactory meterFactory, string meterName, string instrumentName)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == meterName && instrument.Name == instrumentName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (gate)
            {
                measurements.Add((value, copy));
            }
        });
        listener.Start();
    }

    /// <summary>The sum of the measurements whose tags include every one of <paramref name="tags"/>.</summary>
    public long Sum(params (string Key, string Value)[] tags)
    {
        lock (gate)
        {
            return measurements.Where(m => tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value))).Sum(m => m.Value);
        }
    }

    public void Dispose() => listener.Dispose();
}
