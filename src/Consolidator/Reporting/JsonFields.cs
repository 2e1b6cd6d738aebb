using System.Globalization;
using System.Text.Json;

namespace Consolidator.Reporting;

/// <summary>Typed access to a <see cref="LocatedJson"/> document in which every failure is an
/// <see cref="InputException"/> naming the file, line, column, field and value. Readers of plan.json and
/// simulation.json build their own checks (ids, kinds) on top of it.</summary>
internal class JsonFields(byte[] utf8, string path)
{
    public InputException Error(LocatedJson at, string field, string problem)
    {
        var (line, column) = LocatedJson.Position(utf8, at.Offset);
        return new InputException(path, line, field, column, at.Describe(), problem);
    }

    public LocatedJson Member(LocatedJson.Object o, string name) =>
        Optional(o, name) ?? throw Error(o, name, $"required field \"{name}\" is missing");

    public LocatedJson? Optional(LocatedJson.Object o, string name) =>
        o.Members.FirstOrDefault(m => m.Name == name).Value;

    public LocatedJson.Object Object(LocatedJson node, string field) =>
        node as LocatedJson.Object ?? throw Error(node, field, "expected an object");

    public LocatedJson.Array Array(LocatedJson node, string field) =>
        node as LocatedJson.Array ?? throw Error(node, field, "expected an array");

    public bool IsNull(LocatedJson node) => node is LocatedJson.Scalar { Kind: JsonTokenType.Null };

    public string String(LocatedJson node, string field) =>
        node is LocatedJson.Scalar { Kind: JsonTokenType.String } s ? s.Text : throw Error(node, field, "expected a string");

    public double Number(LocatedJson node, string field) =>
        node is LocatedJson.Scalar { Kind: JsonTokenType.Number } s && double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            ? x : throw Error(node, field, "expected a number");

    /// <summary>Runs an options record's own check and reports a value it rejects as the field it was read
    /// from: "plan.json:7, column 17 'headroom': must be in [0, 1) (value '1.5')", not as a .NET parameter
    /// or a command-line option.</summary>
    /// <param name="fields">The node and field name of each checked property, by property name.</param>
    public void Check(Action validate, Dictionary<string, (LocatedJson Node, string Field)> fields)
    {
        try
        {
            validate();
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName is { } name && fields.TryGetValue(name, out var at))
        {
            // The checks speak to the command line ("--headroom must be in [0, 1)"); here the field is named already.
            var message = e.Message.Split('\n')[0].Replace($" (Parameter '{name}')", "", StringComparison.Ordinal).Trim();
            if (message.StartsWith("--", StringComparison.Ordinal) && message.IndexOf(' ') is > 0 and var space) message = message[(space + 1)..];
            throw Error(at.Node, at.Field, message);
        }
    }

    public bool Bool(LocatedJson node, string field) => node switch
    {
        LocatedJson.Scalar { Kind: JsonTokenType.True } => true,
        LocatedJson.Scalar { Kind: JsonTokenType.False } => false,
        _ => throw Error(node, field, "expected true or false"),
    };
}
