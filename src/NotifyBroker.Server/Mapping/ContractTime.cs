using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Core.Errors;
using NotifyBroker.Server.Errors;

namespace NotifyBroker.Server.Mapping;

/// <summary>google.protobuf.Timestamp and Duration from a request, refusing values outside their documented ranges.</summary>
internal static class ContractTime
{
    /// <summary>The duration, or zero when the field is unset. Negative or malformed durations are refused.</summary>
    public static TimeSpan ToTimeSpanOrZero(Duration? duration, string field)
    {
        if (duration is null)
        {
            return TimeSpan.Zero;
        }

        TimeSpan value;
        try
        {
            value = duration.ToTimeSpan();
        }
        catch (Exception error) when (error is InvalidOperationException or ArgumentException or OverflowException)
        {
            throw NotifyStatus.FromWin32(Win32Error.ERROR_INVALID_PARAMETER, $"{field} is not a valid duration: {error.Message}");
        }

        if (value < TimeSpan.Zero)
        {
            throw NotifyStatus.FromWin32(Win32Error.ERROR_INVALID_PARAMETER, $"{field} must not be negative.");
        }

        return value;
    }

    public static DateTimeOffset ToDateTimeOffset(Timestamp timestamp, string field)
    {
        try
        {
            return timestamp.ToDateTimeOffset();
        }
        catch (Exception error) when (error is InvalidOperationException or ArgumentException)
        {
            throw NotifyStatus.FromWin32(Win32Error.ERROR_INVALID_PARAMETER, $"{field} is not a valid timestamp: {error.Message}");
        }
    }

    public static Timestamp ToTimestamp(DateTimeOffset time) => Timestamp.FromDateTimeOffset(time);
}
