using System.Text;
using Grpc.Core;

namespace NotifyBroker.Cli.Output;

/// <summary>gRPC status codes by their canonical names (NOT_FOUND), as the gRPC spec and every other tool print them.</summary>
internal static class StatusCodeNames
{
    public static string NameOf(StatusCode code)
    {
        if (!Enum.IsDefined(code))
        {
            return ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // OK stays OK; NotFound becomes NOT_FOUND.
        var pascal = code.ToString();
        if (pascal.All(char.IsUpper))
        {
            return pascal;
        }

        var upper = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]))
            {
                upper.Append('_');
            }

            upper.Append(char.ToUpperInvariant(pascal[i]));
        }

        return upper.ToString();
    }
}
