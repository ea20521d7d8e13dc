import BackroomCore
import Configuration
import Foundation
import SystemPackage
import Yams

/// Where settings come from, highest first: command-line flags and
/// `--set key=value`, `BACKROOM_*` environment variables (`limits.lines_per_cart`
/// is `BACKROOM_LIMITS_LINES_PER_CART`), a YAML file, then the built-in
/// defaults. Read through swift-configuration; every value is read as text
/// and parsed here, so a malformed value is an error naming the setting
/// instead of silently becoming the default.
public struct SettingsSource: Sendable {
    let reader: ConfigReader
    let file: String?

    /// - Parameters:
    ///   - overrides: values from flags, by setting key.
    ///   - environment: the process environment.
    ///   - file: a YAML settings file; an unknown key in it is an error.
    public static func load(overrides: [String: String], environment: [String: String], file: String?) async throws -> SettingsSource {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: Dictionary(uniqueKeysWithValues: overrides.map { key, value in
                (AbsoluteConfigKey(key.split(separator: ".").map(String.init)), ConfigValue(.string(value), isSecret: false))
            })),
            KeyMappingProvider(upstream: EnvironmentVariablesProvider(environmentVariables: environment)) { key in
                AbsoluteConfigKey(["backroom"] + key.components, context: key.context)
            },
        ]
        if let file {
            try SettingsCatalog.checkKeys(inFile: file)
            do {
                providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)))
            } catch {
                throw BackroomError.validation("config", "\(file) is not a valid settings file: \(error)")
            }
        }
        for key in overrides.keys where !SettingsCatalog.keys.contains(key) {
            throw BackroomError.validation("set", "Unknown setting \"\(key)\"; `backroom settings` lists them.")
        }
        return SettingsSource(reader: ConfigReader(providers: providers), file: file)
    }

    func text(_ key: String) -> String? {
        guard let value = reader.string(forKey: ConfigKey(key.split(separator: ".").map(String.init))) else { return nil }
        let trimmed = value.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    func integer(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = text(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw BackroomError.validation(key, "\(key) is a whole number from \(range.lowerBound) to \(range.upperBound) (was \"\(text)\").")
        }
        return value
    }

    func number(_ key: String, _ range: ClosedRange<Double>) throws -> Double? {
        guard let text = text(key) else { return nil }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw BackroomError.validation(key, "\(key) is a number from \(range.lowerBound) to \(range.upperBound) (was \"\(text)\").")
        }
        return value
    }

    func flag(_ key: String) throws -> Bool? {
        guard let text = text(key)?.lowercased() else { return nil }
        switch text {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw BackroomError.validation(key, "\(key) is true or false (was \"\(text)\").")
        }
    }

    /// A list: a YAML sequence, or comma-separated text (environment, flags).
    func list(_ key: String) -> [String]? {
        let components = ConfigKey(key.split(separator: ".").map(String.init))
        if let values = reader.stringArray(forKey: components) {
            return values.flatMap { Self.items($0) }
        }
        guard let text = text(key) else { return nil }
        return Self.items(text)
    }

    private static func items(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// `90s`, `15m`, `1h`, `2d`, or a number of seconds.
    func duration(_ key: String, minimumSeconds: Int64) throws -> Duration? {
        guard let text = text(key) else { return nil }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = Substring(text)
        var factor: Int64 = 1
        if let last = text.last, let unit = units[last] {
            digits = digits.dropLast()
            factor = unit
        }
        guard let value = Int64(digits), value > 0, value * factor >= minimumSeconds else {
            throw BackroomError.validation(key, "\(key) is a duration like 90s, 15m or 1h, at least \(minimumSeconds) s (was \"\(text)\").")
        }
        return .seconds(value * factor)
    }
}
