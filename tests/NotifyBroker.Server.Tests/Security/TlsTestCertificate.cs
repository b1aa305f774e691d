using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>
/// A self-signed server certificate made for one test (ECDSA P-256, CN=localhost, SANs localhost, 127.0.0.1 and ::1,
/// serverAuth), written to a temporary folder in every form Kestrel loads from configuration: PEM certificate with a
/// plain or a password-encrypted PKCS#8 PEM key, and a password-protected PFX. Clients trust exactly this
/// certificate (custom root trust), so name and chain checks still run.
/// </summary>
internal sealed class TlsTestCertificate : IDisposable
{
    public const string Password = "tls-test-password";

    private TlsTestCertificate(X509Certificate2 certificate, string directory)
    {
        Certificate = certificate;
        Directory = directory;
    }

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The temporary folder holding the files (removed on dispose); also a place for the broker's key store.</summary>
    public string Directory { get; }

    public string CertificatePemPath => Path.Combine(Directory, "broker.crt.pem");

    public string KeyPemPath => Path.Combine(Directory, "broker.key.pem");

    public string EncryptedKeyPemPath => Path.Combine(Directory, "broker.key.encrypted.pem");

    public string PfxPath => Path.Combine(Directory, "broker.pfx");

    public static TlsTestCertificate Create()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("nb-tls-").FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());

        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        var files = new TlsTestCertificate(certificate, directory);
        File.WriteAllText(files.CertificatePemPath, certificate.ExportCertificatePem());
        File.WriteAllText(files.KeyPemPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(files.EncryptedKeyPemPath, key.ExportEncryptedPkcs8PrivateKeyPem(
            Password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, iterationCount: 10_000)));
        File.WriteAllBytes(files.PfxPath, certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, Password));
        return files;
    }

    /// <summary>A chain policy that trusts this certificate and nothing else (no revocation check: it has no CRL).</summary>
    public X509ChainPolicy TrustOnlyThis()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(Certificate.RawData));
        return policy;
    }

    /// <summary>An HTTP handler for Grpc.Net.Client that trusts this certificate (host names are still checked).</summary>
    public SocketsHttpHandler TrustingHandler() => new()
    {
        SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = TrustOnlyThis() },
        EnableMultipleHttp2Connections = true,
    };

    public void Dispose()
    {
        Certificate.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a stopping host: the temp folder is cleaned up by the OS eventually.
        }
    }
}
