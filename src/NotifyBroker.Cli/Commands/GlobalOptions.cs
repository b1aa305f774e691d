using System.CommandLine;
using NotifyBroker.Cli.Parsing;
using NotifyBroker.Client;

namespace NotifyBroker.Cli.Commands;

/// <summary>The options every command takes: where the broker is, how long a call may take, and the output format.</summary>
internal sealed class GlobalOptions
{
    public const string DefaultAddress = "http://localhost:50051";

    public const string AddressVariable = "NOTIFY_ADDRESS";

    public const string KeyVariable = "NOTIFY_KEY";

    public GlobalOptions()
    {
        Address = new Option<string>("--address", "-a")
        {
            Description = $"The broker's address, http://host:port. Default: ${AddressVariable}, else {DefaultAddress}.",
            HelpName = "url",
            Recursive = true,
            DefaultValueFactory = static _ => Environment.GetEnvironmentVariable(AddressVariable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : DefaultAddress,
            Validators =
            {
                static result =>
                {
                    var text = result.GetValueOrDefault<string>();
                    if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    {
                        result.AddError($"'{text}' is not a broker address like {DefaultAddress}.");
                    }
                },
            },
        };

        Key = new Option<string?>("--key", "-k")
        {
            Description = $"The API key (or JWT) to call with. Default: ${KeyVariable}, else, for a broker on this machine, the key a local broker wrote to the per-user credentials file.",
            HelpName = "key",
            Recursive = true,
            DefaultValueFactory = static _ => Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null,
        };

        Deadline = ValueParsers.DurationOption("--deadline", "The deadline of each call (gRPC deadline); none by default. Subscriptions have none");
        Deadline.Recursive = true;

        Json = new Option<bool>("--json")
        {
            Description = "Machine-readable output: one JSON object per line (protobuf JSON of the notify.v1 reply or event).",
            Recursive = true,
        };
    }

    public Option<string> Address { get; }

    public Option<string?> Key { get; }

    public Option<TimeSpan?> Deadline { get; }

    public Option<bool> Json { get; }

    public void AddTo(Command root)
    {
        root.Add(Address);
        root.Add(Key);
        root.Add(Deadline);
        root.Add(Json);
    }

    public string AddressOf(ParseResult parseResult) => parseResult.GetValue(Address) ?? DefaultAddress;

    public NotifierClient CreateClient(ParseResult parseResult) =>
        new(AddressOf(parseResult), new NotifierClientOptions { CallTimeout = parseResult.GetValue(Deadline), ApiKey = parseResult.GetValue(Key) });
}
