import BackroomCore
import BackroomServices
import BackroomTelemetry
import TerminalKit

/// A flash line: the outcome of the last write, in plain words.
struct Flash: Sendable, Equatable {
    var text: String
    var isError: Bool
    var expires: Timestamp
}

/// What the operator is typing at the bottom line.
enum InputMode: Sendable, Equatable {
    case normal
    case filter(TextInput)
    case command(TextInput)
}

/// Dialogs that ask for values.
enum FormKind: Sendable, Equatable {
    case adjust(InventoryItem)
    case setCount(InventoryItem)
    case newProduct
    case editProduct(InventoryItem)
    case newUser
    case changeRole(User)
    case refund(Order)
    case slowerThan
}

struct FormDialog: Sendable, Equatable {
    var kind: FormKind
    var form: Form
    var isSubmitting = false
}

/// A write that waits for a yes.
enum PendingWrite: Sendable, Equatable {
    case archive(InventoryItem)
    case transition(Order, OrderAction, restock: Bool)
    case toggleDisabled(User)
    case resetPassword(User)
    case revokeTokens(User)
}

struct ConfirmDialog: Sendable, Equatable {
    var title: String
    var message: String
    var write: PendingWrite
}

enum Overlay: Sendable, Equatable {
    case help
    case form(FormDialog)
    case confirm(ConfirmDialog)
    case notice(title: String, lines: [String])
}

/// A detail view opened with Enter.
enum Detail: Sendable, Equatable {
    case product(InventoryItem, ledger: [StockMovement]?, scroll: Int)
    case order(OrderNumber, OrderDetail?)
    case request(RequestRecord)
}

/// The console's whole state. Only the UI thread touches it.
public struct ConsoleModel {
    var size: Size
    var pane: PaneKind = .inventory
    var theme: Theme
    var readOnly: Bool
    var keyMap: KeyMap
    var mode: InputMode = .normal
    var overlay: Overlay?
    var detail: Detail?
    var flash: Flash?
    var isFinished = false
    var mouseEnabled = false
    var now: Timestamp

    var inventory = ListState<InventoryItem>()
    var inventoryFilter = ProductFilter()
    var inventorySort = ProductSort(.sku)
    var summary: InventorySummary?

    var orders = ListState<Order>()
    var orderFilter = OrderFilter()
    var orderSort = OrderSort(.number, .descending)

    var users = ListState<User>()
    var userFilter = UserFilter()
    var userSort = UserSort(.email)

    var live = LiveState()
    var lastRevision: StoreRevision?
    /// Lists another writer changed while they were not on screen.
    var stalePanes: Set<PaneKind> = []
    /// Orders and users are first loaded after the inventory (see `start`).
    var remainingPanesRequested = false
    var ticks = 0

    /// Rows a list pane can show under its header.
    var visibleRows: Int { max(1, size.height - 7) }

    static let minimumSize = Size(width: 60, height: 15)

    var isTooSmall: Bool { size.width < Self.minimumSize.width || size.height < Self.minimumSize.height }
}
