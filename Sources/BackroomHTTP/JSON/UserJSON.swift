import BackroomCore
import BackroomServices

public struct UserJSON: Codable, Sendable {
    public var id: Int64
    public var email: String
    public var displayName: String
    public var role: String
    public var status: String
    public var createdAt: String
    public var lastLoginAt: String?

    public init(_ user: User) {
        id = user.id
        email = user.email.rawValue
        displayName = user.displayName
        role = user.role.rawValue
        status = user.status.rawValue
        createdAt = user.createdAt.iso8601
        lastLoginAt = user.lastLoginAt?.iso8601
    }
}

public struct AuditEntryJSON: Codable, Sendable {
    public var id: Int64
    public var at: String
    public var actor: String
    public var action: String
    public var targetType: String
    public var targetId: String
    public var summary: String

    public init(_ entry: AuditEntry) {
        id = entry.id
        at = entry.at.iso8601
        actor = entry.actor
        action = entry.action
        targetType = entry.targetType
        targetId = entry.targetID
        summary = entry.summary
    }
}

public struct RegisterRequest: Codable, Sendable {
    public var email: String
    public var displayName: String
    public var password: String
}

/// What sign-up answers, the same whether the email was free or taken.
public struct RegistrationResponse: Codable, Sendable {
    public var status: String
    public var email: String
    public var message: String

    init(_ registration: Registration) {
        status = "accepted"
        email = registration.email.rawValue
        message = "If this email can be used, its account exists now: sign in with it."
    }
}

public struct LoginRequest: Codable, Sendable {
    public var email: String
    public var password: String
}

public struct LoginResponse: Codable, Sendable {
    public var token: String
    public var expiresAt: String
    public var user: UserJSON
}

public struct CreateUserRequest: Codable, Sendable {
    public var email: String
    public var displayName: String
    public var role: String
    public var password: String
}

public struct RoleRequest: Codable, Sendable {
    public var role: String
}

public struct PasswordResetRequest: Codable, Sendable {
    public var password: String?
}

public struct PasswordResetResponse: Codable, Sendable {
    public var password: String
}

public struct RevokedResponse: Codable, Sendable {
    public var revoked: Int
}
