using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NotifyBroker.Core;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Engine;
using NotifyBroker.Server.Compression;
using NotifyBroker.Server.Console;
using NotifyBroker.Server.Fleet;
using NotifyBroker.Server.Http;
using NotifyBroker.Server.Notifier;
using NotifyBroker.Server.Observability;
using NotifyBroker.Server.Security;

namespace NotifyBroker.Server.Hosting;

/// <summary>
/// Builds the broker's host on Grpc.AspNetCore: Kestrel speaking HTTP/2 only (h2c with prior knowledge on http://
/// addresses), settings bound the ASP.NET Core way (appsettings.json, environment variables, command line; one
/// options type per room), the desktop chosen at run time, identity on every call (ASP.NET Core authentication,
/// authorization and rate limiting), and notify.v1.Notifier, notify.v1.Keys, grpc.health.v1 (Grpc.HealthCheck) and
/// reflection v1 and v1alpha (Grpc.AspNetCore.Server.Reflection) mapped.
/// Program.cs runs it; tests build the same host on 127.0.0.1:0.
/// </summary>
public static class BrokerHost
{
    /// <summary>Where the broker listens unless --urls (or ASPNETCORE_URLS, or "Urls") says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:50051";

    /// <summary>Kestrel's HTTP/2 stream limit per connection, unless "Kestrel:Limits:Http2:MaxStreamsPerConnection" says otherwise.</summary>
    public const int DefaultMaxStreamsPerConnection = 1000;

    /// <summary>
    /// The listen backlog (queued connections not yet accepted), unless "Kestrel:Backlog" says otherwise; Kestrel's
    /// own is 512. The OS caps it: on Linux at net.core.somaxconn (4096 on current kernels).
    /// </summary>
    public const int DefaultBacklog = 4096;

    /// <summary>The setting that overrides <see cref="DefaultBacklog"/>.</summary>
    public const string BacklogKey = "Kestrel:Backlog";

    /// <summary>The builder with every service registered; add or replace services on it, then call <see cref="Build"/>.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);

        // appsettings.json ships beside the binary: read it from there whatever the working directory is.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var defaultAddresses = !HasListenAddresses(builder.Configuration);
        if (defaultAddresses)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel((context, kestrel) => ConfigureKestrel(context.Configuration, kestrel));

        // A burst of connections (every subscriber reconnecting after a restart) waits in the listen queue while the
        // accept loop catches up; a full queue drops SYNs, and those clients retry a second or more later.
        var backlog = builder.Configuration.GetValue(BacklogKey, DefaultBacklog);
        if (backlog < 1)
        {
            throw new InvalidOperationException($"{BacklogKey} must be at least 1 (it is {backlog}).");
        }

        builder.WebHost.UseSockets(sockets => sockets.Backlog = backlog);

