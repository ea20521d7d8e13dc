/// An email address, validated and normalised to lower case so that one
/// person cannot hold two accounts by changing case.
public struct Email: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(_ text: String) throws(BackroomError) {
        let trimmed = text.trimmingWhitespace().lowercased()
        guard !trimmed.isEmpty else { throw .validation("email", "Enter an email address.") }
        guard trimmed.utf8.count <= 254 else {
            throw .validation("email", "An email address has at most 254 characters.")
        }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw .validation("email", "\"\(text)\" is not an email address (it needs one @).")
        }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.utf8.count <= 64,
              local.unicodeScalars.allSatisfy({ Email.isLocalCharacter($0) }),
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else {
            throw .validation("email", "\"\(text)\" is not an email address (the part before @ is invalid).")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
              labels.allSatisfy({ label in
                  !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                      && label.unicodeScalars.allSatisfy { Email.isDomainCharacter($0) }
              })
        else {
            throw .validation("email", "\"\(text)\" is not an email address (the domain is invalid).")
        }
        rawValue = trimmed
    }

    /// For values read back from the store.
    public init(trusted text: String) {
        rawValue = text
    }

    private static func isLocalCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) { return true }
        return "!#$%&'*+-/=?^_`{|}~.".unicodeScalars.contains(scalar)
    }

    private static func isDomainCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-"
    }

    public var description: String { rawValue }

    /// The part before the @, used as a short display name in live views.
    public var localPart: String { String(rawValue.prefix { $0 != "@" }) }

    public static func < (lhs: Email, rhs: Email) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try Email(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
