using ChatFeedback.Adapters.Teams;
using ChatFeedback.Adapters.Telegram;
using ChatFeedback.Adapters.WebChat;
using ChatFeedback.Bot.Api;
using ChatFeedback.Bot.Assessment;
using ChatFeedback.Bot.Cases;
using ChatFeedback.Bot.Channels;
using ChatFeedback.Bot.Conversations;
using ChatFeedback.Bot.Effects;
using ChatFeedback.Bot.Flows;
using ChatFeedback.Bot.Health;
using ChatFeedback.Bot.Invitations;
using ChatFeedback.Bot.Purchases;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Scheduling;
using ChatFeedback.Bot.Sessions;

// `flows validate|simulate|test`: the flow tools run instead of the web host.
if (FlowsCli.IsCommand(args))
{
    return new FlowsCli(Console.In, Console.Out, Console.Error, TimeProvider.System) { EchoInput = Console.IsInputRedirected }.Run(args);
}

// `triage assess|evaluate`: the severity rules' tools run instead of the web host.
if (TriageCli.IsCommand(args))
{
    return await new TriageCli(Console.Out, Console.Error).RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

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
