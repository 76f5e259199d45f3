using ChatFeedback.Assessment;
using ChatFeedback.Bot.Flows;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Assessment;

/// <summary>The rules, loaded once from <see cref="AssessmentOptions.RulesPath"/>; invalid rules stop the start with every error as file:line.</summary>
public sealed class AssessmentRulesSource(IOptions<AssessmentOptions> options)
{
    private readonly Lazy<RulesAssessor> _assessor = new(() => Load(options.Value));

    public RulesAssessor Assessor => _assessor.Value;

    /// <summary>The folder the rules come from.</summary>
    public string Directory => FlowDirectory.Resolve(options.Value.RulesPath, AssessmentOptions.DefaultRulesPath)
        ?? throw new InvalidOperationException($"{AssessmentOptions.SectionName}:RulesPath: the folder '{options.Value.RulesPath}' does not exist.");

    private static RulesAssessor Load(AssessmentOptions settings)
    {
        var directory = FlowDirectory.Resolve(settings.RulesPath, AssessmentOptions.DefaultRulesPath)
            ?? throw new InvalidOperationException($"{AssessmentOptions.SectionName}:RulesPath: the folder '{settings.RulesPath}' does not exist.");
        var loaded = AssessmentRulesLoader.LoadDirectory(directory);
        if (loaded.Rules is null || loaded.Errors.Count > 0)
        {
            throw new InvalidOperationException(
                $"The assessment rules in {directory} are invalid ({loaded.Errors.Count} error(s)):{Environment.NewLine}{string.Join(Environment.NewLine, loaded.Errors)}");
        }

        return new RulesAssessor(loaded.Rules);
    }
}
