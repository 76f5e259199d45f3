namespace ChatFeedback.Dialogs.Tests;

public sealed class DialogStateSerializerTests
{
    private static DialogState MidSurvey()
    {
        var catalog = FlowLoader.LoadDirectory(RepoPaths.Flows).GetCatalogOrThrow();
        var engine = new DialogEngine(catalog);
        var now = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var state = engine.Advance(engine.NewState("zh-CN"), DialogInput.Start("post-purchase-survey"), now).State;
        foreach (var answer in new[] { "5", "4", "4", "3", "9", "2" })
        {
            state = engine.Advance(state, DialogInput.Pressed(state.StepId!, answer), now).State;
        }

        return state;
    }

    [Fact]
    public void MidSurveyStateRoundTripsAndStaysSmall()
    {
        var state = MidSurvey();

        var bytes = DialogStateSerializer.Serialize(state);
        var back = DialogStateSerializer.Deserialize(bytes);

        Assert.Equal(6, back.Answers.Count);
        Assert.Equal(state.Answers, back.Answers);
        Assert.Equal(state.StepId, back.StepId);
        Assert.True(bytes.Length <= 512, $"mid-survey state is {bytes.Length} bytes");
    }

    [Fact]
    public void StateFromANewerSchemaIsRefused()
    {
        var json = """{"sv":99,"l":"en"}"""u8.ToArray();

        var error = Assert.Throws<System.Text.Json.JsonException>(() => DialogStateSerializer.Deserialize(json));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }
}
