import BackroomCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a webhook may point. Only `http` and `https`, and (unless the
/// shop allows it) never to loopback, private, link-local or otherwise
/// internal addresses, whether written as an address or reached through a
/// host name: a subscription must not turn the server into a proxy into
/// its own network (server-side request forgery). The check is made when a
/// subscription is saved and again before every delivery, so a name that
/// later resolves inward is refused then.
public struct WebhookTargetPolicy: Sendable {
    public var allowPrivateTargets: Bool

    public init(allowPrivateTargets: Bool) {
        self.allowPrivateTargets = allowPrivateTargets
    }

    /// The URL's syntax: scheme, host, no credentials, a sane length.
    public static func parse(_ text: String) throws(BackroomError) -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= 2_000 else { throw .validation("url", "The URL is longer than 2,000 bytes.") }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw .validation("url", "\"\(text)\" is not an absolute URL like https://example.com/hooks/backroom.")
        }
        guard scheme == "http" || scheme == "https" else {
            throw .validation("url", "Only http and https URLs can receive webhooks, not \(scheme).")
        }
        guard url.user == nil, url.password == nil else {
            throw .validation("url", "Put no credentials in the URL; receivers verify the signature instead.")
        }
        return url
    }

    /// Parses and resolves the URL; refused when any address it reaches is internal.
    public func check(_ text: String) async throws(BackroomError) -> URL {
        let url = try Self.parse(text)
        guard !allowPrivateTargets else { return url }
        let host = url.host!.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let addresses = await Self.resolve(host)
        guard !addresses.isEmpty else {
            throw .validation("url", "\(host) does not resolve to an address.")
        }
        if let inward = addresses.first(where: Self.isInternal) {
            throw .validation(
                "url", "\(host) reaches \(Self.text(of: inward)), an internal address (loopback, private or link-local); "
                    + "webhooks go to public addresses only (setting allow_private_webhook_targets)."
            )
        }
        return url
    }

    /// Whether the address (4 or 16 bytes) is not a public unicast address.
    public static func isInternal(_ bytes: [UInt8]) -> Bool {
        if bytes.count == 4 { return internalRanges.contains { $0.contains(bytes: bytes) } }
        guard bytes.count == 16 else { return true }
        // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return isInternal(Array(bytes[12...])) }
        if bytes[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return isInternal(Array(bytes[12...])) }
        return internalRanges.contains { $0.contains(bytes: bytes) }
    }

    private static let internalRanges: [AddressRange] = [
        "0.0.0.0/8",        // "this network"
        "10.0.0.0/8",       // private
        "100.64.0.0/10",    // carrier-grade NAT
        "127.0.0.0/8",      // loopback
        "169.254.0.0/16",   // link-local (cloud metadata lives here)
        "172.16.0.0/12",    // private
        "192.0.0.0/24",     // protocol assignments
        "192.168.0.0/16",   // private
        "198.18.0.0/15",    // benchmarking
        "224.0.0.0/4",      // multicast
        "240.0.0.0/4",      // reserved, broadcast
        "::/127",           // unspecified and loopback
        "fc00::/7",         // unique local
        "fe80::/10",        // link-local
        "fec0::/10",        // site-local (deprecated)
        "ff00::/8",         // multicast
    ].map { try! AddressRange(parsing: $0) }

    /// Every address the system resolver gives for `host` (an address
    /// literal resolves to itself). Runs off the cooperative pool: the
    /// resolver blocks.
    public static func resolve(_ host: String) async -> [[UInt8]] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: resolveBlocking(host)) }
        }
    }

    private static func resolveBlocking(_ host: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [[UInt8]] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = current.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin_addr
                        addresses.append(withUnsafeBytes(of: &raw) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin6_addr
                        addresses.append(withUnsafeBytes(of: &raw) { Array($0) })
                    }
                default:
                    break
                }
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    static func text(of bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: bytes.count, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}
