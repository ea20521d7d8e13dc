import BackroomCore
import BackroomServices
import HTTPTypes
import Hummingbird

/// Staff work on accounts, and the audit log.
struct AdminUsersController {
    let shop: Shop
    let body: RequestBodyReader

    func addRoutes(to router: Router<BackroomRequestContext>) {
        let group = router.group("/api/v1/admin/users")
        group.get { request, context in
            let principal = try context.requirePrincipal()
            let query = QueryParameters(request)
            let sort: UserSort = try query.sort(default: UserSort(.email))
            let window = try query.window(sort: sort.token)
            var filter = UserFilter(text: query.string("q"))
            filter.role = try query.string("role").map { text throws(BackroomError) in try Role(parsing: text) }
            if let status = query.string("status") {
                guard let value = UserStatus(rawValue: status) else { throw BackroomError.validation("status", "Use active or disabled.") }
                filter.status = value
            }
            let users = try await shop.users.users(matching: filter, sort: sort, window: window, by: principal)
            return try JSONResponse.make(users.page(sort: sort.token, UserJSON.init))
        }
        group.post { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.manageUsers)
            let input = try await body.decode(CreateUserRequest.self, from: request)
            let user = try await shop.users.create(
                email: input.email, displayName: input.displayName, role: try Role(parsing: input.role), password: input.password, by: principal
            )
            return try JSONResponse.make(UserJSON(user), status: .created, headers: [.location: "/api/v1/admin/users/\(user.id)"])
        }
        group.get("{id}") { _, context in
            let principal = try context.requirePrincipal()
            try principal.require(.viewUsers)
            return try JSONResponse.make(UserJSON(try await shop.users.user(id: try context.userID(), by: principal)))
        }
        group.put("{id}/role") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.manageUsers)
            let input = try await body.decode(RoleRequest.self, from: request)
            return try JSONResponse.make(UserJSON(try await shop.users.changeRole(of: try context.userID(), to: try Role(parsing: input.role), by: principal)))
        }
        group.post("{id}/disable") { _, context in
            try JSONResponse.make(UserJSON(try await shop.users.disable(try context.userID(), by: try context.requirePrincipal())))
        }
        group.post("{id}/enable") { _, context in
            try JSONResponse.make(UserJSON(try await shop.users.enable(try context.userID(), by: try context.requirePrincipal())))
        }
        group.post("{id}/revoke-tokens") { _, context in
            let revoked = try await shop.users.revokeTokens(of: try context.userID(), by: try context.requirePrincipal())
            return try JSONResponse.make(RevokedResponse(revoked: revoked))
        }
        group.post("{id}/password") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.manageUsers)
            let input = try await body.decodeIfPresent(PasswordResetRequest.self, from: request)
            let password = try await shop.users.resetPassword(of: try context.userID(), to: input?.password, by: principal)
            return try JSONResponse.make(PasswordResetResponse(password: password), headers: [.cacheControl: "no-store"])
        }
        router.get("/api/v1/admin/audit") { request, context in
            let principal = try context.requirePrincipal()
            let window = try QueryParameters(request).window(sort: "-id")
            let entries = try await shop.audit.entries(window: window, by: principal)
            return try JSONResponse.make(entries.page(sort: "-id", AuditEntryJSON.init))
        }
    }
}