        // appsettings.json turns "Microsoft.AspNetCore.Hosting.Diagnostics" off: while that category is enabled at any
        // level, ASP.NET Core gives every request its own Activity and log scope, which a Subscribe stream keeps for
        // hours (~340 B each). Our own server span comes from the gRPC call observer when export is on, and the trace
        // ids in our logs from that span; with export off, log lines carry no trace id.
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff ";
            console.UseUtcTimestamp = true;
        });

        var services = builder.Services;
        services.AddOptions<BrokerOptions>().BindConfiguration(BrokerOptions.SectionName);
        services.AddOptions<DesktopOptions>().BindConfiguration(DesktopOptions.SectionName);
        var exportsTelemetry = builder.AddNotifyBrokerTelemetry();
        services.AddGrpc(grpc =>
        {
            // Outermost first: the RPC span sees the status the error rule gives a core failure.
            if (exportsTelemetry)
            {
                grpc.Interceptors.Add<RpcServerTelemetryInterceptor>();
            }

            grpc.Interceptors.Add<AuditInterceptor>();
            grpc.Interceptors.Add<BrokerErrorInterceptor>();
        });
        services.AddOptions<GrpcServiceOptions>().Configure<IConfiguration>(static (grpc, configuration) => BindGrpcOptions(configuration.GetSection(GrpcSectionName), grpc));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<NotifierService>, SubscribeMethodProvider>());
        services.AddGrpcReflection();
        builder.AddNotifySecurity();
        builder.AddNotifyHttpApi(defaultAddresses, DefaultUrl);
        builder.AddNotifyEngine();
        builder.AddNotifyFleet();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(DesktopFactory.Create);
        services.AddSingleton(static provider =>
        {
            // A received message the core could not publish is lost (and a Broadcast caller was told it was delivered):
            // the core has no logger, so it hands each such failure to us and we log it as an error.
            var listenerLog = provider.GetRequiredService<ILoggerFactory>().CreateLogger("NotifyBroker.Server.Listener");
            return new Broker(
                provider.GetRequiredService<IDesktop>(),
                provider.GetRequiredService<IOptions<BrokerOptions>>().Value,
                provider.GetRequiredService<TimeProvider>(),
                engine: provider.GetService<IBrokerEngine>(),
                listenerPublishFailed: failure => ServerLog.ListenerPublishFailed(listenerLog, failure.MessageId, failure.Origin, failure.Error));
        });
        services.AddSingleton<HealthServiceImpl>();
        services.AddSingleton<NotifierService>();
        services.AddSingleton<KeysService>();
        services.AddHostedService<BrokerLifecycle>();
        return builder;
    }

    /// <summary>The application with every gRPC service mapped.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        NetworkExposure.EnsureAllowed(app.Configuration, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NetworkExposure).FullName!));
        app.UseNotifyConsole();
        app.UseNotifyHttpApi();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        // Every Notifier and Keys call needs an identity and its scope (see the services' [Authorize]); health is
        // anonymous, so probes and load balancers need no key; reflection needs an identity unless configured open.
        // gRPC-Web (grpc-web and grpc-web-text) for the services a browser calls; reflection stays gRPC only.
        app.MapGrpcService<NotifierService>().EnableGrpcWeb();
        app.MapGrpcService<KeysService>().EnableGrpcWeb();
        app.MapGrpcService<HealthServiceImpl>().AllowAnonymous().EnableGrpcWeb();
        var reflection = app.MapGrpcReflectionService();
        if (app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.AnonymousReflection)
        {
            reflection.AllowAnonymous();
        }

        app.MapNotifyHttpApi();
        return app;
    }

    /// <summary>True when configuration names where to listen (urls, HTTP(S)_PORTS or Kestrel endpoints): then no default.</summary>
    private static bool HasListenAddresses(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey]) ||
        !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpPortsKey]) ||
        !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey]) ||
        configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    /// <summary>The configuration section of the gRPC options (kept from the broker's own layer, so existing settings still apply).</summary>
    public const string GrpcSectionName = "Grpc";

    /// <summary>
    /// "Grpc:*" onto Grpc.AspNetCore's options: MaxReceiveMessageSize, MaxSendMessageSize, EnableDetailedErrors and
    /// ResponseCompressionLevel by their own names, and ResponseCompression (e.g. "gzip") as ResponseCompressionAlgorithm.
    /// </summary>
    private static void BindGrpcOptions(IConfigurationSection section, GrpcServiceOptions grpc)
    {
        section.Bind(grpc);
        if (section["ResponseCompression"] is { Length: > 0 } algorithm)
        {
            grpc.ResponseCompressionAlgorithm = algorithm.Trim();
        }

        // Grpc.AspNetCore's defaults (gzip, deflate) are in place by now; its gzip sends empty messages as 0 bytes.
        var gzip = grpc.CompressionProviders.ToList().FindIndex(static p => p.EncodingName == "gzip");
        var whole = new WholeGzipCompressionProvider(grpc.ResponseCompressionLevel ?? System.IO.Compression.CompressionLevel.Fastest);
        if (gzip >= 0)
        {
            grpc.CompressionProviders[gzip] = whole;
        }
        else
        {
            grpc.CompressionProviders.Add(whole);
        }
    }

    private static void ConfigureKestrel(IConfiguration configuration, KestrelServerOptions kestrel)
    {
        // gRPC needs HTTP/2; with Http2 alone, http:// endpoints speak h2c with prior knowledge (no upgrade dance) and
        // https:// ones offer only h2 by ALPN (a client offering only http/1.1 gets the no_application_protocol alert).
        // This applies to every endpoint: --urls (https:// with Kestrel:Certificates:Default) and each
        // Kestrel:Endpoints:<name> (Url and Certificate: PEM Path+KeyPath, or PFX Path+Password); an endpoint's own
        // Protocols setting wins. Certificate paths that are not absolute are resolved against the content root, the
        // broker's own directory.
        kestrel.ConfigureEndpointDefaults(static listen => listen.Protocols = HttpProtocols.Http2);

        // Subscriptions are long-lived streams: let many share a connection instead of Kestrel's 100, and ping idle
        // connections so a vanished client's streams (and its subscriptions' cursors) are let go.
        var http2 = kestrel.Limits.Http2;
        http2.MaxStreamsPerConnection = DefaultMaxStreamsPerConnection;
        http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
        http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

        // Configuration wins over the defaults above: "Kestrel:Limits:Http2:MaxStreamsPerConnection" and friends.
        configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits);
    }
}
