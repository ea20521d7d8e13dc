import BackroomCore
import BackroomServices
import HTTPTypes
import Hummingbird

/// Resolves the client behind the request (through trusted proxies) and
/// applies the per-client request rate over every route. The resolved
/// client goes into the context for the per-client limits further in.
struct ClientMiddleware: RouterMiddleware {
    typealias Context = BackroomRequestContext
    let resolver: ClientResolver
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let address = resolver.address(peer: context.peerAddress, headers: request.headers)
        context.clientAddress = address
        context.client = resolver.limitedClient(address)
        if let client = context.client {
            try limiter.consume(client.rawValue, "Too many requests from \(client)")
        }
        return try await next(request, context)
    }
}
