using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Observability;

namespace NotifyBroker.Core.Operations;

/// <summary>The desktop calls the core makes that are not part of one operation, each inside its span.</summary>
internal static class DesktopCalls
{
    public static uint RegisterWindowMessage(IDesktop desktop, string name)
    {
        using var activity = BrokerTelemetry.StartDesktopCall("register_message");
        activity?.SetTag("win32.message_name", name);
        try
        {
            var id = desktop.RegisterWindowMessage(name);
            activity?.SetTag("win32.message_id", id);
            return id;
        }
        catch (BrokerException error)
        {
            BrokerTelemetry.RecordFailure(activity, error);
            throw;
        }
    }
}
