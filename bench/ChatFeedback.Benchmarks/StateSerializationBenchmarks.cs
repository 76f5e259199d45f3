using BenchmarkDotNet.Attributes;
using ChatFeedback.Dialogs;

namespace ChatFeedback.Benchmarks;

/// <summary>
/// The session state is written and read on every turn. Measures serialise, deserialise and the round trip of a
/// mid-survey state (after <see cref="Answers"/> answers). Targets: round trip at most 5 µs; state at most 512 bytes.
/// </summary>
[MemoryDiagnoser]
public class StateSerializationBenchmarks
{
    public const int Answers = 5;
    public const int MaxStateBytes = 512;

    private DialogState _state = null!;
    private byte[] _json = [];

    [GlobalSetup]
    public void Setup()
    {
        _state = BenchmarkFlows.AnswerSurvey(BenchmarkFlows.LoadEngine(), "zh-CN", Answers);
        _json = DialogStateSerializer.Serialize(_state);
        Console.WriteLine($"// mid-survey state after {Answers} answers: {_json.Length} bytes (target <= {MaxStateBytes})");
        if (_json.Length > MaxStateBytes)
        {
            throw new InvalidOperationException(
                $"The mid-survey state is {_json.Length} bytes, over the {MaxStateBytes}-byte budget: {System.Text.Encoding.UTF8.GetString(_json)}");
        }

        if (DialogStateSerializer.Deserialize(_json) is not { } back || back.Answers.Count != _state.Answers.Count)
        {
            throw new InvalidOperationException("The state did not survive a round trip.");
        }
    }

    [Benchmark(Description = "serialise")]
    public byte[] Serialize() => DialogStateSerializer.Serialize(_state);

    [Benchmark(Description = "deserialise")]
    public DialogState Deserialize() => DialogStateSerializer.Deserialize(_json);

    [Benchmark(Baseline = true, Description = "round trip")]
    public DialogState RoundTrip() => DialogStateSerializer.Deserialize(DialogStateSerializer.Serialize(_state));
}
