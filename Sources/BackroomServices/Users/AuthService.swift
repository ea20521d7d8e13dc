import BackroomCore

/// A successful login: the token is shown once and never stored in clear.
public struct LoginGrant: Sendable, Hashable {
    public var token: String
    public var user: User
    public var expiresAt: Timestamp
}

/// Sign-in with email and password, and bearer tokens.
public struct AuthService: Sendable {
    let store: any ShopStore
    let clock: any TimeSource
    let passwords: PasswordHasher
    let tokenLifetimeSeconds: Int64
    let limits: ClientGuard

    /// Signs in. Limits, in order: logins per client address per minute,
    /// logins per second shop-wide, then failed logins for this account from
    /// this client and for this account from everywhere. Only failures
    /// count against the account, and each client has its own allowance,
    /// so an attacker cannot keep the owner locked out; addresses the owner
    /// signed in from lately skip the per-account ceiling. Every refusal of a
    /// password costs one bcrypt at the configured cost, known email or not.
    public func login(email: String, password: String, client: ClientAddress? = nil) async throws -> LoginGrant {
        let failure = BackroomError.unauthenticated("The email or the password is wrong.")
        let account = email.trimmingWhitespace().lowercased()
        let clientKey = client?.rawValue ?? "local"
        if let client {
            try limits.loginsPerClient.consume(client.rawValue, "Too many sign-ins from \(client)")
        }
        try limits.logins.consume("shop", "Too many sign-ins right now")
        try limits.loginFailuresPerAccountAndClient.consume(account + " " + clientKey, "Too many failed sign-ins for this account from here")
        let isKnownClient = limits.isKnown(account: account, client: clientKey)
        if !isKnownClient {
            do {
                try limits.loginFailuresPerAccount.consume(account, "Too many failed sign-ins for this account")
            } catch {
                limits.loginFailuresPerAccountAndClient.refund(account + " " + clientKey)
                throw error
            }
        }
        guard let email = try? Email(email), !password.isEmpty, password.utf8.count <= 1024,
              let credentials = try await store.credentials(for: email)
        else {
            try await passwords.verifyDecoy(password)
            throw failure
        }
        guard try await passwords.verify(password, against: credentials.passwordHash) else { throw failure }
        // The right password: this attempt was not a failure after all.
        limits.loginFailuresPerAccountAndClient.refund(account + " " + clientKey)
        if !isKnownClient { limits.loginFailuresPerAccount.refund(account) }
        limits.rememberSuccess(account: account, client: clientKey)
        guard !credentials.user.isDisabled else {
            throw BackroomError.unauthenticated("This account is disabled.")
        }
        let now = clock.now()
        let token = APIToken.generate()
        let expiresAt = now.adding(seconds: tokenLifetimeSeconds)
        try await store.insertToken(hash: APIToken.hash(token), userID: credentials.user.id, createdAt: now, expiresAt: expiresAt)
        try await store.recordLogin(userID: credentials.user.id, at: now)
        var user = credentials.user
        user.lastLoginAt = now
        return LoginGrant(token: token, user: user, expiresAt: expiresAt)
    }

    /// The active user a live token belongs to; `unauthenticated` otherwise.
    public func authenticate(token: String) async throws -> User {
        guard APIToken.isWellFormed(token),
              let user = try await store.user(forTokenHash: APIToken.hash(token), now: clock.now())
        else {
            throw BackroomError.unauthenticated("The token is invalid, expired or revoked.")
        }
        return user
    }

    /// Ends the session of this token.
    public func logout(token: String) async throws {
        guard APIToken.isWellFormed(token) else { return }
        _ = try await store.revokeToken(hash: APIToken.hash(token), at: clock.now())
    }

    /// The staff account an operator names when the console starts, before
    /// any password is asked: an enabled viewer, operator or admin. Only the
    /// console, on the machine that holds the store, asks this; the HTTP API
    /// never does (it would tell strangers which emails have accounts).
    public func staffAccount(_ email: String) async throws -> User {
        let address: Email
        do {
            address = try Email(email)
        } catch {
            throw BackroomError.validation("operator", "--operator takes a staff account's email; \"\(email)\" is not an email address.")
        }
        guard let credentials = try await store.credentials(for: address) else {
            throw BackroomError(.notFound, "There is no account \(address) in this store; `backroom user add --role operator` creates one.")
        }
        try Self.requireStaff(credentials.user)
        return credentials.user
    }

    /// Refuses a disabled account and a customer: the console is for staff.
    public static func requireStaff(_ user: User) throws(BackroomError) {
        guard !user.isDisabled else { throw .forbidden("\(user.email) is disabled and cannot operate the console.") }
        guard user.role.isStaff else { throw .forbidden("\(user.email) is a customer; the console is for viewers, operators and admins.") }
    }
}
