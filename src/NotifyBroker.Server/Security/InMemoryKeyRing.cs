using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace NotifyBroker.Server.Security;

/// <summary>
/// Data protection's key ring kept in memory. Authentication brings ASP.NET Core data protection, which nothing here
/// uses (no cookies, no protected payloads), and by default it writes a key ring into the user's profile and warns
/// that it is unencrypted on every start.
/// </summary>
internal sealed class InMemoryKeyRing : IXmlRepository
{
    private readonly Lock _sync = new();
    private readonly List<XElement> _elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_sync)
        {
            return [.. _elements.Select(static e => new XElement(e))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_sync)
        {
            _elements.Add(new XElement(element));
        }
    }
}
