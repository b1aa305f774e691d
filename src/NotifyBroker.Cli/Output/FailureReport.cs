using System.Text;
using NotifyBroker.Client;
using NotifyBroker.Contracts.Credentials;
using Grpc.Core;

namespace NotifyBroker.Cli.Output;

/// <summary>
/// One line on stderr for a failed call, NET SEND style, and the exit code that goes with it:
/// <c>notify: error 2273 (NERR_NameNotFound): The message alias could not be found on the network. [gRPC NOT_FOUND: ...]</c>
/// </summary>
internal static class FailureReport
{
    public static int Write(NotifyException failure, string address, TextWriter stderr)
    {
        stderr.WriteLine(Describe(failure, address));
        return failure.StatusCode == StatusCode.Unavailable ? ExitCodes.Unavailable : ExitCodes.RpcError;
    }

    public static string Describe(NotifyException failure, string address)
    {
        var line = new StringBuilder("notify: ");
        if (failure.Win32Code is { } code)
        {
            line.Append("error ").Append(code);
            if (failure.SymbolicName is { } symbol)
            {
                line.Append(" (").Append(symbol).Append(')');
            }

            line.Append(": ").Append(Win32Messages.TextOf(code) ?? failure.Status.Detail);
        }
        else if (failure.SymbolicName == NotifyException.BrokerStoppingReason)
        {
            line.Append("the broker is stopping (").Append(failure.SymbolicName).Append(").");
        }
        else if (failure.IsSlowConsumer)
        {
            line.Append("this subscriber fell behind and the broker ended its stream (").Append(failure.SymbolicName).Append(").");
        }
        else if (failure.StatusCode == StatusCode.Unauthenticated)
        {
            // The broker's words say which (no key, or one it does not accept); this says how to give one.
            line.Append("the broker at ").Append(address).Append(" did not accept the credentials (").Append(failure.SymbolicName ?? "UNAUTHENTICATED")
                .Append("). Pass --key or set NOTIFY_KEY; a broker on this machine writes its first admin key to ")
                .Append(LocalCredentials.DefaultPath).Append('.');
        }
        else if (failure.StatusCode == StatusCode.PermissionDenied && failure.ErrorInfo?.Metadata.TryGetValue("scope", out var scope) == true)
        {
            line.Append("this key lacks the scope ").Append(scope).Append(" (").Append(failure.SymbolicName).Append(").");
        }
        else if (failure.StatusCode == StatusCode.Unavailable)
        {
            line.Append("cannot reach the broker at ").Append(address).Append('.');
        }
        else if (failure.StatusCode == StatusCode.DeadlineExceeded)
        {
            line.Append("the broker did not answer before the deadline (--deadline).");
        }
        else if (failure.SymbolicName is { } reason)
        {
            line.Append(reason).Append('.');
        }
        else
        {
            line.Append("the call failed.");
        }

        line.Append(" [gRPC ").Append(StatusCodeNames.NameOf(failure.StatusCode));
        if (!string.IsNullOrEmpty(failure.Status.Detail))
        {
            line.Append(": ").Append(OneLine(failure.Status.Detail));
        }

        return line.Append(']').ToString();
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
