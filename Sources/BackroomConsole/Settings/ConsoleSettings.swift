import BackroomCore
import Foundation
import Yams

/// What an operator chose for their console: the columns of each list pane
/// (which, in which order). Kept in a small YAML file in the XDG config
/// directory, like htop's setup.
public struct ConsoleSettings: Sendable, Hashable, Codable {
    /// Column identifiers per pane (`inventory: [sku, name, available]`), in
    /// the order shown; a pane without an entry shows its default columns.
    public var columns: [String: [String]]

    public init(columns: [String: [String]] = [:]) {
        self.columns = columns
    }

    public func columns(for pane: PaneKind) -> [String]? {
        columns[pane.commandName]
    }

    public mutating func setColumns(_ identifiers: [String]?, for pane: PaneKind) {
        columns[pane.commandName] = identifiers
    }
}

/// Reads and writes `ConsoleSettings` at `$XDG_CONFIG_HOME/backroom/console.yaml`
/// (or `~/.config/backroom/console.yaml`).
public struct ConsoleSettingsStore: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ConsoleSettingsStore {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        return ConsoleSettingsStore(path: ((base as NSString).appendingPathComponent("backroom") as NSString).appendingPathComponent("console.yaml"))
    }

    /// The saved settings; defaults when there is no file. A file that does
    /// not parse is reported, not silently replaced.
    public func load() throws(BackroomError) -> ConsoleSettings {
        guard FileManager.default.fileExists(atPath: path) else { return ConsoleSettings() }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return try YAMLDecoder().decode(ConsoleSettings.self, from: text)
        } catch {
            throw BackroomError.validation("settings", "\(path) is not a console settings file: \(error)")
        }
    }

    public func save(_ settings: ConsoleSettings) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = try YAMLEncoder().encode(settings)
        try ("# Backroom console settings (columns per pane; :columns edits them)\n" + text).write(toFile: path, atomically: true, encoding: .utf8)
    }
}
