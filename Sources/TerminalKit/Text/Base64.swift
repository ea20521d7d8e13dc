/// Base64 (RFC 4648) for OSC 52, without pulling Foundation into the UI thread.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    static func encode(_ bytes: [UInt8]) -> String {
        var result = ""
        result.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let first = bytes[index]
            let second = index + 1 < bytes.count ? bytes[index + 1] : 0
            let third = index + 2 < bytes.count ? bytes[index + 2] : 0
            let value = UInt32(first) << 16 | UInt32(second) << 8 | UInt32(third)
            result.append(alphabet[Int(value >> 18 & 63)])
            result.append(alphabet[Int(value >> 12 & 63)])
            result.append(index + 1 < bytes.count ? alphabet[Int(value >> 6 & 63)] : "=")
            result.append(index + 2 < bytes.count ? alphabet[Int(value & 63)] : "=")
            index += 3
        }
        return result
    }
}
