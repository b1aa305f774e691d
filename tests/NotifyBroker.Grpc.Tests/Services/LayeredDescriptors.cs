using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace NotifyBroker.Grpc.Tests.Services;

/// <summary>
/// A three-level descriptor set built in memory, for reflection tests that need imports, nesting and package scoping:
/// nbtest/api.proto (service nbtest.api.Api) imports nbtest/common.proto (messages with nested types, an enum, a oneof),
/// which imports google/protobuf/timestamp.proto. Nothing in it has generated code: reflection must work from the
/// descriptors alone.
/// </summary>
internal static class LayeredDescriptors
{
    public const string ApiFile = "nbtest/api.proto";
    public const string CommonFile = "nbtest/common.proto";
    public const string TimestampFile = "google/protobuf/timestamp.proto";

    private static readonly Lazy<IReadOnlyList<FileDescriptor>> Files = new(Build);

    /// <summary>nbtest.api.Api.</summary>
    public static ServiceDescriptor ApiService => Files.Value.Single(f => f.Name == ApiFile).Services.Single();

    private static IReadOnlyList<FileDescriptor> Build()
    {
        var common = new FileDescriptorProto
        {
            Name = CommonFile,
            Package = "nbtest.common",
            Syntax = "proto3",
            Dependency = { TimestampFile },
            EnumType =
            {
                new EnumDescriptorProto
                {
                    Name = "Color",
                    Value = { new EnumValueDescriptorProto { Name = "COLOR_UNSPECIFIED", Number = 0 }, new EnumValueDescriptorProto { Name = "COLOR_RED", Number = 1 } },
                },
            },
            MessageType =
            {
                new DescriptorProto
                {
                    Name = "Stamp",
                    Field =
                    {
                        Field("at", 1, FieldDescriptorProto.Types.Type.Message, ".google.protobuf.Timestamp"),
                        Field("inner", 2, FieldDescriptorProto.Types.Type.Message, ".nbtest.common.Stamp.Inner"),
                        Field("kind", 3, FieldDescriptorProto.Types.Type.Enum, ".nbtest.common.Stamp.Kind"),
                        Field("name", 4, FieldDescriptorProto.Types.Type.String, oneofIndex: 0),
                        Field("number", 5, FieldDescriptorProto.Types.Type.Int32, oneofIndex: 0),
                    },
                    OneofDecl = { new OneofDescriptorProto { Name = "label" } },
                    NestedType = { new DescriptorProto { Name = "Inner", Field = { Field("depth", 1, FieldDescriptorProto.Types.Type.Int32) } } },
                    EnumType =
                    {
                        new EnumDescriptorProto
                        {
                            Name = "Kind",
                            Value = { new EnumValueDescriptorProto { Name = "KIND_UNSPECIFIED", Number = 0 }, new EnumValueDescriptorProto { Name = "KIND_DEEP", Number = 1 } },
                        },
                    },
                },
            },
        };

        var api = new FileDescriptorProto
        {
            Name = ApiFile,
            Package = "nbtest.api",
            Syntax = "proto3",
            Dependency = { CommonFile },
            Service =
            {
                new ServiceDescriptorProto
                {
                    Name = "Api",
                    Method =
                    {
                        new MethodDescriptorProto { Name = "Get", InputType = ".nbtest.common.Stamp", OutputType = ".nbtest.common.Stamp" },
                    },
                },
            },
        };

        // Dependencies first, as BuildFromByteStrings requires.
        return FileDescriptor.BuildFromByteStrings(
        [
            TimestampReflection.Descriptor.SerializedData,
            common.ToByteString(),
            api.ToByteString(),
        ]);
    }

    private static FieldDescriptorProto Field(
        string name, int number, FieldDescriptorProto.Types.Type type, string? typeName = null, int? oneofIndex = null)
    {
        var field = new FieldDescriptorProto
        {
            Name = name,
            JsonName = name,
            Number = number,
            Type = type,
            Label = FieldDescriptorProto.Types.Label.Optional,
        };
        if (typeName is not null)
        {
            field.TypeName = typeName;
        }

        if (oneofIndex is not null)
        {
            field.OneofIndex = oneofIndex.Value;
        }

        return field;
    }
}
