@testable import BackroomApp
import BackroomCore
import BackroomHTTP
import BackroomServices
import Foundation
import Testing

@Suite("Settings")
struct SettingsTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-settings-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func settings(_ overrides: [String: String] = [:], environment: [String: String] = [:], file: String? = nil) async throws -> ServeSettings {
        try ServeSettings(try await SettingsSource.load(overrides: overrides, environment: environment, file: file))
    }

    @Test("flags win over the environment, which wins over the file, which wins over the defaults")
    func precedence() async throws {
        let path = try file("""
            port: 9001
            limits:
              lines_per_cart: 20
              hold_share: 0.25
            trusted_proxies: [10.0.0.0/8, 192.168.1.1]
            backup:
              every: 2h
              keep: 3
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try await settings(file: path)
        #expect(fromFile.server.port == 9001 && fromFile.shop.cartLimits.linesPerCart == 20 && fromFile.shop.cartLimits.holdShare == 0.25)
        #expect(fromFile.server.trustedProxies.map(\.description) == ["10.0.0.0/8", "192.168.1.1"])
        #expect(fromFile.server.exemptLoopback == false, "trusting proxies turns the loopback exemption off")
        #expect(fromFile.backup == BackupScheduler.Plan(interval: .seconds(7200), directory: "backups", keep: 3))
        let fromEnvironment = try await settings(environment: ["BACKROOM_PORT": "9002", "BACKROOM_LIMITS_LINES_PER_CART": "30"], file: path)
        #expect(fromEnvironment.server.port == 9002 && fromEnvironment.shop.cartLimits.linesPerCart == 30)
        let fromFlags = try await settings(["port": "9003", "limits.lines_per_cart": "40"], environment: ["BACKROOM_PORT": "9002"], file: path)
        #expect(fromFlags.server.port == 9003 && fromFlags.shop.cartLimits.linesPerCart == 40)
        let defaults = try await settings()
        #expect(defaults.server.port == 8080 && defaults.shop.cartLimits == CartLimits() && defaults.backup == nil && defaults.server.exemptLoopback)
        #expect(!defaults.shop.allowPrivateWebhookTargets && defaults.server.webhooks == WebhookSettings())
    }

    @Test("webhook settings: internal targets by environment, the worker's figures by flag or file")
    func webhooks() async throws {
        let open = try await settings(environment: ["BACKROOM_ALLOW_PRIVATE_WEBHOOK_TARGETS": "1"])
        #expect(open.shop.allowPrivateWebhookTargets)
        let tuned = try await settings([
            "webhooks.enabled": "false", "webhooks.timeout_seconds": "2.5", "webhooks.first_retry_seconds": "1",
            "webhooks.retry_for": "6h", "webhooks.disable_after": "2d", "webhooks.retention": "30d",
        ])
        #expect(!tuned.server.webhooks.enabled && tuned.server.webhooks.timeoutSeconds == 2.5)
        #expect(tuned.server.webhooks.retry.firstDelayMilliseconds == 1_000 && tuned.server.webhooks.retry.retryForMilliseconds == 6 * 3_600_000)
        #expect(tuned.server.webhooks.retry.disableAfterMilliseconds == 2 * 86_400_000 && tuned.server.webhooks.retentionMilliseconds == 30 * 86_400_000)
    }

    @Test("a malformed value is an error naming the setting, never a silent default", arguments: [
        ("port", "eighty"), ("port", "70000"), ("limits.hold_share", "1.5"), ("limits.lines_per_cart", "0"), ("trusted_proxies", "10.0.0.0/99"),
        ("backup.every", "soon"), ("exempt_loopback", "maybe"), ("log_level", "loud"), ("payments.timeout_seconds", "-1"),
        ("allow_private_webhook_targets", "perhaps"), ("webhooks.concurrency", "0"), ("webhooks.retry_for", "forever"),
    ])
    func malformed(key: String, value: String) async {
        await #expect {
            try await settings([key: value])
        } throws: { ($0 as? BackroomError)?.field == key }
    }

    @Test("an unknown key in the file or in --set is an error, so a typo cannot leave a limit at its default")
    func unknownKeys() async throws {
        let path = try file("limits:\n  lines_per_kart: 20\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        await #expect { try await settings(file: path) } throws: { ($0 as? BackroomError)?.message.contains("limits.lines_per_kart") == true }
        await #expect { try await settings(["limits.nope": "1"]) } throws: { ($0 as? BackroomError)?.field == "set" }
        let broken = try file("port: [\n")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        await #expect { try await settings(file: broken) } throws: { ($0 as? BackroomError)?.field == "config" }
    }

    @Test("every setting the catalog lists is read by the server settings")
    func catalogIsComplete() throws {
        let source = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/BackroomApp/Settings/ServeSettings.swift").path, encoding: .utf8)
        for key in SettingsCatalog.keys {
            #expect(source.contains("\"\(key)\""), "\(key) is listed but never read")
        }
    }
}
