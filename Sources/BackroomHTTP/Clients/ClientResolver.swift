import BackroomCore
import HTTPTypes

/// Who a request comes from. The peer is believed unless it is a trusted
/// proxy; only then are `Forwarded` and `X-Forwarded-For` read, from the
/// right (the hop nearest to us), skipping further trusted proxies, so a
/// client cannot choose its own address by sending the header itself.
public struct ClientResolver: Sendable {
    let trustedProxies: [AddressRange]
    let exemptLoopback: Bool

    public init(trustedProxies: [AddressRange], exemptLoopback: Bool) {
        self.trustedProxies = trustedProxies
        self.exemptLoopback = exemptLoopback
    }

    /// The client's address (nil without a peer, as in router tests).
    public func address(peer: String?, headers: HTTPFields) -> String? {
        guard let peer else { return nil }
        guard isTrusted(peer) else { return peer }
        let forwarded = Self.forwardedFor(headers)
        for hop in forwarded.reversed() where !isTrusted(hop) {
            return hop
        }
        return forwarded.first ?? peer
    }

    /// The key of per-client limits: nil for clients that are exempt.
    public func limitedClient(_ address: String?) -> ClientAddress? {
        guard let address else { return nil }
        if exemptLoopback && AddressRange.isLoopback(address) { return nil }
        return ClientAddress(address)
    }

    /// Whether `peer` is a proxy whose forwarding headers are believed.
    public func isTrustedProxy(_ peer: String) -> Bool { isTrusted(peer) }

    private func isTrusted(_ address: String) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// Addresses from `Forwarded: for=…` (RFC 7239) if present, otherwise
    /// from `X-Forwarded-For`, in the order the hops added them.
    static func forwardedFor(_ headers: HTTPFields) -> [String] {
        let forwarded = headers[values: .forwarded]
        if !forwarded.isEmpty {
            var result: [String] = []
            for element in forwarded.joined(separator: ",").split(separator: ",") {
                for pair in element.split(separator: ";") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, String(parts[0]).trimmingWhitespace().lowercased() == "for" else { continue }
                    var value = String(parts[1]).trimmingWhitespace()
                    if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                    result.append(stripPort(value))
                }
            }
            return result.filter { AddressRange.bytes(of: $0) != nil }
        }
        return headers[values: .xForwardedFor]
            .joined(separator: ",")
            .split(separator: ",")
            .map { stripPort(String($0).trimmingWhitespace()) }
            .filter { AddressRange.bytes(of: $0) != nil }
    }

    /// `[2001:db8::1]:4711` → `2001:db8::1`; `192.0.2.1:80` → `192.0.2.1`.
    private static func stripPort(_ value: String) -> String {
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") {
            return String(value[value.index(after: value.startIndex)..<close])
        }
        if value.filter({ $0 == ":" }).count == 1, let colon = value.firstIndex(of: ":") {
            return String(value[..<colon])
        }
        return value
    }
}

extension HTTPField.Name {
    static let forwarded = HTTPField.Name("Forwarded")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
