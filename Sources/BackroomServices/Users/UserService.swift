import BackroomCore

/// Accounts: shoppers registering, staff managing users.
public struct UserService: Sendable {
    let store: any ShopStore
    let clock: any TimeSource
    let changes: ShopChangeFeed
    let passwords: PasswordHasher
    let limits: ClientGuard

    /// A shopper signs up: a `customer` account, if the email is free.
    ///
    /// The answer is the same whether the email was free or taken, and costs
    /// the same (one bcrypt at the configured cost either way), so sign-up
    /// cannot be used to find out who has an account. Limited per client
    /// address and shop-wide.
    public func register(email: String, displayName: String, password: String, client: ClientAddress? = nil) async throws -> Registration {
        let email = try Email(email)
        let name = try UserRules.displayName(displayName)
        let password = try UserRules.password(password, email: email)
        if let client {
            try limits.registrationsPerClient.consume(client.rawValue, "Too many sign-ups from \(client)")
        }
        try limits.registrations.consume("shop", "Too many sign-ups right now")
        let hash = try await passwords.hash(password)
        let selfRegistration = Principal(userID: nil, name: email.rawValue, role: .customer)
        do {
            _ = try await store.createUser(
                NewUser(email: email, displayName: name, role: .customer, passwordHash: hash),
                context: WriteContext(principal: selfRegistration, at: clock.now())
            )
            changes.publish(.users)
        } catch let error as BackroomError where error.code == .conflict {
            // Taken: say nothing about it.
        }
        return Registration(email: email)
    }

    /// Staff create an account with any role.
    public func create(email: String, displayName: String, role: Role, password: String, by principal: Principal) async throws -> User {
        try principal.require(.manageUsers)
        let email = try Email(email)
        let name = try UserRules.displayName(displayName)
        let password = try UserRules.password(password, email: email)
        let hash = try await passwords.hash(password)
        let user = try await store.createUser(NewUser(email: email, displayName: name, role: role, passwordHash: hash), context: context(principal))
        changes.publish(.users)
        return user
    }

    public func user(id: Int64, by principal: Principal) async throws -> User {
        if principal.userID != id { try principal.require(.viewUsers) }
        guard let user = try await store.user(id: id) else { throw BackroomError.notFound("No user with id \(id).") }
        return user
    }

    public func users(matching filter: UserFilter, sort: UserSort, window: ListWindow, by principal: Principal) async throws -> Window<User> {
        try principal.require(.viewUsers)
        return try await store.users(matching: try Self.validated(filter), sort: sort, window: window)
    }

    public func count(matching filter: UserFilter, by principal: Principal) async throws -> Int {
        try principal.require(.viewUsers)
        return try await store.countUsers(matching: try Self.validated(filter))
    }

    public func position(of key: KeysetKey, matching filter: UserFilter, sort: UserSort, by principal: Principal) async throws -> Int {
        try principal.require(.viewUsers)
        return try await store.userPosition(of: key, matching: try Self.validated(filter), sort: sort)
    }

    public func changeRole(of userID: Int64, to role: Role, by principal: Principal) async throws -> User {
        try await update(userID, UserChanges(role: role), by: principal)
    }

    public func rename(_ userID: Int64, to displayName: String, by principal: Principal) async throws -> User {
        try await update(userID, UserChanges(displayName: try UserRules.displayName(displayName)), by: principal)
    }

    /// Disables an account: it cannot sign in and its tokens stop working.
    public func disable(_ userID: Int64, by principal: Principal) async throws -> User {
        if principal.userID == userID {
            throw BackroomError.conflict("You cannot disable your own account.")
        }
        return try await update(userID, UserChanges(status: .disabled), by: principal)
    }

    public func enable(_ userID: Int64, by principal: Principal) async throws -> User {
        try await update(userID, UserChanges(status: .active), by: principal)
    }

    /// Sets a new password (a generated one if `newPassword` is nil) and ends
    /// every session of the user; returns the password, to hand over once.
    public func resetPassword(of userID: Int64, to newPassword: String? = nil, by principal: Principal) async throws -> String {
        try principal.require(.manageUsers)
        let password = try newPassword.map { password throws(BackroomError) in try UserRules.password(password) } ?? Self.generatePassword()
        let hash = try await passwords.hash(password)
        try await store.setPasswordHash(userID: userID, hash: hash, context: context(principal))
        changes.publish(.users)
        return password
    }

    /// Ends every session of the user; returns how many were live.
    public func revokeTokens(of userID: Int64, by principal: Principal) async throws -> Int {
        try principal.require(.manageUsers)
        let count = try await store.revokeAllTokens(userID: userID, context: context(principal))
        changes.publish(.users)
        return count
    }

    private func update(_ userID: Int64, _ userChanges: UserChanges, by principal: Principal) async throws -> User {
        try principal.require(.manageUsers)
        let user = try await store.updateUser(id: userID, changes: userChanges, context: context(principal))
        changes.publish(.users)
        return user
    }

    func context(_ principal: Principal) -> WriteContext {
        WriteContext(principal: principal, at: clock.now())
    }

    /// 16 characters from an alphabet without look-alikes.
    static func generatePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }

    static func validated(_ filter: UserFilter) throws(BackroomError) -> UserFilter {
        var filter = filter
        filter.text = try TextRules.optionalLine(filter.text, field: "q", label: "search text", maximum: 200)
        return filter
    }
}

/// What sign-up answers, the same for a new account and a taken email.
public struct Registration: Sendable, Hashable {
    public var email: Email
}
