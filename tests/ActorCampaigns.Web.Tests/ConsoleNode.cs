using System.Net;
using System.Text;
using System.Text.Json;

namespace ActorCampaigns.Web.Tests;

/// <summary>
/// A Node process serving the console, with 2,000 profiles (1,500 opted in to email), and a headless Debian Chromium
/// driven by Playwright. Screenshots go to TestResults/screenshots at the repository's root, kept by CI as artifacts.
/// </summary>
public class ConsoleNode : IAsyncLifetime
{
    private readonly (string, string)[] _settings;

    public ConsoleNode() : this([])
    {
    }

    /// <param name="settings">Node settings besides the batch size.</param>
    protected ConsoleNode(params (string, string)[] settings)
    {
        _settings = settings;
    }

    public const int OptedIn = 1_500;

    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-web-").FullName;
    private IPlaywright? _playwright;

    public NodeProcess Node { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl => Node.Http.BaseAddress!.ToString().TrimEnd('/');

    public string DataDir => _dataDir;

    public async Task InitializeAsync()
    {
        // The tests open messages the moment they are sent, as no person does: no open counts as a machine's for its timing.
        Node = await NodeProcess.StartAsync(_dataDir, [("BatchSize", "100"), ("Tracking__MachineOpenSeconds", "0"), .. _settings]);
        var csv = new StringBuilder("id,email,firstName,country,emailOptIn\n");
        for (var i = 1; i <= 2_000; i++)
            csv.Append($"{i},p{i}@example.com,P{i},{(i % 2 == 0 ? "FR" : "DE")},{(i % 4 != 0 ? "true" : "false")}\n");
        var (status, _) = await Node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv");
        Assert.Equal(HttpStatusCode.OK, status);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh page (its own storage) at the given size.</summary>
    public async Task<IPage> PageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        return await context.NewPageAsync();
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(RepositoryRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ActorCampaigns.sln")))
            folder = folder.Parent;
        return folder?.FullName ?? Path.GetTempPath();
    }

    /// <summary>Creates a campaign through the API; its id.</summary>
    public async Task<string> CreateAsync(string document)
    {
        var (status, body) = await Node.SendAsync(HttpMethod.Post, "/api/campaigns", document);
        Assert.True(status == HttpStatusCode.Created, $"{status}: {body}");
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>The open pixels (tracked URLs) of the emails the outbox holds for a campaign, in order.</summary>
    public IReadOnlyList<string> OpenPixels(string campaign) =>
        File.ReadLines(Path.Combine(_dataDir, "outbox", "email.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(m => m.GetProperty("campaignId").GetString() == campaign)
            .Select(m => System.Text.RegularExpressions.Regex.Match(m.GetProperty("html").GetString()!, "\"(https?://[^\"]+/t/o/[^\"]+)\"").Groups[1].Value)
            .ToList();

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Node is not null)
            await Node.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}
