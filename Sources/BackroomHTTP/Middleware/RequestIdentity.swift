import BackroomCore
import HTTPTypes
import Hummingbird
import Logging

/// The id a request is followed by: the `X-Request-Id` a trusted proxy
/// (nginx in front of several nodes) sent, or the one this node made. It
/// is in the logger's metadata (so in every log line and in `context.id`,
/// which error bodies and the live stream carry), and `ErrorMiddleware`
/// returns it in every response's `X-Request-Id`. From anyone else the
/// header is ignored: a client must not be able to plant ids in the
/// operators' logs. (Applied by `ErrorMiddleware`, the first layer: one
/// layer costs less than two on every request. The node's name is in the
/// server logger's metadata, which every request's logger starts from.)
struct RequestIdentity: Sendable {
    let resolver: ClientResolver

    /// Takes the proxy's id into the context, when there is one to believe.
    func adopt(_ request: Request, into context: inout BackroomRequestContext) {
        guard let peer = context.peerAddress, resolver.isTrustedProxy(peer), let offered = request.headers[.requestID],
              Self.isAcceptable(offered)
        else { return }
        context.logger[metadataKey: "hb.request.id"] = .string(offered)
    }

    /// Ids nginx's `$request_id` (32 hex digits), UUIDs and the usual
    /// tracing ids pass; anything that could break a log line does not.
    static func isAcceptable(_ id: String) -> Bool {
        guard (1...128).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "+"), UInt8(ascii: "="):
                true
            default: false
            }
        }
    }
}
