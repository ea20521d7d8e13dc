/// Named styles: widgets ask for a semantic key (`table.cursor`), the theme
/// says how it looks. Every theme has every key: missing ones fall back to
/// the built-in default.
public struct Theme: Sendable, Equatable {
    public var name: String
    public private(set) var styles: [String: Style]

    /// The semantic keys a theme defines.
    public static let keys: [String] = [
        "body", "border", "border.focus", "title", "tab", "tab.active",
        "table.header", "table.cursor", "table.alt_row",
        "status.ok", "status.warn", "status.error", "accent", "muted",
        "chart.1", "chart.2", "chart.3", "gauge.start", "gauge.mid", "gauge.end",
        "key_hint", "key_hint.key", "flash.ok", "flash.error",
        "input", "input.focus", "dialog", "header",
    ]

    public init(name: String, styles: [String: Style]) {
        self.name = name
        self.styles = styles
    }

    public subscript(key: String) -> Style {
        styles[key] ?? Theme.builtInDefault.styles[key] ?? .plain
    }

    /// The dark theme compiled into the binary, so it works without `themes/`.
    public static let builtInDefault: Theme = {
        func style(_ foreground: String, _ background: String = "default", bold: Bool = false, underline: Bool = false, reverse: Bool = false, dim: Bool = false) -> Style {
            Style(foreground: Color(hex: foreground) ?? .default, background: Color(hex: background) ?? .default, bold: bold, underline: underline, reverse: reverse, dim: dim)
        }
        return Theme(name: "default", styles: [
            "body": style("#d0d0d0"),
            "border": style("#5f5f5f"),
            "border.focus": style("#5fafff", bold: true),
            "title": style("#ffffff", bold: true),
            "tab": style("#8a8a8a"),
            "tab.active": style("#ffffff", "#005f87", bold: true),
            "table.header": style("#87afd7", bold: true, underline: true),
            "table.cursor": style("#ffffff", "#005f87", bold: true),
            "table.alt_row": style("#d0d0d0", "#262626"),
            "status.ok": style("#87d787"),
            "status.warn": style("#ffd75f", bold: true),
            "status.error": style("#ff5f5f", bold: true),
            "accent": style("#5fafff"),
            "muted": style("#808080"),
            "chart.1": style("#5fafff"),
            "chart.2": style("#ffaf5f"),
            "chart.3": style("#af87ff"),
            "gauge.start": style("#87d787"),
            "gauge.mid": style("#ffd75f"),
            "gauge.end": style("#ff5f5f"),
            "key_hint": style("#8a8a8a"),
            "key_hint.key": style("#ffffff", bold: true),
            "flash.ok": style("#87d787", bold: true),
            "flash.error": style("#ff5f5f", bold: true),
            "input": style("#d0d0d0", "#303030"),
            "input.focus": style("#ffffff", "#444444", underline: true),
            "dialog": style("#d0d0d0", "#1c1c1c"),
            "header": style("#ffffff", "#303030"),
        ])
    }()
}
