import ArgumentParser

@main
struct BackroomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backroom",
        abstract: "An e-commerce backend with a terminal admin console.",
        subcommands: [
            MigrateCommand.self,
            SeedCommand.self,
            UserCommand.self,
            CheckCommand.self,
            ImportCommand.self,
            ExportCommand.self,
            CopyCommand.self,
            BackupCommand.self,
            RestoreCommand.self,
            WebhooksCommand.self,
            SettingsCommand.self,
            ServeCommand.self,
            ConsoleCommand.self,
            LoadgenCommand.self,
            BenchCommand.self,
        ]
    )
}
