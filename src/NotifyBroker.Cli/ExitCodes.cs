namespace NotifyBroker.Cli;

/// <summary>What `notify` exits with. Stable: scripts branch on these.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (a subscription stopped with Ctrl+C included).</summary>
    public const int Ok = 0;

    /// <summary>The command line was wrong: unknown command or option, a value that does not parse, an unknown BSF_/BSM_ name.</summary>
    public const int Usage = 1;

    /// <summary>The broker answered with an error (a gRPC status other than UNAVAILABLE), e.g. NOT_FOUND with 2273.</summary>
    public const int RpcError = 2;

    /// <summary>The broadcast returned 0: a BSF_QUERY recipient denied it, or a BSF_NOHANG recipient hung.</summary>
    public const int Vetoed = 3;

    /// <summary>The broker could not be reached (gRPC UNAVAILABLE): not running, wrong --address, or stopping.</summary>
    public const int Unavailable = 4;

    /// <summary>A call was interrupted by Ctrl+C before it finished (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>The exit code section of `notify --help`.</summary>
    public const string HelpText =
        """
        Exit codes:
          0    ok (a subscription stopped with Ctrl+C included)
          1    usage error (bad command line, unknown BSF_/BSM_ name, unparsable value)
          2    the broker returned an error (gRPC status + Win32/NERR code on stderr)
          3    broadcast vetoed: it returned 0 (BSF_QUERY denied, or a BSF_NOHANG recipient hung)
          4    broker unavailable (gRPC UNAVAILABLE: not running, wrong --address, stopping)
          130  interrupted by Ctrl+C before the call finished
        """;
}
