import Foundation

public enum OrderStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pendingPayment = "pending_payment"
    case paid
    case shipped
    case delivered
    case cancelled
    case refunded

    /// Whether the order's lines still count as allocated stock.
    public var holdsAllocation: Bool { self == .pendingPayment || self == .paid }

    /// "pending payment"
    public var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }

    public init(parsing text: String) throws(BackroomError) {
        let normalized = text.trimmingWhitespace().lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        guard let status = OrderStatus(rawValue: normalized) else {
            let names = OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw .validation("status", "Unknown order status \"\(text)\"; use one of \(names).")
        }
        self = status
    }
}

public enum OrderAction: String, Sendable, Hashable, Codable, CaseIterable {
    case pay
    case ship
    case deliver
    case cancel
    case refund

    /// Actions that cannot be undone and ask an operator to confirm.
    public var isDestructive: Bool { self == .cancel || self == .refund }

    public init(parsing text: String) throws(BackroomError) {
        guard let action = OrderAction(rawValue: text.trimmingWhitespace().lowercased()) else {
            let names = OrderAction.allCases.map(\.rawValue).joined(separator: ", ")
            throw .validation("action", "Unknown order action \"\(text)\"; use one of \(names).")
        }
        self = action
    }
}
