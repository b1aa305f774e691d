using Google.Protobuf.Reflection;

namespace NotifyBroker.Grpc.Services.Reflection;

/// <summary>
/// Everything reflection can tell about a set of services: their names, every .proto file they are declared in or
/// depend on (transitively), which file declares each fully-qualified symbol, and the extensions of each message.
/// Built once from the services' descriptors, so it needs no .proto files at run time. Immutable, thread-safe.
/// </summary>
public sealed class DescriptorCatalog
{
    private readonly Dictionary<string, FileDescriptor> _filesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _filesBySymbol = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<int, FileDescriptor>> _extensionsByType = new(StringComparer.Ordinal);
    private readonly HashSet<string> _messageNames = new(StringComparer.Ordinal);

    public DescriptorCatalog(IEnumerable<ServiceDescriptor> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var names = new List<string>();
        foreach (var service in services)
        {
            if (!names.Contains(service.FullName, StringComparer.Ordinal))
            {
                names.Add(service.FullName);
            }

            AddFile(service.File);
        }

        ServiceNames = names;
    }

    /// <summary>The fully-qualified names of the services, in the order given, without duplicates.</summary>
    public IReadOnlyList<string> ServiceNames { get; }

    public FileDescriptor? FindFileByName(string fileName) => _filesByName.GetValueOrDefault(fileName);

    /// <summary>The file declaring a service, method, message, field, oneof, enum or enum value, by its full name.</summary>
    public FileDescriptor? FindFileContainingSymbol(string fullName) =>
        _filesBySymbol.GetValueOrDefault(fullName.StartsWith('.') ? fullName[1..] : fullName);

    /// <summary>The file declaring extension <paramref name="number"/> of message <paramref name="containingType"/>.</summary>
    public FileDescriptor? FindFileContainingExtension(string containingType, int number) =>
        _extensionsByType.TryGetValue(containingType, out var extensions) ? extensions.GetValueOrDefault(number) : null;

    /// <summary>
    /// The extension numbers known for message <paramref name="typeName"/> (empty for a message without any, as every
    /// proto3 message is), or null when no such message is known.
    /// </summary>
    public IReadOnlyCollection<int>? FindExtensionNumbers(string typeName)
    {
        if (!_messageNames.Contains(typeName))
        {
            return null;
        }

        return _extensionsByType.TryGetValue(typeName, out var extensions) ? extensions.Keys : [];
    }

    /// <summary>
    /// <paramref name="file"/> followed by its transitive dependencies (breadth-first, each once), leaving out the
    /// dependencies whose names <paramref name="alreadySent"/> holds and adding the names of those returned to it.
    /// The requested file itself is always returned.
    /// </summary>
    public static List<FileDescriptor> WithDependencies(FileDescriptor file, ISet<string> alreadySent)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(alreadySent);
        var result = new List<FileDescriptor> { file };
        var queued = new HashSet<string>(StringComparer.Ordinal) { file.Name };
        alreadySent.Add(file.Name);
        for (var i = 0; i < result.Count; i++)
        {
            foreach (var dependency in result[i].Dependencies)
            {
                if (queued.Add(dependency.Name) && alreadySent.Add(dependency.Name))
                {
                    result.Add(dependency);
                }
            }
        }

        return result;
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_filesByName.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }

        foreach (var service in file.Services)
        {
            AddSymbol(service.FullName, file);
            foreach (var method in service.Methods)
            {
                AddSymbol(method.FullName, file);
            }
        }

        foreach (var message in file.MessageTypes)
        {
            AddMessage(message, file);
        }

        foreach (var enumType in file.EnumTypes)
        {
            AddEnum(enumType, file.Package, file);
        }

        foreach (var extension in file.Extensions.UnorderedExtensions)
        {
            AddExtension(extension, file);
        }
    }

    private void AddMessage(MessageDescriptor message, FileDescriptor file)
    {
        AddSymbol(message.FullName, file);
        _messageNames.Add(message.FullName);
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            AddSymbol(field.FullName, file);
        }

        foreach (var oneof in message.Oneofs)
        {
            AddSymbol(oneof.FullName, file);
        }

        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested, file);
        }

        foreach (var enumType in message.EnumTypes)
        {
            AddEnum(enumType, message.FullName, file);
        }

        foreach (var extension in message.Extensions.UnorderedExtensions)
        {
            AddExtension(extension, file);
        }
    }

    private void AddEnum(EnumDescriptor enumType, string scope, FileDescriptor file)
    {
        AddSymbol(enumType.FullName, file);

        // Protobuf scopes enum values like C++ enumerators: as siblings of their enum, not children of it
        // ("pkg.Outer.VALUE", not "pkg.Outer.Kind.VALUE"), which is how protoc and other servers name them.
        foreach (var value in enumType.Values)
        {
            AddSymbol(scope.Length == 0 ? value.Name : scope + "." + value.Name, file);
        }
    }

    private void AddExtension(FieldDescriptor extension, FileDescriptor file)
    {
        AddSymbol(extension.FullName, file);
        var extendee = extension.ExtendeeType.FullName;
        if (!_extensionsByType.TryGetValue(extendee, out var numbers))
        {
            numbers = [];
            _extensionsByType[extendee] = numbers;
        }

        numbers[extension.FieldNumber] = file;
    }

    // A symbol is declared in exactly one file of a valid descriptor set; keep the first if two files claim it.
    private void AddSymbol(string fullName, FileDescriptor file) => _filesBySymbol.TryAdd(fullName, file);
}
