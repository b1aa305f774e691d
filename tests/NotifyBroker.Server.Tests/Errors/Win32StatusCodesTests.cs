using Google.Rpc;
using NotifyBroker.Core.Errors;
using Grpc.Core;
using NotifyBroker.Server.Errors;

namespace NotifyBroker.Server.Tests.Errors;

public sealed class Win32StatusCodesTests
{
    [Theory]
    [InlineData(Win32Error.NERR_NameNotFound, StatusCode.NotFound)]
    [InlineData(Win32Error.ERROR_ACCESS_DENIED, StatusCode.PermissionDenied)]
    [InlineData(Win32Error.ERROR_INVALID_PARAMETER, StatusCode.InvalidArgument)]
    [InlineData(Win32Error.ERROR_NOT_SUPPORTED, StatusCode.Unimplemented)]
    [InlineData(Win32Error.NERR_NetworkError, StatusCode.Unavailable)]
    [InlineData(Win32Error.NERR_AlreadyExists, StatusCode.AlreadyExists)]
    [InlineData(Win32Error.ERROR_TIMEOUT, StatusCode.DeadlineExceeded)]
    [InlineData(Win32Error.RPC_S_SERVER_UNAVAILABLE, StatusCode.Unavailable)]
    [InlineData(Win32Error.ERROR_BAD_NETPATH, StatusCode.Unavailable)]
    [InlineData(Win32Error.NERR_InvalidComputer, StatusCode.InvalidArgument)]
    [InlineData(Win32Error.NERR_TooManyNames, StatusCode.ResourceExhausted)]
    [InlineData(31337, StatusCode.Unknown)]
    public void Each_code_maps_to_the_status_a_client_acts_on(int code, StatusCode expected) =>
        Assert.Equal(expected, Win32StatusCodes.ToStatusCode(code));

    [Fact]
    public void The_details_carry_the_symbolic_name_the_domain_and_the_decimal_code()
    {
        var error = NotifyStatus.FromBrokerException(new BrokerException(Win32Error.NERR_NameNotFound, "No alias 'x'."));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("No alias 'x'.", error.Status.Detail);
        var rich = Assert.IsType<Google.Rpc.Status>(error.GetRpcStatus());
        Assert.Equal((int)StatusCode.NotFound, rich.Code);
        var info = Assert.Single(rich.Details).Unpack<ErrorInfo>();
        Assert.Equal("NERR_NameNotFound", info.Reason);
        Assert.Equal("notify.v1", info.Domain);
        Assert.Equal("2273", info.Metadata["code"]);
    }
}
