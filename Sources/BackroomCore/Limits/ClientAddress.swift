/// The network address of the client behind a request (after trusted
/// proxies), the key of every per-client limit. Requests without one (the
/// console, the command line, loopback clients when they are exempt) are
/// not limited per client.
public struct ClientAddress: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}
