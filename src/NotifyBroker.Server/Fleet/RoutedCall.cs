using Google.Protobuf;
using NotifyBroker.Core.Security;

namespace NotifyBroker.Server.Fleet;

/// <summary>What a routed call is: Send or Broadcast.</summary>
internal enum RoutedKind : byte
{
    Send = 1,
    Broadcast = 2,
}

/// <summary>
/// A Send or Broadcast on its way to another broker: the contract request (server_name cleared, so the target runs it
/// locally), the caller the entry broker authenticated, and the absolute deadline (brokers of a fleet share a clock
/// closely enough; the entry broker also bounds its wait by the same deadline).
/// </summary>
internal sealed record RoutedCall(RoutedKind Kind, byte[] Request, Caller Caller, DateTimeOffset? Deadline)
{
    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write((byte)Kind);
            writer.Write(Deadline?.ToUnixTimeMilliseconds() ?? 0L);
            writer.Write(Caller.Id);
            writer.Write(Caller.Name);
            writer.Write(Caller.Scopes.Count);
            foreach (var scope in Caller.Scopes)
            {
                writer.Write(scope);
            }

            writer.Write(Request.Length);
            writer.Write(Request);
        }

        return buffer.ToArray();
    }

    public static RoutedCall Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var kind = (RoutedKind)reader.ReadByte();
        var deadline = reader.ReadInt64();
        var id = reader.ReadString();
        var name = reader.ReadString();
        var scopes = new string[reader.ReadInt32()];
        for (var index = 0; index < scopes.Length; index++)
        {
            scopes[index] = reader.ReadString();
        }

        var request = reader.ReadBytes(reader.ReadInt32());
        return new RoutedCall(kind, request, new Caller(id, name, scopes), deadline == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(deadline));
    }

    public static byte[] Payload(IMessage request) => request.ToByteArray();
}
