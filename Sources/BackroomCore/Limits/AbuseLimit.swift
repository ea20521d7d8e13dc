/// A limit that keeps one client from taking more than its share: stock
/// off sale, hashing time, carts. Each names the setting that sets it, so
/// a refusal tells an operator exactly which knob a shopper ran into.
public enum AbuseLimit: String, Sendable, Hashable, Codable, CaseIterable {
    case unitsPerLine = "units_per_line"
    case linesPerCart = "lines_per_cart"
    case holdShare = "hold_share"
    case holdsPerClientPerMinute = "holds_per_client_per_minute"
    case cartsPerClientPerHour = "carts_per_client_per_hour"
    case registrationsPerClientPerHour = "registrations_per_client_per_hour"
    case registrationsPerSecond = "registrations_per_second"
    case loginFailuresPerAccountAndClient = "login_failures_per_account_and_client"
    case loginFailuresPerAccount = "login_failures_per_account_per_hour"
    case loginsPerClientPerMinute = "logins_per_client_per_minute"
    case loginsPerSecond = "logins_per_second"
    case requestsPerClientPerSecond = "requests_per_client_per_second"
    case passwordHashingQueue = "password_hashing_queue"
    case liveSubscribers = "live_subscribers"

    /// The key of the setting in the settings file.
    public var settingKey: String {
        switch self {
        case .requestsPerClientPerSecond: "rate_limit_per_second"
        case .passwordHashingQueue: "hashing.queue"
        case .liveSubscribers: "live.max_subscribers"
        default: "limits." + rawValue
        }
    }
}

/// Limits that hold per cart, decided inside the store transaction that
/// places a hold (they need the current stock).
public struct CartLimits: Sendable, Hashable {
    /// Units of one SKU in one line; at most `QuantityRules.maximumLineQuantity`.
    public var unitsPerLine: Int64
    /// Distinct SKUs in one cart.
    public var linesPerCart: Int
    /// The share of a SKU's available stock (what is free plus what this
    /// cart already holds) that one cart may hold, 0 < share ≤ 1.
    public var holdShare: Double
    /// A cart may always hold this many units (or all there is, if fewer),
    /// whatever the share says: nobody is refused the last three mugs.
    public var holdFloorUnits: Int64
    /// How long after a cart's first hold every hold of that cart ends,
    /// however often its lines are put again.
    public var holdLifetimeSeconds: Int64

    public init(
        unitsPerLine: Int64 = QuantityRules.maximumLineQuantity, linesPerCart: Int = 50, holdShare: Double = 0.5,
        holdFloorUnits: Int64 = 5, holdLifetimeSeconds: Int64 = 3600
    ) {
        self.unitsPerLine = unitsPerLine
        self.linesPerCart = linesPerCart
        self.holdShare = holdShare
        self.holdFloorUnits = holdFloorUnits
        self.holdLifetimeSeconds = holdLifetimeSeconds
    }

    /// Settings out of range are refused, naming the setting.
    public func validated() throws(BackroomError) -> CartLimits {
        guard (1...QuantityRules.maximumLineQuantity).contains(unitsPerLine) else {
            throw .validation(AbuseLimit.unitsPerLine.settingKey, "Units per line are 1–\(QuantityRules.maximumLineQuantity) (was \(unitsPerLine)).")
        }
        guard (1...10_000).contains(linesPerCart) else {
            throw .validation(AbuseLimit.linesPerCart.settingKey, "Lines per cart are 1–10000 (was \(linesPerCart)).")
        }
        guard holdShare > 0, holdShare <= 1 else {
            throw .validation(AbuseLimit.holdShare.settingKey, "The hold share is above 0 and at most 1 (was \(holdShare)).")
        }
        guard holdFloorUnits >= 1 else {
            throw .validation("limits.hold_floor_units", "The hold floor is at least 1 unit (was \(holdFloorUnits)).")
        }
        guard holdLifetimeSeconds >= 60 else {
            throw .validation("limits.hold_lifetime_minutes", "A hold lives at least a minute.")
        }
        return self
    }
}

extension BackroomError {
    /// A per-cart limit refused the request: nothing was written.
    public static func limitExceeded(_ limit: AbuseLimit, _ message: String, field: String? = nil) -> BackroomError {
        BackroomError(.limitExceeded, message, field: field, detail: .limit(limit, retryAfterSeconds: nil))
    }

    /// A per-client rate refused the request: nothing was written; try
    /// again after `retryAfterSeconds`.
    public static func rateLimited(_ limit: AbuseLimit, _ message: String, retryAfterSeconds: Int) -> BackroomError {
        BackroomError(.rateLimited, message, detail: .limit(limit, retryAfterSeconds: retryAfterSeconds))
    }
}
