import Crypto

/// Bearer tokens: `brt_` + 32 base-32 characters (160 random bits). Shown
/// once; the store keeps only the SHA-256 of the text.
public enum APIToken {
    public static let prefix = "brt_"

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var token = prefix
        for _ in 0..<32 { token.append(alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))]) }
        return token
    }

    public static func hash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// Whether a text is shaped like a token (checked before any store lookup).
    public static func isWellFormed(_ token: String) -> Bool {
        token.hasPrefix(prefix) && token.utf8.count == prefix.utf8.count + 32
    }
}
