import Foundation

/// Why on hand changed. Every ledger row carries one.
public enum MovementReason: String, Sendable, Hashable, Codable, CaseIterable {
    case received
    case correction
    case cycleCount = "cycle_count"
    case damaged
    case shrinkage
    case `return`
    case sale

    /// Reasons an operator may pick by hand; `sale` is written by shipping only.
    public static let manual: [MovementReason] = [.received, .correction, .cycleCount, .damaged, .shrinkage, .return]

    public var label: String {
        switch self {
        case .cycleCount: "cycle count"
        default: rawValue
        }
    }

    /// Checks that a manual change fits its reason: goods are received and
    /// returned (up), damaged and lost (down); corrections and counts go
    /// either way.
    public func validate(manualDelta delta: Int64) throws(BackroomError) {
        switch self {
        case .sale:
            throw .validation("reason", "Sales are recorded by shipping orders, not by hand.")
        case .received, .return:
            if delta < 0 { throw .validation("delta", "A \(label) change must add stock (use correction to remove).") }
        case .damaged, .shrinkage:
            if delta > 0 { throw .validation("delta", "A \(label) change must remove stock (use received or correction to add).") }
        case .correction, .cycleCount:
            break
        }
    }

    public init(parsing text: String) throws(BackroomError) {
        let normalized = text.trimmingWhitespace().lowercased().replacingOccurrences(of: " ", with: "_")
        guard let reason = MovementReason(rawValue: normalized) else {
            let names = MovementReason.manual.map(\.rawValue).joined(separator: ", ")
            throw .validation("reason", "Unknown reason \"\(text)\"; use one of \(names).")
        }
        self = reason
    }
}
