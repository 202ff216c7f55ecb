using DocPipeline.Qdrant.Emulator;

// Serves the Qdrant emulator (a test double, see QdrantEmulator) on a loopback port until stdin closes or the process
// is stopped. Usage: dotnet DocPipeline.Qdrant.Emulator.dll [port]. The first line on stdout is "listening <endpoint>".
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
await using var emulator = await QdrantEmulator.StartAsync(port);
Console.WriteLine($"listening {emulator.Endpoint}");
Console.Out.Flush();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
await Task.WhenAny(stdinClosed, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
