import BackroomCore
import BackroomServices
import TerminalKit

/// Something drawn over the panes, topmost last: Esc closes the topmost.
enum Overlay: Sendable {
    case help(scroll: Int)
    case dialog(any ConsoleDialog)
    /// A destructive action waiting for y or n.
    case confirm(Confirmation)
    /// Text shown once (a generated password); `y` copies it.
    case notice(Notice)
}

/// What the bottom line is taking: keys for the panes, or typed text.
enum InputMode: Sendable, Equatable {
    case normal
    /// `/`: the filter follows the text as it is typed; `previous` comes
    /// back on Esc.
    case filter(TextInput, previous: String)
    case command
}

/// Digits typed before a key that takes a count (`5+`). They wait for that
/// key; if none comes within `PendingCount.patience`, a single digit is the
/// pane key it stands for (`2` shows Inventory).
struct PendingCount: Sendable, Equatable {
    var digits: String
    var since: Timestamp

    static let patienceMilliseconds: Int64 = 500
    static let maximum = 99_999

    var value: Int { min(Int(digits) ?? 1, Self.maximum) }
}

/// The console's whole state. Only the UI thread touches it; `update`
/// changes it from messages, `view` draws it.
public struct ConsoleModel: Sendable {
    var layout: ConsoleLayout
    var theme: Theme
    var keyMap: KeyMap
    /// The time of the last tick: `update` reads no clock.
    var now: Timestamp
    var pane: PaneKind = .inventory

    var orders: ListPane<OrdersSource>
    var inventory: ListPane<InventorySource>
    var users: ListPane<UsersSource>
    var audit: ListPane<AuditSource>
    var webhooks: ListPane<WebhooksSource>
    var requests = RequestsPane()
    var metrics = MetricsPane()
    var stockTake = StockTakePane()

    var overlays: [Overlay] = []
    var mode: InputMode = .normal
    var commandLine = CommandLine()
    var flash: Flash?
    var pendingCount: PendingCount?

    var summary: InventorySummary?
    var live = LiveStatus()
    var settings: ConsoleSettings
    /// The store's revision as last seen (the console's own writes included).
    var lastRevision: StoreRevision?
    /// Panes another writer changed while they were not on screen.
    var stalePanes: Set<PaneKind> = []
    /// Panes that have loaded once (the others load when first shown).
    var loadedPanes: Set<PaneKind> = []
    var ticks = 0

    var terminal = TerminalState()
    var isFinished = false
    /// The signal that ended the console, for its exit status (130, 143).
    public internal(set) var exitSignal: Int32?

    init(size: Size, theme: Theme, keyMap: KeyMap, now: Timestamp, settings: ConsoleSettings) {
        layout = ConsoleLayout(size: size)
        self.theme = theme
        self.keyMap = keyMap
        self.now = now
        self.settings = settings
        orders = ListPane(source: OrdersSource(), columns: settings.columns(for: .orders))
        inventory = ListPane(source: InventorySource(), columns: settings.columns(for: .inventory))
        users = ListPane(source: UsersSource(), columns: settings.columns(for: .users))
        audit = ListPane(source: AuditSource(), columns: settings.columns(for: .audit))
        webhooks = ListPane(source: WebhooksSource(), columns: settings.columns(for: .webhooks))
    }

    var size: Size { layout.size }
    var isTooSmall: Bool { layout.isTooSmall }
    var current: any ConsolePane { self[pane: pane] }
    var inDetail: Bool { current.hasDetail }

    /// The pane of `kind`, for routing. Modifying moves the pane out and
    /// back, so its buffers are not copied (the requests ring holds 10,000
    /// records).
    subscript(pane kind: PaneKind) -> any ConsolePane {
        get {
            switch kind {
            case .orders: orders
            case .inventory: inventory
            case .users: users
            case .audit: audit
            case .webhooks: webhooks
            case .requests: requests
            case .metrics: metrics
            case .stockTake: stockTake
            }
        }
        _modify {
            var taken = take(kind)
            defer { put(taken) }
            yield &taken
        }
    }

    private mutating func take(_ kind: PaneKind) -> any ConsolePane {
        switch kind {
        case .orders:
            defer { orders = ListPane(source: OrdersSource()) }
            return orders
        case .inventory:
            defer { inventory = ListPane(source: InventorySource()) }
            return inventory
        case .users:
            defer { users = ListPane(source: UsersSource()) }
            return users
        case .audit:
            defer { audit = ListPane(source: AuditSource()) }
            return audit
        case .webhooks:
            defer { webhooks = ListPane(source: WebhooksSource()) }
            return webhooks
        case .requests:
            defer { requests = RequestsPane() }
            return requests
        case .metrics:
            return metrics
        case .stockTake:
            return stockTake
        }
    }

    private mutating func put(_ pane: any ConsolePane) {
        switch pane {
        case let pane as ListPane<OrdersSource>: orders = pane
        case let pane as ListPane<InventorySource>: inventory = pane
        case let pane as ListPane<UsersSource>: users = pane
        case let pane as ListPane<AuditSource>: audit = pane
        case let pane as ListPane<WebhooksSource>: webhooks = pane
        case let pane as RequestsPane: requests = pane
        case let pane as MetricsPane: metrics = pane
        case let pane as StockTakePane: stockTake = pane
        default: preconditionFailure("unknown pane \(type(of: pane))")
        }
    }

    /// The flash line says `text` until a few seconds from now.
    mutating func flash(_ text: String, isError: Bool = false) {
        var flash = Flash(text, isError: isError)
        flash.expires = now.adding(seconds: isError ? 10 : 6)
        self.flash = flash
    }

    mutating func show(_ flash: Flash) {
        self.flash(flash.text, isError: flash.isError)
    }

    /// Puts `text` on the terminal's clipboard (the runner sends OSC 52).
    mutating func copy(_ text: String) {
        terminal.clipboard = text
        terminal.clipboardSerial += 1
    }
}
