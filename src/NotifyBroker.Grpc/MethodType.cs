namespace NotifyBroker.Grpc;

/// <summary>The four kinds of gRPC method.</summary>
public enum MethodType
{
    Unary,
    ClientStreaming,
    ServerStreaming,
    DuplexStreaming,
}
