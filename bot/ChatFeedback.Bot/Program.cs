using ChatFeedback.Adapters.Teams;
using ChatFeedback.Adapters.Telegram;
using ChatFeedback.Adapters.WebChat;
using ChatFeedback.Bot.Api;
using ChatFeedback.Bot.Assessment;
using ChatFeedback.Bot.Cases;
using ChatFeedback.Bot.Channels;
using ChatFeedback.Bot.Cli;
using ChatFeedback.Bot.Conversations;
using ChatFeedback.Bot.Effects;
using ChatFeedback.Bot.Flows;
using ChatFeedback.Bot.Health;
using ChatFeedback.Bot.Invitations;
using ChatFeedback.Bot.Purchases;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Scheduling;
using ChatFeedback.Bot.Sessions;

// A command (`flows validate`…) runs instead of the web host; an unknown one prints the usage and exits with 2.
if (CommandLine.Run(args) is { } exitCode)
{
    return exitCode;
}

// The host's own files are next to the executable; the working directory stays the caller's (UserPaths).
var builder = WebApplication.CreateBuilder(CommandLine.HostArguments(args));
builder.WebHost.UseStaticWebAssets();

builder.Services.AddProblemDetails();
builder.AddFlows();
builder.AddSessions();
builder.AddRecords();
builder.AddEffects();
builder.AddConversations();
builder.AddScheduling();
builder.AddAssessment();
builder.AddHealth();
builder.AddApiKeys();
builder.Services.AddWebChat(builder.Configuration);
builder.AddTelegramChannel();
builder.Services.AddTeams(builder.Configuration);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapHealth();
app.MapWebChat();
app.MapTelegram();
app.MapTeams();
app.MapSurveyLinks();
app.MapPurchases();
app.MapCases();
app.MapAssessment();

await app.RunAsync();
return 0;

/// <summary>The web host's entry point; public so <c>WebApplicationFactory&lt;Program&gt;</c> can start it in tests.</summary>
public partial class Program;
