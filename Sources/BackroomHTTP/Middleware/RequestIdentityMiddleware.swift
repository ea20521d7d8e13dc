import BackroomCore
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request the id it is followed by: the `X-Request-Id` a
/// trusted proxy (nginx in front of several nodes) sent, or the one this
/// node made. The id is in the logger's metadata (so in every log line and
/// in `context.id`, which error bodies and the live stream carry), and goes
/// back in the response's `X-Request-Id`. From anyone else the header is
/// ignored: a client must not be able to plant ids in the operators' logs.
struct RequestIdentityMiddleware: RouterMiddleware {
    typealias Context = BackroomRequestContext
    let resolver: ClientResolver
    let nodeName: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let peer = context.peerAddress, resolver.isTrustedProxy(peer),
           let offered = request.headers[.requestID], Self.isAcceptable(offered) {
            context.logger[metadataKey: "hb.request.id"] = .string(offered)
        }
        context.logger[metadataKey: "node"] = .string(nodeName)
        var response = try await next(request, context)
        response.headers[.requestID] = context.id
        return response
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
