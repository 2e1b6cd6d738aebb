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

    public bool Bool(LocatedJson node, string field) => node switch
    {
        LocatedJson.Scalar { Kind: JsonTokenType.True } => true,
        LocatedJson.Scalar { Kind: JsonTokenType.False } => false,
        _ => throw Error(node, field, "expected true or false"),
    };
}
