using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatFeedback.Dialogs;

/// <summary>
/// Reads and writes a state's answers as <c>[{"s":"step","v":"value"},…]</c> in one pass. The serializer would
/// push a frame per nested level, and its frame stack alone was most of what reading a session allocated on every
/// turn; a value converter reads the list without one. The JSON is the same as the generated code writes.
/// </summary>
internal sealed class StepAnswersConverter : JsonConverter<IReadOnlyList<StepAnswer>>
{
    public override IReadOnlyList<StepAnswer> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected the answers as an array.");
        }

        var answers = new List<StepAnswer>(8);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("Expected an answer object.");
            }

            string? step = null;
            string? value = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var isStep = reader.ValueTextEquals("s"u8);
                var isValue = !isStep && reader.ValueTextEquals("v"u8);
                reader.Read();
                if (isStep)
                {
                    step = reader.GetString();
                }
                else if (isValue)
                {
                    value = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            answers.Add(new StepAnswer(step ?? throw new JsonException("An answer has no step (\"s\")."), value ?? string.Empty));
        }

        return answers;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<StepAnswer> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var answer in value)
        {
            writer.WriteStartObject();
            writer.WriteString("s"u8, answer.StepId);
            writer.WriteString("v"u8, answer.Value);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
