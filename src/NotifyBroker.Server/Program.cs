// The NotifyBroker host: `dotnet run --project src/NotifyBroker.Server [-- --urls http://127.0.0.1:6000]`.
using NotifyBroker.Server.Hosting;

var app = BrokerHost.Build(BrokerHost.CreateBuilder(args));
await app.RunAsync().ConfigureAwait(false);
