import BackroomCore
import BackroomServices
import TerminalKit

/// What a pane works with for one update or one frame: the services, the
/// operator, the time (from the last tick), the layout, the theme.
struct PaneContext: Sendable {
    let environment: ConsoleEnvironment
    let now: Timestamp
    let layout: ConsoleLayout
    let theme: Theme
    let keyMap: KeyMap
    /// The inventory summary, for titles and the metrics pane.
    let summary: InventorySummary?
    /// What the live feed says (connection, latest metrics).
    let live: LiveStatus

    var shop: Shop { environment.shop }
    var principal: Principal { environment.principal }
    var rows: Int { layout.visibleRows }
}

/// A pane: its own state, how it answers actions and messages, how it
/// draws (bubbletea's nested models, k9s's views). The root program routes
/// to the pane on screen and keeps the frame, the overlays and the command
/// line.
protocol ConsolePane: Sendable {
    var kind: PaneKind { get }
    /// Whether a detail view is open (keys then come from its scope).
    var hasDetail: Bool { get }
    /// The `/` filter's text, empty when none.
    var filterText: String { get }

    /// Loads what the pane shows (the first time, and when it is stale).
    mutating func reload(_ context: PaneContext) -> PaneOutcome
    mutating func setFilter(_ text: String, _ context: PaneContext) -> PaneOutcome
    /// A key map action; `count` is the number typed before it, if any.
    mutating func perform(_ action: ConsoleAction, count: Int?, _ context: PaneContext) -> PaneOutcome
    mutating func receive(_ message: PaneMessage, _ context: PaneContext) -> PaneOutcome
    /// Esc: closes the detail if one is open; returns whether it did.
    mutating func closeDetail() -> Bool
    /// A click on list row `row` (0 is the first row shown).
    mutating func click(row: Int, _ context: PaneContext) -> PaneOutcome
    /// Goes to something from elsewhere (`:BR-000042`, a link).
    mutating func open(_ target: Navigation, _ context: PaneContext) -> PaneOutcome
    /// The terminal shrank or grew: keep the selection on screen, fetch rows that now fit.
    mutating func resized(_ context: PaneContext) -> PaneOutcome

    func render(into grid: inout CellGrid, _ context: PaneContext)

    /// The pane's columns (identifier, title) and those shown, in order;
    /// nil for panes without a choice of columns.
    func columnChoices() -> (all: [(id: String, title: String)], shown: [String])?
    /// Shows these columns in this order (nil: the defaults).
    mutating func setColumns(_ identifiers: [String]?)
    /// Forgets the marked rows (after a bulk action).
    mutating func clearMarks()

    /// Whether typed keys are text for the pane first (the stock take's
    /// fields); keys it leaves (nil) go to the key map.
    var takesTypedKeys: Bool { get }
    mutating func typed(_ key: Key, _ context: PaneContext) -> PaneOutcome?

    /// `:export FILE`: writes what the pane shows, its filter and sort applied.
    func export(to path: String, _ context: PaneContext) -> PaneOutcome?
}

extension ConsolePane {
    func columnChoices() -> (all: [(id: String, title: String)], shown: [String])? { nil }
    mutating func setColumns(_ identifiers: [String]?) {}
    mutating func clearMarks() {}
    var takesTypedKeys: Bool { false }
    mutating func typed(_ key: Key, _ context: PaneContext) -> PaneOutcome? { nil }
    func export(to path: String, _ context: PaneContext) -> PaneOutcome? { nil }
    mutating func open(_ target: Navigation, _ context: PaneContext) -> PaneOutcome { PaneOutcome() }
    mutating func click(row: Int, _ context: PaneContext) -> PaneOutcome { PaneOutcome() }
    mutating func resized(_ context: PaneContext) -> PaneOutcome { PaneOutcome() }
}

/// What a pane's step asks of the root, besides its own state change.
struct PaneOutcome: Sendable {
    var commands: [Command<ConsoleMessage>] = []
    /// A dialog to open.
    var dialog: (any ConsoleDialog)?
    /// What a destructive action will do, for the y/n question; its
    /// commands wait for the yes. (The key map says which actions ask.)
    var confirmation: Confirmation?
    var flash: Flash?
    var notice: Notice?
    /// Go to another pane (a link, `:user`).
    var navigation: Navigation?
    /// Text for the terminal's clipboard (`y`, `Y`).
    var clipboard: String?

    init(
        commands: [Command<ConsoleMessage>] = [], dialog: (any ConsoleDialog)? = nil, confirmation: Confirmation? = nil,
        flash: Flash? = nil, notice: Notice? = nil, navigation: Navigation? = nil, clipboard: String? = nil
    ) {
        self.commands = commands
        self.dialog = dialog
        self.confirmation = confirmation
        self.flash = flash
        self.notice = notice
        self.navigation = navigation
        self.clipboard = clipboard
    }

    static func + (lhs: PaneOutcome, rhs: PaneOutcome) -> PaneOutcome {
        var result = lhs
        result.commands += rhs.commands
        result.dialog = rhs.dialog ?? lhs.dialog
        result.confirmation = rhs.confirmation ?? lhs.confirmation
        result.flash = rhs.flash ?? lhs.flash
        result.notice = rhs.notice ?? lhs.notice
        result.navigation = rhs.navigation ?? lhs.navigation
        result.clipboard = rhs.clipboard ?? lhs.clipboard
        return result
    }

    static func run(_ commands: [Command<ConsoleMessage>]) -> PaneOutcome { PaneOutcome(commands: commands) }
    static func flash(_ text: String, error: Bool = false) -> PaneOutcome { PaneOutcome(flash: Flash(text, isError: error)) }
}

/// A destructive action waiting for y: what it will do, and the work.
struct Confirmation: Sendable {
    var title: String
    var message: String
    var commands: [Command<ConsoleMessage>]
}

/// A flash line: the outcome of the last action, in plain words. It
/// expires a few seconds after it is first shown (the root stamps it).
struct Flash: Sendable, Equatable {
    var text: String
    var isError: Bool
    var expires: Timestamp?

    init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}

/// Text shown once in a dialog (a generated password), copyable with `y`.
struct Notice: Sendable, Equatable {
    var title: String
    var lines: [String]
    var copyable: String?
}

/// Somewhere to go: a record in its pane.
enum Navigation: Sendable, Equatable {
    case order(OrderNumber)
    case product(SKU)
    case user(String)
    case ordersOfCustomer(id: Int64, email: String)
    case ordersWithStatus(Set<OrderStatus>)
    case auditTarget(type: String, id: String)
    case pane(PaneKind)
}
