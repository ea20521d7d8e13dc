import BackroomCore
import TerminalKit

/// `>` in Requests: only requests slower than N milliseconds (empty: all).
struct SlowerThanDialog: ConsoleDialog {
    enum Field: Int, DialogField {
        case milliseconds

        var label: String { "Slower than (ms)" }
    }

    var form: Form
    var isSubmitting = false

    init(current: Int?) {
        form = Self.form { field in FormField(field.label, text: current.map(String.init) ?? "", maximumLength: 7, hint: "empty: all") }
    }

    var title: String { "Only slower requests" }
    var width: Int { 60 }

    func parse(_ context: PaneContext) -> Result<Int?, DialogErrors<Field>> {
        guard !text(.milliseconds).trimmingWhitespace().isEmpty else { return .success(nil) }
        switch FieldParsing.whole(text(.milliseconds), allowSign: false, maximum: 600_000) {
        case .success(let value): return .success(Int(value))
        case .failure(let message): return .failure(DialogErrors([.milliseconds: message]))
        }
    }

    func header(_ context: PaneContext) -> [(String, Style)] { [] }

    func preview(_ parsed: Int??, _ context: PaneContext) -> [(String, Style)] { [] }

    func submission(_ parsed: Int?, _ context: PaneContext) -> DialogSubmission {
        DialogSubmission(paneChange: { pane in
            guard var requests = pane as? RequestsPane else { return }
            requests.live.slowerThanMilliseconds = parsed
            requests.live.scroll = 0
            pane = requests
        })
    }
}
