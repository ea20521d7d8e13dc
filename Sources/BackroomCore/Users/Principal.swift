/// Who is acting: a signed-in user, or the system itself (the CLI, the
/// demo, the hold sweeper). Every write carries one; staff writes are
/// audited under its name.
public struct Principal: Sendable, Hashable, Codable {
    public var userID: Int64?
    public var name: String
    public var role: Role

    public init(userID: Int64?, name: String, role: Role) {
        self.userID = userID
        self.name = name
        self.role = role
    }

    /// A process acting on its own behalf with full rights (`cli`, `seed`, `sweeper`).
    public static func system(_ name: String) -> Principal {
        Principal(userID: nil, name: name, role: .admin)
    }

    public var isStaff: Bool { role.isStaff }

    public func can(_ permission: Permission) -> Bool { role.can(permission) }

    /// Throws `forbidden` unless the role grants `permission`.
    public func require(_ permission: Permission) throws(BackroomError) {
        guard can(permission) else {
            throw .forbidden("The \(role.rawValue) role may not do this (needs \(permission.rawValue)).")
        }
    }
}

/// Who wrote, and when: passed with every store write.
public struct WriteContext: Sendable, Hashable {
    public var principal: Principal
    public var at: Timestamp
    /// False for the rows of an import, which is audited once as a whole
    /// (its ledger rows name the file).
    public var auditsEachWrite: Bool
    /// The reference of ledger rows the write makes without one of its own
    /// (a created product's initial stock names the import file).
    public var ledgerReference: String?

    public init(principal: Principal, at: Timestamp, auditsEachWrite: Bool = true, ledgerReference: String? = nil) {
        self.principal = principal
        self.at = at
        self.auditsEachWrite = auditsEachWrite
        self.ledgerReference = ledgerReference
    }

    /// Staff and system writes go to the audit log; a shopper's own cart does not.
    public var isAudited: Bool { principal.isStaff && auditsEachWrite }
}
