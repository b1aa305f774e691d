using Google.Protobuf;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Server.Errors;

namespace NotifyBroker.Server.Mapping;

/// <summary>The Payload oneof ⇄ the core's by-value data of pointer-carrying messages.</summary>
internal static class PayloadMapping
{
    public static WindowMessagePayload? ToCore(Payload? payload) => payload?.KindCase switch
    {
        null => null,
        Payload.KindOneofCase.CopyData => new WindowMessagePayload.CopyData(payload.CopyData.Data, payload.CopyData.Bytes.Memory),
        Payload.KindOneofCase.Text => new WindowMessagePayload.Text(payload.Text),
        _ => throw NotifyStatus.FromWin32(Win32Error.ERROR_INVALID_PARAMETER, "The payload is set but holds neither copy_data nor text."),
    };

    public static Payload? ToContract(WindowMessagePayload? payload) => payload switch
    {
        null => null,
        WindowMessagePayload.CopyData copy => new Payload
        {
            CopyData = new CopyData { Data = copy.Data, Bytes = UnsafeByteOperations.UnsafeWrap(copy.Bytes) },
        },
        WindowMessagePayload.Text text => new Payload { Text = text.Value },
        _ => throw new ArgumentOutOfRangeException(nameof(payload), payload, "Unknown payload kind."),
    };
}
