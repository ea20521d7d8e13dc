/// An IPv4 or IPv6 address range in CIDR notation (`10.0.0.0/8`,
/// `::1/128`), or a single address. IPv4-mapped IPv6 addresses
/// (`::ffff:10.0.0.1`) match IPv4 ranges.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    private let network: [UInt8]
    private let prefixLength: Int
    public let description: String

    public init(parsing text: String) throws(BackroomError) {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = AddressRange.bytes(of: String(parts[0])) else {
            throw .validation("address", "\"\(text)\" is not an IP address or CIDR range (like 10.0.0.0/8 or ::1).")
        }
        let maximum = bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...maximum).contains(value) else {
                throw .validation("address", "\"\(text)\": the prefix length is 0–\(maximum).")
            }
            length = value
        }
        network = AddressRange.masked(bytes, to: length)
        prefixLength = length
        description = trimmed
    }

    /// Whether `address` (as text) lies in the range.
    public func contains(_ address: String) -> Bool {
        guard let bytes = AddressRange.bytes(of: address) else { return false }
        return contains(bytes: bytes)
    }

    /// Whether an address as the resolver gives it (4 or 16 bytes) lies in the range.
    public func contains(bytes: [UInt8]) -> Bool {
        bytes.count == network.count && AddressRange.masked(bytes, to: prefixLength) == network
    }

    static let loopback: [AddressRange] = [try! AddressRange(parsing: "127.0.0.0/8"), try! AddressRange(parsing: "::1/128")]

    public static func isLoopback(_ address: String) -> Bool {
        loopback.contains { $0.contains(address) }
    }

    private static func masked(_ bytes: [UInt8], to length: Int) -> [UInt8] {
        var result = bytes
        for index in result.indices {
            let bitsKept = max(0, min(8, length - index * 8))
            result[index] &= bitsKept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsKept))
        }
        return result
    }

    /// 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6.
    public static func bytes(of text: String) -> [UInt8]? {
        var text = Substring(text)
        if text.hasPrefix("[") && text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        if text.contains(":") {
            let lower = text.lowercased()
            if lower.hasPrefix("::ffff:"), lower.dropFirst(7).contains("."), let v4 = ipv4(lower.dropFirst(7)) { return v4 }
            return ipv6(text)
        }
        return ipv4(text)
    }

    private static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isNumber), let value = UInt8(part) else { return nil }
            result.append(value)
        }
        return result
    }

    private static func ipv6(_ text: Substring) -> [UInt8]? {
        var halves = [String(text)]
        if let gap = text.firstRange(of: "::") {
            halves = [String(text[..<gap.lowerBound]), String(text[gap.upperBound...])]
            guard !halves[1].contains("::") else { return nil }
        }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !group.isEmpty, group.count <= 4, let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
