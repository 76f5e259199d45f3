using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Records;

/// <summary>The complaint standard's deadlines for a new case (<c>Cases:*</c>): respond within 24 h, handle within 48 h.</summary>
public sealed class CasesOptions
{
    public const string SectionName = "Cases";

    /// <summary>A case must get a first response this long after it opened (its RespondBy).</summary>
    public TimeSpan RespondWithin { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A case must be handled (resolved) this long after it opened (its HandleBy).</summary>
    public TimeSpan HandleWithin { get; set; } = TimeSpan.FromHours(48);
}

internal sealed class CasesOptionsValidator : IValidateOptions<CasesOptions>
{
    public ValidateOptionsResult Validate(string? name, CasesOptions options)
    {
        var errors = new List<string>();
        if (options.RespondWithin <= TimeSpan.Zero)
        {
            errors.Add($"{CasesOptions.SectionName}:RespondWithin must be positive (was {options.RespondWithin}).");
        }

        if (options.HandleWithin < options.RespondWithin)
        {
            errors.Add($"{CasesOptions.SectionName}:HandleWithin must be at least {CasesOptions.SectionName}:RespondWithin (was {options.HandleWithin}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
