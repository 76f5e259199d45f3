namespace ChatFeedback.Assessment;

/// <summary>
/// DESIGN.md's grading, additive: grade = min(major, scope + severity) counting from 0, so an individual complaint's
/// grade follows its severity (minor → general, moderate → significant, severe → major), a group raises it one step
/// and a widespread one is always major. The tier follows the grade.
/// </summary>
public static class GradeMatrix
{
    public static Grade Of(Scope scope, Severity severity) => (Grade)Math.Min((int)Grade.Major, (int)scope + (int)severity);

    public static Tier TierOf(Grade grade) => grade switch
    {
        Grade.General => Tier.FrontLine,
        Grade.Significant => Tier.DepartmentLead,
        _ => Tier.SeniorManagement,
    };

    /// <summary>The grade after the floor: never below it.</summary>
    public static Grade WithFloor(Grade grade, Grade floor) => grade >= floor ? grade : floor;

    public static T Max<T>(T a, T b)
        where T : struct, Enum => Comparer<T>.Default.Compare(a, b) >= 0 ? a : b;
}
