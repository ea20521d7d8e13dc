import BackroomCore
import BackroomServices
import HTTPTypes
import Hummingbird

/// A token bucket per client address over every route. Loopback clients
/// (the console, the demo load generator, local benchmarks) are exempt
/// unless configured otherwise.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = BackroomRequestContext
    let limiter: RateLimiter
    let exemptLoopback: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let address = context.remoteAddress, !(exemptLoopback && Self.isLoopback(address)) {
            try limiter.consume(address, what: "requests from \(address)")
        }
        return try await next(request, context)
    }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
