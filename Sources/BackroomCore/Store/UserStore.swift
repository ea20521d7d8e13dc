/// Accounts and their tokens.
public protocol UserStore: Sendable {
    /// `conflict` if the email is taken.
    func createUser(_ user: NewUser, context: WriteContext) async throws -> User

    func user(id: Int64) async throws -> User?

    func credentials(for email: Email) async throws -> UserCredentials?

    func users(matching filter: UserFilter, sort: UserSort, window: ListWindow) async throws -> Window<User>

    func countUsers(matching filter: UserFilter) async throws -> Int

    func userPosition(of key: KeysetKey, matching filter: UserFilter, sort: UserSort) async throws -> Int

    func updateUser(id: Int64, changes: UserChanges, context: WriteContext) async throws -> User

    /// Replaces the password hash and revokes every token of the user.
    func setPasswordHash(userID: Int64, hash: String, context: WriteContext) async throws

    func recordLogin(userID: Int64, at: Timestamp) async throws

    /// Stores a token by its hash only.
    func insertToken(hash: [UInt8], userID: Int64, createdAt: Timestamp, expiresAt: Timestamp) async throws

    /// The active user a live (unrevoked, unexpired) token belongs to.
    func user(forTokenHash hash: [UInt8], now: Timestamp) async throws -> User?

    /// Returns whether a live token was revoked.
    func revokeToken(hash: [UInt8], at: Timestamp) async throws -> Bool

    /// Revokes every live token of a user; returns how many.
    func revokeAllTokens(userID: Int64, context: WriteContext) async throws -> Int
}
