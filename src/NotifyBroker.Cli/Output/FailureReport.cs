using System.Text;
using NotifyBroker.Client;
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
