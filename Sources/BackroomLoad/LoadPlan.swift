import BackroomCore
import Foundation

/// What `backroom loadgen` should do.
public struct LoadPlan: Sendable {
    public var baseURL: String
    /// Simulated shoppers running at once.
    public var shoppers: Int
    /// Stop after this long (nil: until cancelled).
    public var duration: Duration?
    /// Stop after this many requests (nil: no limit).
    public var maximumRequests: Int?
    /// Requests per second over all shoppers (nil: as fast as they go).
    public var rate: Double?
    /// Share of deliberately bad requests (unknown SKUs, malformed bodies).
    public var badRequestShare: Double
    public var seed: UInt64

    public init(baseURL: String, shoppers: Int, duration: Duration?, maximumRequests: Int? = nil, rate: Double? = nil, badRequestShare: Double = 0.05, seed: UInt64 = 1) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.shoppers = shoppers
        self.duration = duration
        self.maximumRequests = maximumRequests
        self.rate = rate
        self.badRequestShare = badRequestShare
        self.seed = seed
    }

    public static let maximumShoppers = 1000

    /// Refuses plans that are unbounded by accident or aim at another host.
    public func validated(allowRemote: Bool) throws(BackroomError) -> LoadPlan {
        guard (1...Self.maximumShoppers).contains(shoppers) else {
            throw .validation("users", "Between 1 and \(Self.maximumShoppers) shoppers.")
        }
        if let rate, !(rate > 0 && rate <= 100_000) { throw .validation("rate", "The rate is 0 to 100,000 requests per second.") }
        guard (0...0.5).contains(badRequestShare) else { throw .validation("bad-share", "The share of bad requests is 0 to 0.5.") }
        guard let url = URL(string: baseURL), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host else {
            throw .validation("url", "\"\(baseURL)\" is not an http(s) URL.")
        }
        if !allowRemote && !Self.isLoopback(host) {
            throw .validation("url", "\(host) is not this machine; load only loopback targets unless --allow-remote is given.")
        }
        return self
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }
}
