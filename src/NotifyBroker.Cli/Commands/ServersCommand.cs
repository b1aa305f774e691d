using System.CommandLine;
using System.Globalization;
using System.Text;
using NotifyBroker.Cli.Output;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Commands;

/// <summary>`notify servers`: NetServerEnum of the fleet (ListServers).</summary>
internal static class ServersCommand
{
    public static Command Create(GlobalOptions globals, CliOutput output)
    {
        var command = new Command("servers", "List the live brokers of the fleet (NetServerEnum): name, desktop, host, last heartbeat; * marks the one answering.");
        command.SetAction((parseResult, cancellationToken) => CallRunner.RunAsync(parseResult, globals, output, cancellationToken, async (client, ct) =>
        {
            var servers = await client.ListServersAsync(ct).ConfigureAwait(false);
            if (parseResult.GetValue(globals.Json))
            {
                foreach (var server in servers)
                {
                    await output.Out.WriteLineAsync(JsonLines.Format(server)).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }

            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{"",1} {"NAME",-20} {"DESKTOP",-9} {"HOST",-20} {"LAST HEARTBEAT",-24} STARTED").AppendLine();
            foreach (var server in servers)
            {
                text.Append(CultureInfo.InvariantCulture, $"{(server.Self ? "*" : " "),1} {server.Name,-20} {Desktop(server.Desktop),-9} {server.Host,-20} {Time(server.LastHeartbeat),-24} {Time(server.Started)}").AppendLine();
            }

            await output.Out.WriteAsync(text.ToString()).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Desktop(DesktopKind kind) => kind switch
    {
        DesktopKind.Win32 => "Win32",
        DesktopKind.InMemory => "InMemory",
        _ => "?",
    };

    private static string Time(Google.Protobuf.WellKnownTypes.Timestamp? time) =>
        time is null ? "" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
