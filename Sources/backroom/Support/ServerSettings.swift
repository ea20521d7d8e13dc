import ArgumentParser
import BackroomCore
import BackroomHTTP
import Foundation
import Logging
import Yams

/// Server settings from, in rising precedence: defaults, a YAML config file,
/// `BACKROOM_*` environment variables, command-line flags.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A YAML file of settings (host, port, db, log_level, hold_minutes, body_limit_kib, rate_limit_per_second).", valueName: "path"))
    var config: String?

    @Option(help: "The address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "The port to listen on (default 8080).")
    var port: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    @Option(help: "Minutes a cart holds its stock (default 15).")
    var holdMinutes: Int?

    @Option(help: "Requests per second per client address; loopback is exempt (default 200).")
    var rateLimit: Double?

    @Flag(help: "Do not record live telemetry (to measure its cost).")
    var noTelemetry = false

    struct Resolved {
        var server: ServerConfiguration
        var database: String?
        var logLevel: Logger.Level
        var holdMinutes: Int
    }

    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Resolved {
        var file: [String: String] = [:]
        if let config {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                throw BackroomError.validation("config", "Cannot read the config file \(config).")
            }
            do {
                guard let mapping = try Yams.load(yaml: text) as? [String: Any] else {
                    throw BackroomError.validation("config", "\(config): expected a mapping of settings.")
                }
                file = mapping.mapValues { "\($0)" }
            } catch let error as BackroomError {
                throw error
            } catch {
                throw BackroomError.validation("config", "\(config) is not valid YAML: \(error)")
            }
            let known: Set = ["host", "port", "db", "log_level", "hold_minutes", "body_limit_kib", "rate_limit_per_second"]
            if let unknown = file.keys.sorted().first(where: { !known.contains($0) }) {
                throw BackroomError.validation("config", "\(config): unknown setting \"\(unknown)\".")
            }
        }
        func value(_ key: String, _ flag: String?) -> String? {
            flag ?? environment["BACKROOM_" + key.uppercased()] ?? file[key]
        }
        var server = ServerConfiguration()
        server.host = value("host", host) ?? server.host
        if let text = value("port", port.map(String.init)) {
            guard let number = Int(text), (1...65535).contains(number) else { throw BackroomError.validation("port", "The port must be 1–65535 (was \(text)).") }
            server.port = number
        }
        if let text = value("rate_limit_per_second", rateLimit.map { String($0) }) {
            guard let number = Double(text), number > 0 else { throw BackroomError.validation("rate-limit", "The rate limit must be a positive number (was \(text)).") }
            server.requestsPerSecondPerClient = number
            server.requestBurstPerClient = number * 2
        }
        if let text = value("body_limit_kib", nil) {
            guard let number = Int(text), (1...65536).contains(number) else { throw BackroomError.validation("body_limit_kib", "The body limit must be 1–65536 KiB (was \(text)).") }
            server.bodyLimit = number * 1024
        }
        server.telemetryEnabled = !noTelemetry
        let levelText = value("log_level", logLevel) ?? "info"
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw BackroomError.validation("log-level", "Unknown log level \"\(levelText)\".")
        }
        var hold = 15
        if let text = value("hold_minutes", holdMinutes.map(String.init)) {
            guard let number = Int(text), (1...1440).contains(number) else { throw BackroomError.validation("hold-minutes", "Holds last 1–1440 minutes (was \(text)).") }
            hold = number
        }
        return Resolved(server: server, database: file["db"], logLevel: level, holdMinutes: hold)
    }
}
