import BackroomCore
import Synchronization

/// The per-client and shop-wide rates of the abuse limits (the per-cart
/// ones are `CartLimits`, decided in the store). Every figure is a setting;
/// these defaults let a shopper, or an office behind one address, shop
/// without noticing, and stop one client from taking the shop over.
///
/// They are kept in this process: with several API nodes each enforces its
/// own, so a client gets up to N times as much (see the operations guide).
public struct ClientLimits: Sendable, Hashable {
    public var holdsPerClientPerMinute: Int
    public var cartsPerClientPerHour: Int
    public var registrationsPerClientPerHour: Int
    public var registrationsPerSecond: Double
    public var loginsPerClientPerMinute: Int
    public var loginsPerSecond: Double
    /// Failed logins for one account from one client address: a burst of
    /// this many, then one every six seconds. An attacker elsewhere cannot
    /// use up the owner's allowance.
    public var loginFailuresPerAccountAndClient: Int
    /// Failed logins for one account from everywhere, per hour: the slow
    /// ceiling that stops guessing spread over many addresses.
    public var loginFailuresPerAccountPerHour: Int

    public init(
        holdsPerClientPerMinute: Int = 120, cartsPerClientPerHour: Int = 60, registrationsPerClientPerHour: Int = 20,
        registrationsPerSecond: Double = 5, loginsPerClientPerMinute: Int = 30, loginsPerSecond: Double = 20,
        loginFailuresPerAccountAndClient: Int = 10, loginFailuresPerAccountPerHour: Int = 200
    ) {
        self.holdsPerClientPerMinute = holdsPerClientPerMinute
        self.cartsPerClientPerHour = cartsPerClientPerHour
        self.registrationsPerClientPerHour = registrationsPerClientPerHour
        self.registrationsPerSecond = registrationsPerSecond
        self.loginsPerClientPerMinute = loginsPerClientPerMinute
        self.loginsPerSecond = loginsPerSecond
        self.loginFailuresPerAccountAndClient = loginFailuresPerAccountAndClient
        self.loginFailuresPerAccountPerHour = loginFailuresPerAccountPerHour
    }

    /// Every rate at least one; refused naming the setting otherwise.
    public func validated() throws(BackroomError) -> ClientLimits {
        let counts: [(AbuseLimit, Int)] = [
            (.holdsPerClientPerMinute, holdsPerClientPerMinute), (.cartsPerClientPerHour, cartsPerClientPerHour),
            (.registrationsPerClientPerHour, registrationsPerClientPerHour), (.loginsPerClientPerMinute, loginsPerClientPerMinute),
            (.loginFailuresPerAccountAndClient, loginFailuresPerAccountAndClient), (.loginFailuresPerAccount, loginFailuresPerAccountPerHour),
        ]
        for (limit, value) in counts where value < 1 {
            throw .validation(limit.settingKey, "\(limit.settingKey) is at least 1 (was \(value)).")
        }
        for (limit, value) in [(AbuseLimit.registrationsPerSecond, registrationsPerSecond), (.loginsPerSecond, loginsPerSecond)] where !(value > 0) {
            throw .validation(limit.settingKey, "\(limit.settingKey) is above 0 (was \(value)).")
        }
        return self
    }
}

/// The buckets behind `ClientLimits`, one set per service layer.
final class ClientGuard: Sendable {
    let holds: RateLimiter
    let carts: RateLimiter
    let registrationsPerClient: RateLimiter
    let registrations: RateLimiter
    let loginsPerClient: RateLimiter
    let logins: RateLimiter
    let loginFailuresPerAccountAndClient: RateLimiter
    let loginFailuresPerAccount: RateLimiter
    /// Account and client pairs that signed in successfully lately: the
    /// per-account ceiling does not apply to them, so guessing from
    /// elsewhere cannot lock the owner out of the places they use.
    private let knownClients = Mutex<[String: Int64]>([:])
    private let clock: any TimeSource
    private static let rememberedFor: Int64 = 30 * 86_400_000

    func isKnown(account: String, client: String) -> Bool {
        let key = account + " " + client
        let now = clock.now().millisecondsSince1970
        return knownClients.withLock { known in
            guard let last = known[key] else { return false }
            return now - last < Self.rememberedFor
        }
    }

    func rememberSuccess(account: String, client: String) {
        let now = clock.now().millisecondsSince1970
        knownClients.withLock { known in
            if known.count >= 100_000 { known.removeAll() }
            known[account + " " + client] = now
        }
    }

    init(_ limits: ClientLimits, clock: any TimeSource) {
        holds = RateLimiter(limit: .holdsPerClientPerMinute, count: limits.holdsPerClientPerMinute, per: 60, clock: clock)
        carts = RateLimiter(limit: .cartsPerClientPerHour, count: limits.cartsPerClientPerHour, per: 3600, clock: clock)
        registrationsPerClient = RateLimiter(limit: .registrationsPerClientPerHour, count: limits.registrationsPerClientPerHour, per: 3600, clock: clock)
        registrations = RateLimiter(
            limit: .registrationsPerSecond, capacity: max(1, limits.registrationsPerSecond * 2), perSecond: limits.registrationsPerSecond, clock: clock
        )
        loginsPerClient = RateLimiter(limit: .loginsPerClientPerMinute, count: limits.loginsPerClientPerMinute, per: 60, clock: clock)
        logins = RateLimiter(limit: .loginsPerSecond, capacity: max(1, limits.loginsPerSecond * 2), perSecond: limits.loginsPerSecond, clock: clock)
        loginFailuresPerAccountAndClient = RateLimiter(
            limit: .loginFailuresPerAccountAndClient, capacity: Double(limits.loginFailuresPerAccountAndClient), perSecond: 1.0 / 6, clock: clock
        )
        loginFailuresPerAccount = RateLimiter(limit: .loginFailuresPerAccount, count: limits.loginFailuresPerAccountPerHour, per: 3600, clock: clock)
        self.clock = clock
    }
}
