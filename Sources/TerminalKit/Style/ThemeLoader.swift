import Foundation
import Yams

/// A theme file that cannot be used, naming the file, the key and the value.
public struct ThemeError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var key: String?
    public var value: String?
    public var reason: String

    public var description: String {
        var text = "theme \(file)"
        if let key { text += ": key \"\(key)\"" }
        if let value { text += ": value \"\(value)\"" }
        return text + ": \(reason)"
    }
}

/// Loads themes from YAML files:
///
///     name: Light
///     styles:
///       body: {fg: "#1c1c1c", bg: "#ffffff"}
///       table.cursor: {fg: "#ffffff", bg: "#005f87", bold: true}
///
/// A bad value is an error naming file, key and value; a missing key falls
/// back to the built-in default and is reported as a warning.
public enum ThemeLoader {
    public struct Loaded: Sendable {
        public var theme: Theme
        public var warnings: [String]
    }

    public static func load(file path: String) throws(ThemeError) -> Loaded {
        let name = (path as NSString).lastPathComponent
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ThemeError(file: name, reason: "cannot be read")
        }
        return try parse(text, file: name)
    }

    public static func parse(_ text: String, file: String) throws(ThemeError) -> Loaded {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw ThemeError(file: file, reason: "is not valid YAML (\(error))")
        }
        guard let root = document as? [String: Any] else {
            throw ThemeError(file: file, reason: "must be a mapping with `name` and `styles`")
        }
        let themeName = (root["name"] as? String) ?? (file as NSString).deletingPathExtension
        guard let styles = root["styles"] as? [String: Any] else {
            throw ThemeError(file: file, key: "styles", reason: "is missing or not a mapping")
        }
        var parsed: [String: Style] = [:]
        for (key, value) in styles {
            guard Theme.keys.contains(key) else {
                throw ThemeError(file: file, key: key, reason: "is not a theme key (known: \(Theme.keys.joined(separator: ", ")))")
            }
            parsed[key] = try style(value, key: key, file: file)
        }
        let missing = Theme.keys.filter { parsed[$0] == nil }
        let warnings = missing.isEmpty ? [] : ["theme \(file): no \(missing.joined(separator: ", ")); using the default for \(missing.count == 1 ? "it" : "them")"]
        return Loaded(theme: Theme(name: themeName, styles: parsed), warnings: warnings)
    }

    private static func style(_ value: Any, key: String, file: String) throws(ThemeError) -> Style {
        guard let fields = value as? [String: Any] else {
            throw ThemeError(file: file, key: key, value: "\(value)", reason: "must be a mapping like {fg: \"#ffffff\", bold: true}")
        }
        var style = Style()
        for (field, raw) in fields {
            switch field {
            case "fg", "bg":
                let text = "\(raw)"
                guard let color = Color(hex: text) else {
                    throw ThemeError(file: file, key: "\(key).\(field)", value: text, reason: "is not a colour; use #rrggbb or default")
                }
                if field == "fg" { style.foreground = color } else { style.background = color }
            case "bold", "underline", "reverse", "dim":
                guard let flag = raw as? Bool else {
                    throw ThemeError(file: file, key: "\(key).\(field)", value: "\(raw)", reason: "must be true or false")
                }
                switch field {
                case "bold": style.bold = flag
                case "underline": style.underline = flag
                case "reverse": style.reverse = flag
                default: style.dim = flag
                }
            default:
                throw ThemeError(file: file, key: "\(key).\(field)", reason: "is not a style field (fg, bg, bold, underline, reverse, dim)")
            }
        }
        return style
    }

    /// Finds a theme by name in `directories` (`name.yaml`), or a path to a file.
    public static func resolve(_ nameOrPath: String, directories: [String]) throws(ThemeError) -> Loaded {
        if nameOrPath == "default" && !directories.contains(where: { FileManager.default.fileExists(atPath: $0 + "/default.yaml") }) {
            return Loaded(theme: .builtInDefault, warnings: [])
        }
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") {
            return try load(file: nameOrPath)
        }
        for directory in directories {
            let path = directory + "/" + nameOrPath + ".yaml"
            if FileManager.default.fileExists(atPath: path) { return try load(file: path) }
        }
        let available = available(in: directories).joined(separator: ", ")
        throw ThemeError(file: nameOrPath, reason: "no such theme" + (available.isEmpty ? "" : " (available: \(available))"))
    }

    public static func available(in directories: [String]) -> [String] {
        var names = Set<String>()
        for directory in directories {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where file.hasSuffix(".yaml") {
                names.insert(String(file.dropLast(5)))
            }
        }
        return names.sorted()
    }
}
