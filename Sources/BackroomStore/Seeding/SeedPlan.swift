import BackroomCore

/// What `backroom seed` should add.
public struct SeedPlan: Sendable {
    public var products: Int
    public var users: Int
    public var orders: Int
    public var seed: UInt64
    /// The bcrypt hash every seeded account shares (hashed once by the caller).
    public var passwordHash: String
    public var now: Timestamp

    public init(products: Int, users: Int, orders: Int, seed: UInt64, passwordHash: String, now: Timestamp) {
        self.products = products
        self.users = users
        self.orders = orders
        self.seed = seed
        self.passwordHash = passwordHash
        self.now = now
    }
}

/// Progress of a running seed, for a progress line.
public struct SeedProgress: Sendable {
    public var phase: String
    public var done: Int
    public var total: Int
}

public struct SeedReport: Sendable {
    public var products: Int = 0
    public var users: Int = 0
    public var orders: Int = 0
    public var productSeconds: Double = 0
    public var userSeconds: Double = 0
    public var orderSeconds: Double = 0

    public var productsPerSecond: Double { productSeconds > 0 ? Double(products) / productSeconds : 0 }
}
