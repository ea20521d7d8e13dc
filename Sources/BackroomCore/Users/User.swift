/// A person with an account: a shopper or a member of staff.
public struct User: Sendable, Hashable, Codable, Identifiable {
    public var id: Int64
    public var email: Email
    public var displayName: String
    public var role: Role
    public var status: UserStatus
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var lastLoginAt: Timestamp?

    public init(
        id: Int64, email: Email, displayName: String, role: Role, status: UserStatus,
        createdAt: Timestamp, updatedAt: Timestamp, lastLoginAt: Timestamp?
    ) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.role = role
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastLoginAt = lastLoginAt
    }

    public var isDisabled: Bool { status == .disabled }

    public var principal: Principal { Principal(userID: id, name: email.rawValue, role: role) }
}

/// A user with the password hash the store keeps for them; only the auth
/// service sees this.
public struct UserCredentials: Sendable, Hashable {
    public var user: User
    public var passwordHash: String

    public init(user: User, passwordHash: String) {
        self.user = user
        self.passwordHash = passwordHash
    }
}

/// A new account, validated, with its password already hashed.
public struct NewUser: Sendable, Hashable {
    public var email: Email
    public var displayName: String
    public var role: Role
    public var passwordHash: String

    public init(email: Email, displayName: String, role: Role, passwordHash: String) {
        self.email = email
        self.displayName = displayName
        self.role = role
        self.passwordHash = passwordHash
    }
}

/// A staff change to an account; `nil` leaves a field alone.
public struct UserChanges: Sendable, Hashable {
    public var displayName: String?
    public var role: Role?
    public var status: UserStatus?

    public init(displayName: String? = nil, role: Role? = nil, status: UserStatus? = nil) {
        self.displayName = displayName
        self.role = role
        self.status = status
    }

    public func summary(from before: User, to after: User) -> String {
        var parts: [String] = []
        if before.displayName != after.displayName { parts.append("name \"\(before.displayName)\" → \"\(after.displayName)\"") }
        if before.role != after.role { parts.append("role \(before.role.rawValue) → \(after.role.rawValue)") }
        if before.status != after.status { parts.append("status \(before.status.rawValue) → \(after.status.rawValue)") }
        return parts.isEmpty ? "no change" : parts.joined(separator: ", ")
    }
}

public enum UserRules {
    public static let minimumPasswordLength = 8
    /// bcrypt reads at most 72 bytes; longer passwords are refused rather than silently cut.
    public static let maximumPasswordBytes = 72

    public static func displayName(_ text: String) throws(BackroomError) -> String {
        try TextRules.requiredLine(text, field: "displayName", label: "name", maximum: 100)
    }

    /// A password someone may choose: 8 characters or more, at most 72
    /// bytes of UTF-8 (what bcrypt reads), no control characters (a NUL
    /// would end the text early in C code), not one of the commonest
    /// passwords and not the account's own email.
    public static func password(_ text: String, email: Email? = nil) throws(BackroomError) -> String {
        guard text.count >= minimumPasswordLength else {
            throw .validation("password", "A password has at least \(minimumPasswordLength) characters.")
        }
        guard text.utf8.count <= maximumPasswordBytes else {
            throw .validation("password", "A password has at most \(maximumPasswordBytes) bytes of UTF-8 (this one has \(text.utf8.count)).")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .validation("password", "A password cannot contain control characters.")
        }
        let folded = text.lowercased()
        guard !CommonPasswords.all.contains(folded) else {
            throw .validation("password", "This password is one of the most common ones; choose another.")
        }
        if let email, folded == email.rawValue || folded == email.localPart {
            throw .validation("password", "A password cannot be the email address.")
        }
        return text
    }
}
