using Microsoft.Extensions.FileProviders;

namespace NotifyBroker.Server.Console;

/// <summary>The web console: static files at / of the HTTP/1.1 endpoint.</summary>
internal static class ConsoleHostingExtensions
{
    /// <summary>
    /// What a console page may load: its own scripts, styles and images only (no inline script or style, no other
    /// origin), and it may only call back to the broker that served it.
    /// </summary>
    internal const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Serves the console's files (before authentication: they hold no secret and need no identity) from the wwwroot
    /// folder beside the binary. Every endpoint serves them; a browser reaches only the HTTP/1.1 one, since the gRPC
    /// endpoints speak HTTP/2 alone (h2c with prior knowledge on http://), which browsers do not.
    /// </summary>
    public static WebApplication UseNotifyConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, DefaultFileNames = ["index.html"] });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = static context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";

                // The console is small and changes with the broker: always revalidate, so an upgrade is seen at once.
                headers.CacheControl = "no-cache";
            },
        });
        return app;
    }
}
