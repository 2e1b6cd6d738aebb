using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Consolidator.Lab;

/// <summary>A QEMU Machine Protocol client on a unix socket: one JSON object per line each way; asynchronous
/// events (objects with "event") are skipped while a command waits for its "return" or "error".</summary>
internal sealed class Qmp : IDisposable
{
    private readonly Socket _socket;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;

    private Qmp(Socket socket)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new StreamReader(stream, Encoding.UTF8);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
    }

    /// <summary>Connects once QEMU has created the socket, reads the greeting and leaves capability negotiation.</summary>
    public static Qmp Connect(string path, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(path));
                socket.ReceiveTimeout = 60_000;
                var qmp = new Qmp(socket);
                qmp.ReadObject();
                qmp.Execute("qmp_capabilities");
                return qmp;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>Runs a command and returns its "return" value.</summary>
    /// <exception cref="LabException">QEMU answered with an error.</exception>
    public JsonNode? Execute(string command, object? arguments = null)
    {
        var request = arguments is null
            ? JsonSerializer.Serialize(new { execute = command })
            : JsonSerializer.Serialize(new { execute = command, arguments });
        _writer.WriteLine(request);
        while (true)
        {
            var answer = ReadObject();
            if (answer["event"] is not null) continue;
            if (answer["error"] is { } error)
                throw new LabException($"QMP {command} failed: {error["desc"]?.GetValue<string>() ?? error.ToJsonString()}");
            return answer["return"];
        }
    }

    private JsonObject ReadObject()
    {
        var line = _reader.ReadLine() ?? throw new LabException("QEMU closed its QMP socket");
        return JsonNode.Parse(line) as JsonObject ?? throw new LabException($"QMP sent something that is not an object: {line}");
    }

    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
        _socket.Dispose();
    }
}

/// <summary>The lab could not run or measure a migration; the message says what failed.</summary>
public sealed class LabException(string message) : Exception(message);
