import BackroomCore
import Testing

@Suite("Text is measured as the store measures it")
struct TextRulesTests {
    @Test("lengths count Unicode scalars, as SQLite's length() does")
    func scalars() throws {
        let composed = String(repeating: "e\u{0301}", count: 150)
        #expect(composed.count == 150)
        #expect(throws: BackroomError.self) { try ProductRules.name(composed) }
        let flags = String(repeating: "🇵🇹", count: 60)
        #expect(throws: BackroomError.self) { try UserRules.displayName(flags) }
        #expect(try UserRules.displayName(String(repeating: "🇵🇹", count: 50)).unicodeScalars.count == 100)
        #expect(try ProductRules.name(String(repeating: "e\u{0301}", count: 100)).unicodeScalars.count == 200)
    }

    @Test("bidirectional overrides and invisible-only names are refused", arguments: [
        "Mug \u{202E}gnp.exe", "\u{2066}Mug\u{2069}", "\u{200B}\u{200B}", "\u{2060}", "\u{3164}", "\u{FEFF}", "Mug\u{2028}cup",
    ])
    func hiddenText(text: String) {
        #expect { try ProductRules.name(text) } throws: { ($0 as? BackroomError)?.field == "name" }
        #expect { try UserRules.displayName(text) } throws: { ($0 as? BackroomError)?.field == "displayName" }
    }

    @Test("names with joiners inside visible text are fine")
    func joiners() throws {
        #expect(try ProductRules.name("Family 👨\u{200D}👩\u{200D}👧 mug") == "Family 👨\u{200D}👩\u{200D}👧 mug")
        #expect(try ProductRules.name("नमस्ते") == "नमस्ते")
    }

    @Test("SKUs that a path would resolve as directories are refused", arguments: [".", ".."])
    func dotSKUs(text: String) {
        #expect { try SKU(text) } throws: { ($0 as? BackroomError)?.field == "sku" }
    }

    @Test("passwords: control characters, more than 72 bytes, common ones and the email are refused", arguments: [
        "correct\u{0}horse", "correct\thorse1", String(repeating: "ü", count: 37), "password1", "Password123", "ana@example.com", "ANA@EXAMPLE.COM", "ana@example.com".uppercased(),
    ])
    func badPasswords(text: String) throws {
        let email = try Email("ana@example.com")
        #expect { try UserRules.password(text, email: email) } throws: { ($0 as? BackroomError)?.field == "password" }
    }

    @Test("72 bytes of UTF-8 is the most bcrypt reads: 36 two-byte letters pass, 37 do not")
    func passwordBytes() throws {
        #expect(try UserRules.password(String(repeating: "ü", count: 36)).utf8.count == 72)
        #expect(throws: BackroomError.self) { try UserRules.password(String(repeating: "ü", count: 37)) }
    }
}
