/// One line of the audit log: who changed what, when, and how.
public struct AuditEntry: Sendable, Hashable, Codable, Identifiable {
    public var id: Int64
    public var at: Timestamp
    public var actor: String
    public var actorID: Int64?
    /// A dotted verb: `product.create`, `stock.adjust`, `order.ship`, `user.disable`.
    public var action: String
    public var targetType: String
    public var targetID: String
    public var summary: String

    public init(id: Int64, at: Timestamp, actor: String, actorID: Int64?, action: String, targetType: String, targetID: String, summary: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.actorID = actorID
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.summary = summary
    }
}

/// An audit line to be written with a change, in the same transaction.
public struct AuditRecord: Sendable, Hashable {
    public var action: String
    public var targetType: String
    public var targetID: String
    public var summary: String

    public init(action: String, targetType: String, targetID: String, summary: String) {
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.summary = summary
    }
}
