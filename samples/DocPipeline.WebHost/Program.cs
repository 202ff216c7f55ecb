var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDocPipeline();
var app = builder.Build();
app.MapGet("/", () => "DocPipeline web host sample");
app.Run();
