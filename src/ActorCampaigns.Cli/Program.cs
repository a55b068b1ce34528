using ActorCampaigns.Cli;

// acctl <host:port> <palette> <command> [args] [--json] [--key KEY]; no command: an interactive prompt.
return await Acctl.RunAsync(args, new Terminal(Console.In, Console.Out, Console.Error));
