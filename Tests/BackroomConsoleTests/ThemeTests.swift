import Foundation
@testable import TerminalKit
import Testing

@Suite("Themes")
struct ThemeTests {
    static var themesDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("themes").path
    }

    @Test("every file in themes/ loads, with every key")
    func allThemes() throws {
        let names = ThemeLoader.available(in: [Self.themesDirectory])
        #expect(Set(names).isSuperset(of: ["default", "light", "high-contrast", "mono", "colorblind"]))
        for name in names {
            let loaded = try ThemeLoader.resolve(name, directories: [Self.themesDirectory])
            #expect(loaded.warnings.isEmpty, "\(name): \(loaded.warnings)")
            #expect(Set(loaded.theme.styles.keys) == Set(Theme.keys), "\(name)")
        }
    }

    @Test("the default theme file and the built-in default agree")
    func builtIn() throws {
        let file = try ThemeLoader.resolve("default", directories: [Self.themesDirectory]).theme
        #expect(file.styles == Theme.builtInDefault.styles)
    }

    @Test("a broken file names the file, the key and the value")
    func broken() {
        #expect(throws: ThemeError(file: "bad.yaml", key: "accent.fg", value: "#12345g", reason: "is not a colour; use #rrggbb or default")) {
            try ThemeLoader.parse("name: bad\nstyles:\n  accent: {fg: \"#12345g\"}\n", file: "bad.yaml")
        }
        #expect(throws: ThemeError(file: "bad.yaml", key: "body.bold", value: "maybe", reason: "must be true or false")) {
            try ThemeLoader.parse("styles:\n  body: {bold: maybe}\n", file: "bad.yaml")
        }
        #expect(throws: ThemeError.self) { try ThemeLoader.parse("styles:\n  sidebar: {}\n", file: "bad.yaml") }
        #expect(throws: ThemeError.self) { try ThemeLoader.parse("{{{", file: "bad.yaml") }
    }

    @Test("missing keys fall back to the default, with a warning")
    func missingKeys() throws {
        let loaded = try ThemeLoader.parse("name: tiny\nstyles:\n  body: {fg: \"#ffffff\"}\n", file: "tiny.yaml")
        #expect(loaded.theme["body"].foreground == Color(hex: "#ffffff"))
        #expect(loaded.theme["accent"] == Theme.builtInDefault["accent"])
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings[0].hasPrefix("theme tiny.yaml: no border, border.focus"))
    }

    @Test("colours map to the nearest the terminal has; NO_COLOR and dumb terminals get none")
    func colorProfiles() {
        #expect(ColorProfile.detect(environment: ["NO_COLOR": "1"], terminalColors: 256) == .none)
        #expect(ColorProfile.detect(environment: ["TERM": "dumb"], terminalColors: 256) == .none)
        #expect(ColorProfile.detect(environment: [:], terminalColors: 256) == .palette256)
        #expect(ColorProfile.detect(environment: [:], terminalColors: 8) == .basic8)
        #expect(ColorProfile.palette256.index(for: Color(hex: "#ff0000")!) == 196)
        #expect(ColorProfile.palette256.index(for: Color(hex: "#808080")!) == 244)
        #expect(ColorProfile.basic8.index(for: Color(hex: "#ff5f5f")!) == 1)
        #expect(ColorProfile.none.index(for: Color(hex: "#ff5f5f")!) == -1)
        #expect(ColorProfile.palette256.index(for: .default) == -1)
    }
}
