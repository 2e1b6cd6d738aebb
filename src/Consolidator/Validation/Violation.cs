namespace Consolidator.Validation;

/// <summary>One way a plan breaks a rule, in words an operator can act on.</summary>
public sealed record Violation(string Rule, string Message)
{
    public override string ToString() => $"{Rule}: {Message}";
}
