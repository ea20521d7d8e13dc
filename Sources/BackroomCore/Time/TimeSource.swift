import Foundation
import Synchronization

/// Where the services read the time. Injected so that tests can move time
/// (hold expiry, token expiry) without sleeping.
public protocol TimeSource: Sendable {
    func now() -> Timestamp
}

public struct SystemTimeSource: TimeSource {
    public init() {}
    public func now() -> Timestamp { Timestamp(Date()) }
}

/// A clock that only moves when told to.
public final class ManualTimeSource: TimeSource {
    private let current: Mutex<Timestamp>

    public init(_ start: Timestamp = Timestamp(millisecondsSince1970: 1_767_225_600_000)) {
        current = Mutex(start)
    }

    public func now() -> Timestamp { current.withLock { $0 } }

    public func advance(seconds: Int64) {
        current.withLock { $0 = $0.adding(seconds: seconds) }
    }

    public func advance(milliseconds: Int64) {
        current.withLock { $0 = $0.adding(milliseconds: milliseconds) }
    }

    public func set(_ timestamp: Timestamp) {
        current.withLock { $0 = timestamp }
    }
}
