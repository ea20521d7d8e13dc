import BackroomCore
import TerminalKit

/// `:columns`: which columns a list pane shows, and in which order (Space
/// shows or hides, `[` and `]` move), saved in the console settings file.
struct ColumnsDialog: ConsoleDialog {
    /// Fields are the pane's columns, in their current order; this type
    /// only names positions.
    struct Field: DialogField {
        var rawValue: Int
        init?(rawValue: Int) { self.rawValue = rawValue }
        static let allCases: [Field] = []
        var label: String { "column \(rawValue + 1)" }
    }

    let pane: PaneKind
    /// Column identifiers, in the order shown.
    var identifiers: [String]
    var form: Form
    var isSubmitting = false

    init(pane: PaneKind, columns: [(id: String, title: String)], shown: [String]) {
        self.pane = pane
        let order = shown + columns.map(\.id).filter { !shown.contains($0) }
        identifiers = order
        let titles = Dictionary(uniqueKeysWithValues: columns.map { ($0.id, $0.title) })
        form = Form(order.map { id in FormField(titles[id] ?? id, toggle: shown.contains(id), hint: nil) })
    }

    var title: String { "Columns · \(pane.title)" }
    var width: Int { 60 }

    mutating func handleKey(_ key: Key) -> Bool {
        let focus = form.focus
        switch key {
        case .character("["), .character("]"):
            let target = key == .character("[") ? focus - 1 : focus + 1
            guard form.fields.indices.contains(target) else { return true }
            form.fields.swapAt(focus, target)
            identifiers.swapAt(focus, target)
            form.focus = target
            return true
        default:
            return false
        }
    }

    func parse(_ context: PaneContext) -> Result<[String], DialogErrors<Field>> {
        let shown = identifiers.enumerated().filter { form.fields[$0.offset].isOn }.map(\.element)
        guard !shown.isEmpty else { return .failure(DialogErrors([Field(rawValue: 0)!: "show at least one column"])) }
        return .success(shown)
    }

    func header(_ context: PaneContext) -> [(String, Style)] {
        [("Space shows or hides · [ and ] move · Enter saves", context.theme["muted"])]
    }

    func preview(_ parsed: [String]?, _ context: PaneContext) -> [(String, Style)] { [] }

    func submission(_ parsed: [String], _ context: PaneContext) -> DialogSubmission {
        var settings = context.environment.settings
        settings.setColumns(parsed, for: pane)
        return DialogSubmission(paneChange: { current in current.setColumns(parsed) }, settings: settings)
    }
}
