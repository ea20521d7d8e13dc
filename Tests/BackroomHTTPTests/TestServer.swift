import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// A server over a temporary store, with one signed-in account per role.
final class TestServer: @unchecked Sendable {
    let test: TestShop
    let parts: ServerParts
    var tokens: [Role: String] = [:]
    var users: [Role: User] = [:]

    init(
        _ kind: TestStoreKind = .sqlite, configuration: ServerConfiguration = ServerConfiguration(),
        shop configure: (inout ShopConfiguration) -> Void = { _ in }
    ) async throws {
        test = try await TestShop.make(kind, configure: configure)
        parts = ServerParts(shop: test.shop)
        self.configuration = configuration
        for role in Role.allCases {
            let user = try await test.shop.users.create(
                email: "\(role.rawValue)@example.com", displayName: role.rawValue.capitalized, role: role,
                password: "correct horse", by: .system("test")
            )
            users[role] = user
            tokens[role] = try await test.shop.auth.login(email: user.email.rawValue, password: "correct horse").token
        }
    }

    let configuration: ServerConfiguration

    var shop: Shop { test.shop }

    func router() -> Router<BackroomRequestContext> {
        buildRouter(parts, configuration: configuration)
    }

    func application(logger: Logger? = nil) -> some ApplicationProtocol {
        var fallback = Logger(label: "test")
        fallback.logLevel = .warning
        return Application(router: router(), logger: logger ?? fallback)
    }

    /// Runs `body` against the router in process.
    func run<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await application().test(.router, body)
    }

    /// Runs `body` against a real server on a loopback port (requests have a
    /// peer address, as in production).
    func runLive<Value>(logger: Logger? = nil, _ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await application(logger: logger).test(.live, body)
    }

    func headers(_ role: Role?, json: Bool = false) -> HTTPFields {
        var fields = HTTPFields()
        if let role, let token = tokens[role] { fields[.authorization] = "Bearer \(token)" }
        if json { fields[.contentType] = "application/json" }
        return fields
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }
}

func jsonBody(_ object: [String: Any]) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
}

nonisolated(unsafe) let addressJSON: [String: Any] = ["name": "Ana Lima", "line1": "Rua Augusta 1", "city": "Lisbon", "postalCode": "1100-148", "country": "PT"]

/// Keeps what is logged, for tests that check what an operator would read.
final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(Logger.Level, String)] = []

    func append(_ level: Logger.Level, _ message: String) {
        lock.lock()
        entries.append((level, message))
        lock.unlock()
    }

    func messages(atLeast level: Logger.Level) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return entries.filter { $0.0 >= level }.map(\.1)
    }

    var logger: Logger {
        var logger = Logger(label: "captured") { _ in CapturingHandler(logs: self) }
        logger.logLevel = .trace
        return logger
    }

    struct CapturingHandler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            logs.append(event.level, "\(event.message) \(event.metadata ?? [:])")
        }
    }
}
