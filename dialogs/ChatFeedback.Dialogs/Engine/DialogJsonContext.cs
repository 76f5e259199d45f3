using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatFeedback.Dialogs;

/// <summary>Source-generated (reflection-free) JSON for the session state.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(DialogState))]
public sealed partial class DialogJsonContext : JsonSerializerContext;

public static class DialogStateSerializer
{
    public static byte[] Serialize(DialogState state) =>
        JsonSerializer.SerializeToUtf8Bytes(state, DialogJsonContext.Default.DialogState);

    /// <summary>Reads a stored state; a state written by an unknown future schema is refused rather than misread.</summary>
    public static DialogState Deserialize(ReadOnlySpan<byte> json)
    {
        var state = JsonSerializer.Deserialize(json, DialogJsonContext.Default.DialogState)
            ?? throw new JsonException("The stored dialog state is empty.");
        if (state.SchemaVersion > DialogState.CurrentSchemaVersion)
        {
            throw new JsonException($"The stored dialog state has schema version {state.SchemaVersion}; this build reads up to {DialogState.CurrentSchemaVersion}.");
        }

        return state;
    }
}
