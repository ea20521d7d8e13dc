import ArgumentParser
import BackroomApp
import BackroomCore
import BackroomHTTP
import Foundation

/// The server's flags. Each flag is a setting (see `backroom settings`);
/// `--set key=value` sets any other one. Flags win over `BACKROOM_*`
/// environment variables, which win over the `--config` file.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A YAML file of settings (`backroom settings` lists them).", valueName: "path"))
    var config: String?

    @Option(help: "The address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "The port to listen on (default 8080).")
    var port: Int?

    @Option(help: ArgumentHelp("This node's name among the nodes sharing the store (default host name:port).", valueName: "name"))
    var nodeName: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    @Option(help: "Minutes a cart holds its stock (default 15).")
    var holdMinutes: Int?

    @Option(help: "Requests per second per client address (default 200).")
    var rateLimit: Double?

    @Option(help: ArgumentHelp("Back the store up on a schedule: 30m, 1h, 1d.", valueName: "interval"))
    var backupEvery: String?

    @Option(help: ArgumentHelp("Where scheduled backups go (default ./backups).", valueName: "dir"))
    var backupDir: String?

    @Option(help: "How many scheduled backups to keep (default 24).")
    var backupKeep: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp("Any setting, as key=value (repeatable): --set limits.lines_per_cart=20.", valueName: "key=value"))
    var settings: [String] = []

    @Flag(help: "Do not record live telemetry (to measure its cost).")
    var noTelemetry = false

    /// The flags given, by setting key.
    func overrides() throws -> [String: String] {
        var values: [String: String] = [:]
        for item in settings {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw BackroomError.validation("set", "Write --set as key=value (was \"\(item)\").")
            }
            values[String(parts[0]).trimmingWhitespace()] = String(parts[1])
        }
        values["host"] = host ?? values["host"]
        values["port"] = port.map(String.init) ?? values["port"]
        values["log_level"] = logLevel ?? values["log_level"]
        values["node.name"] = nodeName ?? values["node.name"]
        values["hold_minutes"] = holdMinutes.map(String.init) ?? values["hold_minutes"]
        values["rate_limit_per_second"] = rateLimit.map { String($0) } ?? values["rate_limit_per_second"]
        values["backup.every"] = backupEvery ?? values["backup.every"]
        values["backup.dir"] = backupDir ?? values["backup.dir"]
        values["backup.keep"] = backupKeep.map(String.init) ?? values["backup.keep"]
        return values
    }

    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> ServeSettings {
        let source = try await SettingsSource.load(overrides: try overrides(), environment: environment, file: config)
        var settings = try ServeSettings(source)
        settings.server.telemetryEnabled = !noTelemetry
        return settings
    }
}
