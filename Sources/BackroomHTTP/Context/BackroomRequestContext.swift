import BackroomCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// What every request carries: who is calling, the shared JSON coders, and
/// notes that inner layers leave for the telemetry middleware outside them.
public struct BackroomRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in caller, set by the authentication middleware.
    public var principal: Principal?
    /// The peer's IP address (nil in router tests).
    public let peerAddress: String?
    /// The client's address: the peer, or the client behind a trusted proxy.
    public var clientAddress: String?
    /// The client as the per-client limits know it; nil when exempt.
    public var client: ClientAddress?
    public let notes = RequestNotes()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// One encoder and decoder for the whole process (Hummingbird would make
    /// a new encoder per request otherwise).
    public var requestDecoder: JSONDecoder { JSONCoders.decoder }
    public var responseEncoder: JSONEncoder { JSONCoders.encoder }
    public var maxUploadSize: Int { ServerLimits.defaultBodyLimit }

    /// A path parameter, percent-decoded (`A%2DB` is `A-B`).
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        // Foundation's decoding costs ~2% of a product read; most values
        // have nothing to decode.
        guard raw.utf8.contains(UInt8(ascii: "%")) else { return raw }
        return raw.removingPercentEncoding ?? raw
    }

    /// The caller, or `unauthenticated`.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw BackroomError.unauthenticated("Send a bearer token: Authorization: Bearer <token>.") }
        return principal
    }
}

/// A small mutable record shared by the middlewares of one request.
public final class RequestNotes: Sendable {
    private struct Values {
        var user: String?
        var errorCode: String?
        var errorDetail: String?
    }

    private let values = Mutex(Values())

    public var user: String? {
        get { values.withLock { $0.user } }
        set { values.withLock { $0.user = newValue } }
    }

    public func noteError(code: String, detail: String) {
        values.withLock {
            $0.errorCode = code
            $0.errorDetail = detail
        }
    }

    public var error: (code: String, detail: String)? {
        values.withLock { values in values.errorCode.map { ($0, values.errorDetail ?? "") } }
    }
}

public enum JSONCoders {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static let decoder = JSONDecoder()
}

public enum ServerLimits {
    /// Request bodies larger than this are refused with 413.
    public static let defaultBodyLimit = 1 << 20
}
