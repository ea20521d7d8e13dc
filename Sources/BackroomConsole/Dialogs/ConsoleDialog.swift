import BackroomCore
import BackroomServices
import TerminalKit

/// The fields of a dialog, in the order shown: each has a label, and no
/// code looks a field up by its label.
protocol DialogField: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == Int {
    var label: String { get }
}

/// Per-field errors from a dialog's `parse`.
struct DialogErrors<Field: DialogField>: Error, Sendable, Equatable {
    var messages: [Field: String]

    init(_ messages: [Field: String] = [:]) {
        self.messages = messages
    }

    subscript(field: Field) -> String? {
        get { messages[field] }
        set { messages[field] = newValue }
    }

    var isEmpty: Bool { messages.isEmpty }
}

/// What submitting a valid dialog does: commands to run, asked first when
/// `confirmation` says so (destructive work), or a change to the pane.
struct DialogSubmission: Sendable {
    var commands: [Command<ConsoleMessage>] = []
    var confirmation: (title: String, message: String)?
    /// A local change with no write (a live-pane filter): applied to the
    /// pane on screen, and the dialog closes.
    var paneChange: (@Sendable (inout any ConsolePane) -> Void)?
    /// A write that is not the store's (settings).
    var settings: ConsoleSettings?
}

/// A typed dialog: an enum of its fields, a `parse` into the validated
/// values using Core's rules (or per-field errors), a preview of what the
/// fields say now, and the command it runs, each in its own file.
protocol ConsoleDialog: Sendable {
    associatedtype Field: DialogField
    associatedtype Parsed: Sendable

    var title: String { get }
    var form: Form { get set }
    var isSubmitting: Bool { get set }
    var width: Int { get }

    /// The values, validated, or what is wrong with each field.
    func parse(_ context: PaneContext) -> Result<Parsed, DialogErrors<Field>>
    /// Lines above the form (what the dialog is about).
    func header(_ context: PaneContext) -> [(String, Style)]
    /// Lines below the form: what applying would do, from what parses now.
    func preview(_ parsed: Parsed?, _ context: PaneContext) -> [(String, Style)]
    func submission(_ parsed: Parsed, _ context: PaneContext) -> DialogSubmission
    /// The field a service error names (its `field`), if the dialog has it.
    func field(forServiceField name: String?) -> Field?
    /// Keys the dialog handles itself before the form (reordering); true when used.
    mutating func handleKey(_ key: Key) -> Bool
}

extension ConsoleDialog {
    var width: Int { 86 }

    func field(forServiceField name: String?) -> Field? { nil }

    mutating func handleKey(_ key: Key) -> Bool { false }

    /// A form with a field per case of `Field`, built by `make`.
    static func form(_ make: (Field) -> FormField) -> Form {
        Form(Field.allCases.sorted { $0.rawValue < $1.rawValue }.map(make))
    }

    func text(_ field: Field) -> String {
        form.fields.indices.contains(field.rawValue) ? form.fields[field.rawValue].text : ""
    }

    func choice(_ field: Field) -> Int {
        guard form.fields.indices.contains(field.rawValue), case .choice(_, let selected) = form.fields[field.rawValue].kind else { return 0 }
        return selected
    }

    func isOn(_ field: Field) -> Bool {
        form.fields.indices.contains(field.rawValue) && form.fields[field.rawValue].isOn
    }

    /// Enter: the errors under their fields, or the submission.
    mutating func submit(_ context: PaneContext) -> DialogSubmission? {
        form.clearErrors()
        switch parse(context) {
        case .failure(let errors):
            for (field, message) in errors.messages { form.setError(at: field.rawValue, message) }
            return nil
        case .success(let parsed):
            return submission(parsed, context)
        }
    }

    /// A service refused the write: its message goes under the field it
    /// names, or under the focused one.
    mutating func show(_ error: BackroomError) {
        isSubmitting = false
        let index = field(forServiceField: error.field)?.rawValue ?? form.focus
        form.setError(at: index, error.message)
    }

    /// A key for the form; returns whether the dialog wants to close
    /// (`cancel`) or submit.
    mutating func handle(_ key: Key) -> FormAction {
        if handleKey(key) { return .none }
        return form.handle(key)
    }

    func widget(_ context: PaneContext) -> Dialog {
        let theme = context.theme
        let parsed = try? parse(context).get()
        return Dialog(
            title: title, lines: header(context), form: form, trailingLines: preview(parsed, context),
            buttons: isSubmitting ? ["Saving…"] : ["Enter Apply", "Esc Cancel"], width: width, theme: theme
        )
    }
}

/// One field's value as typed, or what is wrong with it, in words.
enum FieldResult<Value> {
    case success(Value)
    case failure(String)

    struct Problem: Error {
        let message: String
    }

    func get() throws(Problem) -> Value {
        switch self {
        case .success(let value): return value
        case .failure(let message): throw Problem(message: message)
        }
    }
}

extension FieldResult: Sendable where Value: Sendable {}

/// Parsing shared by dialogs: whole numbers and amounts as typed, with
/// the error in words.
enum FieldParsing {
    /// A whole number; `allowSign` for changes (`+24`, `-3`, `−3`).
    static func whole(_ text: String, allowSign: Bool, maximum: Int64 = QuantityRules.maximumStock) -> FieldResult<Int64> {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return .failure("enter a number") }
        var digits = Substring(trimmed)
        var negative = false
        if let first = digits.first, first == "+" || first == "-" || first == "−" {
            guard allowSign else { return .failure(first == "+" ? "must be a whole number" : "cannot be negative") }
            negative = first != "+"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure("must be a whole number") }
        guard digits.count <= 12, let value = Int64(digits), value <= maximum else {
            return .failure("is too large (at most \(Formatting.grouped(maximum)))")
        }
        return .success(negative ? -value : value)
    }

    /// An amount in the shop's currency, by `Money.parse`'s rules.
    static func money(_ text: String, currency: Currency) -> FieldResult<Money> {
        do {
            return .success(try ProductRules.price(try Money.parse(text, currency: currency)))
        } catch {
            return .failure(error.message)
        }
    }

    /// Runs a Core rule, turning its error into the field's message.
    static func rule<Value>(_ body: () throws(BackroomError) -> Value) -> FieldResult<Value> {
        do {
            return .success(try body())
        } catch {
            return .failure(error.message)
        }
    }
}
