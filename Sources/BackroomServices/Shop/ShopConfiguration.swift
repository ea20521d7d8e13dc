import BackroomCore

/// Tunables of the service layer.
public struct ShopConfiguration: Sendable, Hashable {
    /// How long units added to a cart stay held.
    public var holdPolicy: HoldPolicy
    /// How long a login token lives.
    public var tokenLifetimeSeconds: Int64
    /// bcrypt work factor: 12 in production (about 300 ms a hash on two cores),
    /// 4 in tests.
    public var passwordCost: UInt8

    public init(holdPolicy: HoldPolicy = HoldPolicy(), tokenLifetimeSeconds: Int64 = 30 * 24 * 3600, passwordCost: UInt8 = 12) {
        self.holdPolicy = holdPolicy
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.passwordCost = passwordCost
    }
}
