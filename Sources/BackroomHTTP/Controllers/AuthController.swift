import BackroomCore
import BackroomServices
import HTTPTypes
import Hummingbird

/// Sign-up, login (rate limited per client address and per account),
/// logout and `me`.
struct AuthController {
    let shop: Shop
    let body: RequestBodyReader

    func addRoutes(to router: Router<BackroomRequestContext>) {
        let group = router.group("/api/v1/auth")
        group.post("register") { request, context in
            let input = try await body.decode(RegisterRequest.self, from: request)
            let registration = try await shop.users.register(
                email: input.email, displayName: input.displayName, password: input.password, client: context.client
            )
            // The same answer for a new account and a taken email.
            return try JSONResponse.make(RegistrationResponse(registration), status: .accepted)
        }
        group.post("login") { request, context in
            let input = try await body.decode(LoginRequest.self, from: request)
            let grant = try await shop.auth.login(email: input.email, password: input.password, client: context.client)
            context.notes.user = grant.user.email.localPart
            return try JSONResponse.make(LoginResponse(token: grant.token, expiresAt: grant.expiresAt.iso8601, user: UserJSON(grant.user)))
        }
        group.post("logout") { request, context in
            _ = try context.requirePrincipal()
            if let header = request.headers[.authorization], let token = header.split(separator: " ").last {
                try await shop.auth.logout(token: String(token))
            }
            return JSONResponse.noContent()
        }
        group.get("me") { _, context in
            let principal = try context.requirePrincipal()
            return try JSONResponse.make(UserJSON(try await shop.users.user(id: principal.userID ?? 0, by: principal)))
        }
    }
}
