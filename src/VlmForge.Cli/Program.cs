return VlmForge.Cli.CliApp.Run(args);
