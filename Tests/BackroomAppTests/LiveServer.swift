import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomTestSupport
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A real API server on a loopback port, that a test can stop and start again.
final class LiveServer: @unchecked Sendable {
    let test: TestShop
    let parts: ServerParts
    /// The port it listens on (0 until it first started).
    private(set) var port = 0
    private var group: ServiceGroup?
    private var task: Task<Void, any Error>?

    private var configuration: ServerConfiguration

    init(configuration: ServerConfiguration = ServerConfiguration(), shop configure: (inout ShopConfiguration) -> Void = { _ in }) throws {
        test = try TestShop(configure: configure)
        parts = ServerParts(shop: test.shop)
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        self.configuration = configuration
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts the server and returns once it listens. The first start binds
    /// port 0 and keeps the port the system gave (a port picked free
    /// beforehand could be taken by another test's server in between, which
    /// would then answer this test's requests); a restart binds that port
    /// again.
    func start() async throws {
        var logger = Logger(label: "live-test")
        logger.logLevel = .critical
        let (listening, listened) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(parts, configuration: configuration, logger: logger) { channel in
            listened.yield(channel.localAddress?.port ?? 0)
            listened.finish()
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: app)], logger: logger))
        self.group = group
        let task = Task {
            defer { listened.finish() }
            try await group.run()
        }
        self.task = task
        for await bound in listening {
            port = bound
            configuration.port = bound
            return
        }
        // It stopped without listening: say why.
        try await task.value
        throw BackroomError(.unavailable, "the test server stopped before it listened")
    }

    func stop() async {
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
        group = nil
        task = nil
    }

    static func answers(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: bound.sin_port))
    }
}
