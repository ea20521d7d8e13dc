/// What someone may do, from least to most.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case customer
    case viewer
    case `operator`
    case admin

    public var isStaff: Bool { self != .customer }

    public var permissions: Set<Permission> {
        switch self {
        case .customer:
            return []
        case .viewer:
            return [.viewInventory, .viewOrders, .viewUsers]
        case .operator:
            return [.viewInventory, .viewOrders, .viewUsers, .editCatalog, .adjustStock, .transitionOrders]
        case .admin:
            return Set(Permission.allCases)
        }
    }

    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    private var rank: Int { Role.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    public init(parsing text: String) throws(BackroomError) {
        guard let role = Role(rawValue: text.trimmingWhitespace().lowercased()) else {
            let names = Role.allCases.map(\.rawValue).joined(separator: ", ")
            throw .validation("role", "Unknown role \"\(text)\"; use one of \(names).")
        }
        self = role
    }
}

/// A capability a staff role grants. Checked by the service layer, so the
/// API and the console enforce the same rules.
public enum Permission: String, Sendable, Hashable, Codable, CaseIterable {
    case viewInventory
    case viewOrders
    case viewUsers
    case editCatalog
    case adjustStock
    case transitionOrders
    case manageUsers
    case viewAudit
    case viewLive
    case manageWebhooks
}

public enum UserStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case active
    case disabled
}
