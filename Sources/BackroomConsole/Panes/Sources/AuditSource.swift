import BackroomCore
import BackroomServices
import TerminalKit

/// The Audit pane: who did what, when, newest first; Enter goes to the
/// thing an entry changed.
struct AuditSource: NewestFirstListSource {
    typealias Item = AuditEntry
    /// Entries have no detail of their own: Enter goes to their target.
    struct Detail: Sendable {}

    static let kind = PaneKind.audit
    static let emptyText = "No audit entries match."

    var filter = AuditFilter()

    var text: String? {
        get { filter.text }
        set { filter.text = newValue }
    }

    static let columns: [ListColumn<AuditEntry>] = [
        ListColumn(id: "time", table: TableColumn("Time", width: .fixed(17), priority: 0), sortKey: nil) { entry, context in
            (Formatting.relative(entry.at, now: context.now), nil)
        },
        ListColumn(id: "actor", table: TableColumn("Actor", width: .flexible(minimum: 16), priority: 1), sortKey: nil) { entry, _ in (entry.actor, nil) },
        ListColumn(id: "action", table: TableColumn("Action", width: .fixed(16), priority: 0), sortKey: nil) { entry, _ in (entry.action, nil) },
        ListColumn(id: "target", table: TableColumn("Target", width: .fixed(16), priority: 0), sortKey: nil) { entry, _ in (entry.targetID, nil) },
        ListColumn(id: "summary", table: TableColumn("Summary", width: .flexible(minimum: 20), priority: 2), sortKey: nil) { entry, _ in (entry.summary, nil) },
    ]

    func load(_ window: ListWindow, _ context: PaneContext) async throws -> Window<AuditEntry> {
        try await context.shop.audit.entries(matching: filter, window: window, by: context.principal)
    }

    func count(_ context: PaneContext) async throws -> Int {
        try await context.shop.audit.count(matching: filter, by: context.principal)
    }

    func title(total: Int?, _ context: PaneContext) -> String {
        var title = "Audit"
        if let total { title += " · \(Formatting.count(total, "entry", plural: "entries"))" }
        var filters: [String] = []
        if let actor = filter.actor { filters.append("actor=\(actor)") }
        if let action = filter.action { filters.append("action=\(action)") }
        if let text = filter.text { filters.append("\"\(text)\"") }
        if !filters.isEmpty { title += " · filter " + filters.joined(separator: " ") }
        return title
    }

    func key(of entry: AuditEntry) -> String { entry.targetID }

    mutating func perform(_ action: ConsoleAction, selected: AuditEntry?, marked: [AuditEntry], count: Int?, _ context: PaneContext) -> SourceStep {
        switch action {
        case .filterActor:
            filter.actor = filter.actor == nil ? selected?.actor : nil
            return .reload
        case .filterAction:
            filter.action = filter.action == nil ? selected?.action : nil
            return .reload
        default:
            return .none
        }
    }

    /// Where an entry's target lives.
    static func navigation(for entry: AuditEntry) -> Navigation? {
        switch entry.targetType {
        case "product": (try? SKU(entry.targetID)).map(Navigation.product)
        case "order": (try? OrderNumber(entry.targetID)).map(Navigation.order)
        case "user": .user(entry.targetID)
        default: nil
        }
    }

    func openDetail(_ entry: AuditEntry, _ context: PaneContext) -> (Detail?, PaneOutcome) {
        guard let target = Self.navigation(for: entry) else {
            return (nil, .flash("\(entry.targetType) \(entry.targetID) has no view of its own."))
        }
        return (nil, PaneOutcome(navigation: target))
    }

    func receiveDetail(_ payload: any Sendable, into detail: inout Detail?, _ context: PaneContext) -> PaneOutcome { PaneOutcome() }

    func performInDetail(_ action: ConsoleAction, _ detail: inout Detail, count: Int?, _ context: PaneContext) -> PaneOutcome { PaneOutcome() }

    func renderDetail(_ detail: Detail, into grid: inout CellGrid, area: Rect, _ context: PaneContext) {}
}
