using System.Collections.Frozen;

namespace ChatFeedback.Dialogs;

/// <summary>An immutable, validated set of flows (every loaded version) plus the global settings.</summary>
public sealed class FlowCatalog
{
    private readonly FrozenDictionary<(string Id, int Version), Flow> _byVersion;
    private readonly FrozenDictionary<string, Flow> _latest;

    public FlowCatalog(GlobalSettings global, IEnumerable<Flow> flows)
    {
        Global = global;
        var all = flows.ToList();
        _byVersion = all.ToFrozenDictionary(f => (f.Id, f.Version));
        _latest = all.GroupBy(f => f.Id, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.MaxBy(f => f.Version)!, StringComparer.Ordinal);
    }

    public GlobalSettings Global { get; }

    /// <summary>The newest version of every flow.</summary>
    public IEnumerable<Flow> Latest => _latest.Values.OrderBy(f => f.Id, StringComparer.Ordinal);

    /// <summary>Every loaded flow, all versions.</summary>
    public IEnumerable<Flow> All => _byVersion.Values;

    public Flow? FindLatest(string id) => _latest.GetValueOrDefault(id);

    public Flow? Find(string id, int version) => _byVersion.GetValueOrDefault((id, version));

    /// <summary>The supported locale closest to <paramref name="requested"/> (e.g. zh-Hans-CN to zh-CN), or the default.</summary>
    public string ResolveLocale(string? requested) => Locales.Resolve(requested, Global.Locales, Global.DefaultLocale);
}
