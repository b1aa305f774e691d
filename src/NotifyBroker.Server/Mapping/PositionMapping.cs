using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Events;

namespace NotifyBroker.Server.Mapping;

/// <summary>notify.v1.Position ⇄ the core's StreamPosition.</summary>
internal static class PositionMapping
{
    public static Position ToContract(StreamPosition position) => new() { Offset = position.Offset, Epoch = position.Epoch };

    public static StreamPosition ToCore(Position position) => new(position.Offset, position.Epoch);
}
