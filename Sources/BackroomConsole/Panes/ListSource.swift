import BackroomCore
import BackroomServices
import TerminalKit

/// A column of a list pane: how it is titled, laid out, sorted, and what a
/// row shows in it.
struct ListColumn<Item: Sendable>: Sendable {
    /// Stable name, for the settings file.
    var id: String
    var table: TableColumn
    /// The sort this column stands for, if the list sorts by it.
    var sortKey: String?
    var cell: @Sendable (Item, PaneContext) -> (text: String, style: Style?)
}

/// What a list pane lists and what it can do with its rows; the generic
/// `ListPane` does the rest (the keyset window, filter, sort, marks,
/// navigation, drawing).
protocol ListSource: Sendable {
    associatedtype Item: Sendable & Identifiable where Item.ID == Int64
    associatedtype Detail: Sendable

    static var kind: PaneKind { get }
    static var columns: [ListColumn<Item>] { get }
    /// The sort keys in the order `o` cycles through.
    static var sortKeys: [String] { get }
    /// What the pane says when nothing matches.
    static var emptyText: String { get }

    /// The filter's text part (`/`), nil when none.
    var text: String? { get set }
    var sortKey: String? { get }
    var sortAscending: Bool { get }
    mutating func sort(by key: String, ascending: Bool)

    func load(_ window: ListWindow, _ context: PaneContext) async throws -> Window<Item>
    func count(_ context: PaneContext) async throws -> Int

    /// The title: the pane, what the list holds, its filters.
    func title(total: Int?, _ context: PaneContext) -> String
    /// The row's key (`y`): SKU, order number, email.
    func key(of item: Item) -> String

    /// An action of the pane's own, on the selected row or the marked ones.
    mutating func perform(_ action: ConsoleAction, selected: Item?, marked: [Item], count: Int?, _ context: PaneContext) -> SourceStep

    /// Enter on a row: its detail, and what to load for it.
    func openDetail(_ item: Item, _ context: PaneContext) -> (Detail?, PaneOutcome)
    /// A detail for something that may not be on screen (`:BR-000042`).
    func detail(for target: Navigation, _ context: PaneContext) -> (Detail?, PaneOutcome)?
    func receiveDetail(_ payload: any Sendable, into detail: inout Detail?, _ context: PaneContext) -> PaneOutcome
    func performInDetail(_ action: ConsoleAction, _ detail: inout Detail, count: Int?, _ context: PaneContext) -> PaneOutcome
    func renderDetail(_ detail: Detail, into grid: inout CellGrid, area: Rect, _ context: PaneContext)
    /// Reloads what the detail shows after a write or a change elsewhere.
    func refreshDetail(_ detail: Detail, _ context: PaneContext) -> [Command<ConsoleMessage>]
}

extension ListSource {
    func detail(for target: Navigation, _ context: PaneContext) -> (Detail?, PaneOutcome)? { nil }
    func refreshDetail(_ detail: Detail, _ context: PaneContext) -> [Command<ConsoleMessage>] { [] }
}

/// A list in one fixed order, newest first (the audit log, deliveries):
/// `o` and `O` do nothing there.
protocol NewestFirstListSource: ListSource {}

extension NewestFirstListSource {
    var sortKey: String? { nil }
    var sortAscending: Bool { false }
    mutating func sort(by key: String, ascending: Bool) {}
    static var sortKeys: [String] { [] }
}

/// What a source's action did: a pane outcome, and whether the list must
/// reload (a filter changed).
struct SourceStep: Sendable {
    var outcome = PaneOutcome()
    var reloadsList = false

    static let none = SourceStep()
    static let reload = SourceStep(reloadsList: true)

    static func outcome(_ outcome: PaneOutcome) -> SourceStep { SourceStep(outcome: outcome) }
}
