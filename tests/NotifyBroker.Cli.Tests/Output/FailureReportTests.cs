using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using NotifyBroker.Cli.Output;
using NotifyBroker.Client;
using Grpc.Core;
using GrpcStatus = Grpc.Core.Status;
using StatusCode = Grpc.Core.StatusCode;

namespace NotifyBroker.Cli.Tests.Output;

public sealed class FailureReportTests
{
    private const string Address = "http://127.0.0.1:50051";

    [Fact]
    public void A_known_Win32_code_reads_like_NET_SEND_with_the_gRPC_status_after_it()
    {
        var failure = Failure(StatusCode.NotFound, "No alias 'BOB'.", "NERR_NameNotFound", 2273);

        Assert.Equal(
            "notify: error 2273 (NERR_NameNotFound): The message alias could not be found on the network. [gRPC NOT_FOUND: No alias 'BOB'.]",
            FailureReport.Describe(failure, Address));
    }

    [Fact]
    public void A_code_without_a_known_text_shows_the_brokers_message()
    {
        var failure = Failure(StatusCode.Unknown, "Something odd.", "WIN32_31", 31);

        Assert.Equal("notify: error 31 (WIN32_31): Something odd. [gRPC UNKNOWN: Something odd.]", FailureReport.Describe(failure, Address));
    }

    [Fact]
    public void A_stopping_broker_is_told_apart_from_an_unreachable_one_but_both_exit_4()
    {
        var stopping = Failure(StatusCode.Unavailable, "Shutting down.", NotifyException.BrokerStoppingReason, code: null);
        var unreachable = new NotifyException(new RpcException(new GrpcStatus(StatusCode.Unavailable, "Connection refused")));

        Assert.Equal("notify: the broker is stopping (BROKER_STOPPING). [gRPC UNAVAILABLE: Shutting down.]", FailureReport.Describe(stopping, Address));
        Assert.Equal($"notify: cannot reach the broker at {Address}. [gRPC UNAVAILABLE: Connection refused]", FailureReport.Describe(unreachable, Address));
        Assert.Equal(ExitCodes.Unavailable, FailureReport.Write(stopping, Address, TextWriter.Null));
        Assert.Equal(ExitCodes.Unavailable, FailureReport.Write(unreachable, Address, TextWriter.Null));
    }

    [Fact]
    public void Other_statuses_exit_2_and_keep_multi_line_details_on_one_line()
    {
        var failure = new NotifyException(new RpcException(new GrpcStatus(StatusCode.Internal, "line one\nline two")));
        var stderr = new StringWriter();

        Assert.Equal(ExitCodes.RpcError, FailureReport.Write(failure, Address, stderr));
        Assert.Equal("notify: the call failed. [gRPC INTERNAL: line one line two]" + Environment.NewLine, stderr.ToString());
    }

    [Theory]
    [InlineData(StatusCode.OK, "OK")]
    [InlineData(StatusCode.InvalidArgument, "INVALID_ARGUMENT")]
    [InlineData(StatusCode.DeadlineExceeded, "DEADLINE_EXCEEDED")]
    [InlineData(StatusCode.Unauthenticated, "UNAUTHENTICATED")]
    public void Status_codes_print_by_their_canonical_names(StatusCode code, string name) => Assert.Equal(name, StatusCodeNames.NameOf(code));

    private static NotifyException Failure(StatusCode status, string message, string reason, int? code)
    {
        var info = new ErrorInfo { Reason = reason, Domain = NotifyException.BrokerDomain };
        if (code is { } value)
        {
            info.Metadata.Add("code", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var rich = new Google.Rpc.Status { Code = (int)status, Message = message };
        rich.Details.Add(Any.Pack(info));
        return new NotifyException(rich.ToRpcException(status, message));
    }
}
