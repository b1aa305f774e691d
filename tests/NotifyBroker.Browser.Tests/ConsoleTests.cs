using Microsoft.Playwright;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Browser.Tests;

/// <summary>
/// The web console in headless chromium against the real broker (a process of its own, in-memory desktop with one
/// simulated window that denies BSF_QUERY broadcasts), signed in with the admin key.
/// </summary>
[Trait("Category", "Browser")]
public sealed class ConsoleTests : IAsyncLifetime
{
    /// <summary>A guard against hangs only: every wait is for a condition.</summary>
    private const float Patience = 30_000;

    private readonly BrokerProcessState _state = new();
    private BrokerProcess? _broker;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly List<string> _consoleErrors = [];

    private BrokerProcess Broker => _broker!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("NB_CHROMIUM") is { Length: > 0 } chromium ? chromium : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _broker?.Dispose();
        _state.Dispose();
    }

    /// <summary>
    /// Starts the broker, once per test. A window that denies queries vetoes every synchronous broadcast (the core
    /// sends those as BSF_QUERY), so only the veto test asks for one.
    /// </summary>
    private async Task StartBrokerAsync(bool withVetoer = false)
    {
        if (_broker is not null)
        {
            return;
        }

        string[] vetoer =
        [
            "Desktop:InMemory:Windows:0:Name=Vetoer",
            "Desktop:InMemory:Windows:0:ProcessId=4242",
            "Desktop:InMemory:Windows:0:DeniesQueries=true",
        ];
        _broker = await BrokerProcess.StartWithHttpAsync("http://127.0.0.1:0", _state, withVetoer ? vetoer : []);
    }

    private async Task<IPage> OpenAsync(string fragment = "")
    {
        await StartBrokerAsync();
        var context = await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 950 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Patience);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_consoleErrors)
                {
                    _consoleErrors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_consoleErrors)
            {
                _consoleErrors.Add(error);
            }
        };
        await page.GotoAsync(Broker.HttpAddress + "/" + fragment);
        return page;
    }

    private async Task<IPage> SignedInAsync(string holdAlias = "", string messageFilter = "")
    {
        var page = await OpenAsync();
        await page.FillAsync("#key", _state.AdminKey);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Connected · live", new() { Timeout = Patience });
        if (holdAlias.Length > 0)
        {
            // The filters live in the workspace, shown once signed in; Apply starts a new subscription holding the alias.
            // Held aliases are filters too, so window messages need a filter of their own.
            await page.FillAsync("#f-hold", holdAlias);
            await page.FillAsync("#f-ids", messageFilter);
            await page.ClickAsync("#filter-form button[type=submit]");
            await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Connected · live", new() { Timeout = Patience });
        }

        return page;
    }

    private void NoConsoleErrors()
    {
        lock (_consoleErrors)
        {
            Assert.Empty(_consoleErrors);
        }
    }

    [Fact]
    public async Task Opens_signed_in_with_the_admin_key_and_connects()
    {
        var page = await SignedInAsync();
        await Assertions.Expect(page.Locator("#workspace")).ToBeVisibleAsync();
        var csp = (await page.Context.APIRequest.GetAsync(Broker.HttpAddress + "/")).Headers["content-security-policy"];
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        NoConsoleErrors();
    }

    [Fact]
    public async Task A_key_in_the_fragment_signs_in_and_leaves_the_address_bar()
    {
        var page = await OpenAsync("#key=" + _state.AdminKey);
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Connected · live", new() { Timeout = Patience });
        Assert.DoesNotContain("key=", page.Url, StringComparison.Ordinal);
        NoConsoleErrors();
    }

    [Fact]
    public async Task A_send_from_the_form_appears_in_the_tail()
    {
        var page = await SignedInAsync(holdAlias: "console", messageFilter: "WM_SETTINGCHANGE");
        await page.FillAsync("#s-name", "console");
        await page.FillAsync("#s-text", "hello from the form");
        await page.FillAsync("#s-from", "tester");
        await page.ClickAsync("#send-form button[type=submit]");
        await Assertions.Expect(page.Locator("#send-result")).ToContainTextAsync("recipients", new() { Timeout = Patience });
        var row = page.Locator("#events .event.alias").Filter(new() { HasText = "hello from the form" });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Patience });
        await Assertions.Expect(row).ToContainTextAsync("tester");

        // A broadcast with a text payload, for the screenshot's variety: WM_SETTINGCHANGE "Environment".
        await page.FillAsync("#bc-message", "WM_SETTINGCHANGE");
        await page.FillAsync("#bc-text", "Environment");
        await page.ClickAsync("#broadcast-form button[type=submit]");
        await Assertions.Expect(page.Locator("#events .event.window").First).ToContainTextAsync("WM_SETTINGCHANGE", new() { Timeout = Patience });

        var artifacts = Environment.GetEnvironmentVariable("NB_ARTIFACTS") is { Length: > 0 } folder ? folder : Path.GetTempPath();
        Directory.CreateDirectory(artifacts);
        // The header is sticky: from the top, a full-page capture shows it where it belongs.
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "console.png"), FullPage = true });
        NoConsoleErrors();
    }

    [Fact]
    public async Task A_vetoed_query_broadcast_shows_the_denier()
    {
        await StartBrokerAsync(withVetoer: true);
        var page = await SignedInAsync();
        await page.CheckAsync("#bsf-BSF_QUERY");
        await page.FillAsync("#bc-message", "0x8001");
        await page.ClickAsync("#broadcast-form button[type=submit]");
        var result = page.Locator("#broadcast-result");
        await Assertions.Expect(result).ToContainTextAsync("denied by", new() { Timeout = Patience });
        await Assertions.Expect(result).ToContainTextAsync("Vetoer");
        NoConsoleErrors();
    }

    [Fact]
    public async Task A_reload_resumes_without_a_gap()
    {
        var page = await SignedInAsync(holdAlias: "again");
        await page.FillAsync("#s-name", "again");
        await page.FillAsync("#s-text", "before the reload");
        await page.ClickAsync("#send-form button[type=submit]");
        await Assertions.Expect(page.Locator("#events .event.alias")).ToHaveCountAsync(1, new() { Timeout = Patience });
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#resume-note")).ToHaveTextAsync("Resumed without a gap", new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Connected · live", new() { Timeout = Patience });
        NoConsoleErrors();
    }

    [Fact]
    public async Task A_bad_key_shows_a_clear_message()
    {
        var page = await OpenAsync();
        await page.FillAsync("#key", "nbk_0123456789ab_not-a-real-secret");
        await page.ClickAsync("#sign-in-form button[type=submit]");
        var error = page.Locator("#sign-in-error");
        await Assertions.Expect(error).ToBeVisibleAsync(new() { Timeout = Patience });
        await Assertions.Expect(error).ToContainTextAsync("does not accept this key");
        await Assertions.Expect(page.Locator("#workspace")).ToBeHiddenAsync();
    }
}
