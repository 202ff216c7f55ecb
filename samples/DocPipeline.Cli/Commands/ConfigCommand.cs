using System.CommandLine;
using DocPipeline.Cli.Configuration;
using DocPipeline.Configuration;

namespace DocPipeline.Cli.Commands;

/// <summary><c>docpipe config show|init</c>: the effective configuration and where each value came from; a commented file with every default.</summary>
internal static class ConfigCommand
{
    public static Command Create(CliOptions common)
    {
        var show = new Command("show", "Show the effective configuration and the source of every value (default, file, environment, flag).");
        show.SetAction(parse => Show(common, parse));

        var path = new Option<string>("--path")
        {
            Description = "Where to write the file. It is never overwritten.",
            DefaultValueFactory = _ => "config.yaml",
        };
        var init = new Command("init", "Write a commented config.yaml with every key at its default.") { path };
        init.SetAction(parse => Init(new CliOutput(parse.GetValue(common.Json)), Path.GetFullPath(parse.GetValue(path)!)));

        return new Command("config", "Show or write the configuration (config.yaml, appsettings.json, DOCPIPELINE__* variables, --set flags).") { show, init };
    }

    private static int Show(CliOptions common, ParseResult parse)
    {
        var output = new CliOutput(parse.GetValue(common.Json));
        if (CliConfiguration.TryLoad(common, parse, output) is not { } configuration)
        {
            return ExitCodes.Usage;
        }

        if (output.IsJson)
        {
            output.WriteJson(new { configuration.File, configuration.Settings });
            return ExitCodes.Success;
        }

        output.Line($"configuration file: {configuration.File ?? "none (defaults, appsettings.json, environment and flags only)"}");
        var width = configuration.Settings.Max(s => s.Key.Length);
        foreach (var setting in configuration.Settings)
        {
            var source = setting.Origin is null ? setting.Source : $"{setting.Source} {setting.Origin}";
            output.Line($"{setting.Key.PadRight(width)}  {setting.Value ?? "(unset)"}  [{source}]");
        }

        return ExitCodes.Success;
    }

    private static int Init(CliOutput output, string path)
    {
        if (File.Exists(path) || Directory.Exists(path))
        {
            return output.Error($"'{path}' exists and is never overwritten; pass --path to write the file elsewhere.", ExitCodes.Usage);
        }

        try
        {
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new StreamWriter(file))
            {
                writer.Write(DocPipelineConfiguration.CreateYamlTemplate());
            }
        }
        catch (IOException ex) when (File.Exists(path))
        {
            return output.Error($"'{path}' exists and is never overwritten: {ex.Message}", ExitCodes.Usage);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return output.Error($"Cannot write '{path}': {ex.Message}", ExitCodes.Storage);
        }

        if (output.IsJson)
        {
            output.WriteJson(new { Path = path });
        }
        else
        {
            output.Line($"wrote {path}: every key at its default; edit it, then run docpipe from this folder (or pass --config {path}).");
        }

        return ExitCodes.Success;
    }
}
