import BackroomCore
import BackroomServices
import HTTPTypes
import Hummingbird

/// Resolves `Authorization: Bearer <token>` into the caller. Without the
/// header the request goes on anonymous (routes decide); a malformed, wrong,
/// expired or revoked token is a 401 on any route.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = BackroomRequestContext
    let auth: AuthService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            return try await next(request, context)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw BackroomError.unauthenticated("Use Authorization: Bearer <token>.")
        }
        let user = try await auth.authenticate(token: String(parts[1]).trimmingWhitespace())
        var context = context
        context.principal = user.principal
        context.notes.user = user.email.localPart
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer …` header.
    static func bearerToken(_ headers: HTTPFields) -> String? {
        guard let header = headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingWhitespace()
    }
}
