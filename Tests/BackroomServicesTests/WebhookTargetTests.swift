import BackroomCore
import BackroomServices
import BackroomTestSupport
import Testing

/// Server-side request forgery: a subscription may not point into the
/// shop's own network, whether by address or by a name that resolves there.
@Suite("Webhook targets")
struct WebhookTargetTests {
    static let admin = Principal.system("test-admin")

    @Test("loopback, private, link-local and other internal targets are refused by default", arguments: [
        "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://172.16.0.9/hook",
        "http://192.168.1.1/hook", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/", "http://100.64.0.1/",
        "http://[::1]/hook", "http://[fe80::1]/hook", "http://[fd00::1]/hook", "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:10.0.0.1]/hook", "http://[64:ff9b::a9fe:a9fe]/hook", "http://224.0.0.1/", "http://2130706433/hook",
    ])
    func refused(url: String) async throws {
        let test = try TestShop()
        await #expect {
            try await test.shop.webhooks.create(url: url, events: ["*"], description: nil, by: Self.admin)
        } throws: { error in
            guard let error = error as? BackroomError else { return false }
            return error.code == .validationFailed && error.field == "url"
        }
        #expect(try await test.shop.webhooks.list(by: Self.admin).isEmpty, "nothing was saved")
    }

    @Test("malformed URLs, other schemes and credentials are refused with a reason", arguments: [
        ("ftp://93.184.216.34/hook", "Only http and https"), ("not a url", "not an absolute URL"),
        ("http://user:secret@93.184.216.34/hook", "no credentials"), ("https://", "not an absolute URL"),
    ])
    func malformed(url: String, reason: String) async throws {
        let test = try TestShop()
        await #expect {
            try await test.shop.webhooks.create(url: url, events: ["*"], description: nil, by: Self.admin)
        } throws: { error in
            (error as? BackroomError)?.message.contains(reason) == true
        }
    }

    @Test("a public address is accepted; the setting lets internal ones through")
    func allowed() async throws {
        let test = try TestShop()
        let (created, secret) = try await test.shop.webhooks.create(url: "https://93.184.216.34/hooks/backroom", events: ["order.paid", "order.placed"], description: "books", by: Self.admin)
        #expect(created.status == .active && created.events.names == ["order.paid", "order.placed"])
        #expect(secret.hasPrefix("whsec_") && secret.count == 70)
        let open = try TestShop { $0.allowPrivateWebhookTargets = true }
        _ = try await open.shop.webhooks.create(url: "http://127.0.0.1:9/hook", events: ["*"], description: nil, by: Self.admin)
    }

    @Test("event lists: known types, or * alone; nobody but an admin manages webhooks")
    func eventsAndRoles() async throws {
        let test = try TestShop()
        for events in [[], ["order.shipped", "order.shipped"], ["order.teleported"], ["*", "order.paid"], ["webhook.test"]] {
            await #expect(throws: BackroomError.self, "\(events)") {
                try await test.shop.webhooks.create(url: "https://93.184.216.34/h", events: events, description: nil, by: Self.admin)
            }
        }
        await #expect {
            try await test.shop.webhooks.list(by: TestShop.operatorPrincipal)
        } throws: { ($0 as? BackroomError)?.code == .forbidden }
    }

    @Test("address classification", arguments: [
        ([93, 184, 216, 34], false), ([8, 8, 8, 8], false), ([127, 0, 0, 1], true), ([172, 31, 255, 255], true),
        ([172, 32, 0, 1], false), ([192, 0, 0, 8], true), ([198, 19, 0, 1], true), ([255, 255, 255, 255], true),
    ] as [([UInt8], Bool)])
    func classification(bytes: [UInt8], isInternal: Bool) {
        #expect(WebhookTargetPolicy.isInternal(bytes) == isInternal)
    }
}
