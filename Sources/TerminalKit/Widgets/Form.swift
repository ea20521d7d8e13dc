/// A field of a form: a text input, a choice among options (←/→), or an
/// on/off toggle. Validation errors are shown under it, in words.
public struct FormField: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case text(TextInput)
        case choice(options: [String], selected: Int)
        case toggle(Bool)
    }

    public var label: String
    public var kind: Kind
    public var error: String?
    /// A short hint after the field (`(←/→ to choose)`).
    public var hint: String?

    public init(_ label: String, text: String = "", maximumLength: Int = 200, hint: String? = nil, isSecure: Bool = false) {
        self.label = label
        kind = .text(TextInput(text, maximumLength: maximumLength, isSecure: isSecure))
        self.hint = hint
    }

    public init(_ label: String, options: [String], selected: Int = 0, hint: String? = "(←/→ to choose)") {
        self.label = label
        kind = .choice(options: options, selected: selected)
        self.hint = hint
    }

    public init(_ label: String, toggle: Bool, hint: String? = "(Space to switch)") {
        self.label = label
        kind = .toggle(toggle)
        self.hint = hint
    }

    public var text: String {
        switch kind {
        case .text(let input): input.value
        case .choice(let options, let selected): options[selected]
        case .toggle(let value): value ? "yes" : "no"
        }
    }

    public var isOn: Bool {
        if case .toggle(let value) = kind { return value }
        return false
    }
}

/// The outcome of a key in a form.
public enum FormAction: Sendable, Hashable {
    case none
    case submit
    case cancel
}

/// A form: fields, focus, keys. Tab/↓ and Shift-Tab/↑ move between fields,
/// ←/→ change a choice, Space a toggle, Enter submits, Esc cancels.
public struct Form: Sendable, Hashable {
    public var fields: [FormField]
    public var focus: Int

    public init(_ fields: [FormField], focus: Int = 0) {
        self.fields = fields
        self.focus = min(focus, max(0, fields.count - 1))
    }

    public mutating func clearErrors() {
        for index in fields.indices { fields[index].error = nil }
    }

    public var hasErrors: Bool { fields.contains { $0.error != nil } }

    public mutating func handle(_ key: Key) -> FormAction {
        switch key {
        case .escape: return .cancel
        case .enter: return .submit
        case .tab, .down:
            focus = (focus + 1) % max(1, fields.count)
            return .none
        case .backTab, .up:
            focus = (focus + max(1, fields.count) - 1) % max(1, fields.count)
            return .none
        default:
            break
        }
        guard fields.indices.contains(focus) else { return .none }
        switch fields[focus].kind {
        case .text(var input):
            if input.handle(key) {
                fields[focus].kind = .text(input)
                fields[focus].error = nil
            }
        case .choice(let options, let selected):
            if key == .left { fields[focus].kind = .choice(options: options, selected: (selected + options.count - 1) % options.count) }
            if key == .right || key == .character(" ") { fields[focus].kind = .choice(options: options, selected: (selected + 1) % options.count) }
        case .toggle(let value):
            if key == .character(" ") || key == .left || key == .right { fields[focus].kind = .toggle(!value) }
        }
        return .none
    }

    /// Cells the labels take, with the gap after them.
    var labelWidth: Int { (fields.map { DisplayWidth.of($0.label) }.max() ?? 0) + 2 }

    /// An error's lines under its field, in `width` cells: wrapped, never cut.
    func errorLines(_ error: String, width: Int) -> [String] {
        Wrapping.words("✗ " + error, width: max(10, width - labelWidth))
    }

    /// Rows the form needs in `width` cells: one per field, and the lines
    /// of each error.
    public func height(width: Int) -> Int {
        fields.count + fields.reduce(0) { $0 + ($1.error.map { errorLines($0, width: width).count } ?? 0) }
    }

    /// Puts an error under field `index`.
    public mutating func setError(at index: Int, _ error: String?) {
        guard fields.indices.contains(index) else { return }
        fields[index].error = error
    }

    /// Sets the hint after field `index` (a live preview of what it parsed).
    public mutating func setHint(at index: Int, _ hint: String?) {
        guard fields.indices.contains(index) else { return }
        fields[index].hint = hint
    }
}

/// Draws a form: labels, fields (the focused one highlighted), hints, and
/// errors under their fields.
public struct FormView: Widget, Sendable {
    public var form: Form
    public var theme: Theme

    public init(_ form: Form, theme: Theme) {
        self.form = form
        self.theme = theme
    }

    public func render(into grid: inout CellGrid, area: Rect) {
        let fields = form.fields
        let labelWidth = form.labelWidth
        var y = area.y
        for (index, field) in fields.enumerated() where y < area.maxY {
            let focused = index == form.focus
            grid.write(field.label, x: area.x, y: y, style: focused ? theme["accent"].bolded : theme["dialog"], maxWidth: labelWidth)
            let fieldX = area.x + labelWidth
            let fieldWidth = max(4, min(area.width - labelWidth - 2, 30))
            switch field.kind {
            case .text(let input):
                grid.write("[", x: fieldX, y: y, style: theme["muted"])
                input.render(into: &grid, area: Rect(x: fieldX + 1, y: y, width: fieldWidth, height: 1),
                             style: focused ? theme["input.focus"] : theme["input"], focused: focused)
                grid.write("]", x: fieldX + 1 + fieldWidth, y: y, style: theme["muted"])
            case .choice(let options, let selected):
                let text = "‹ \(options[selected]) ›"
                grid.write(text, x: fieldX, y: y, style: focused ? theme["input.focus"] : theme["input"], maxWidth: fieldWidth + 2)
            case .toggle(let value):
                grid.write(value ? "[x]" : "[ ]", x: fieldX, y: y, style: focused ? theme["input.focus"] : theme["input"])
            }
            if let hint = field.hint {
                let hintX = fieldX + fieldWidth + 4
                if hintX < area.maxX { grid.write(DisplayWidth.truncate(hint, to: area.maxX - hintX), x: hintX, y: y, style: theme["muted"]) }
            }
            y += 1
            if let error = field.error {
                for line in form.errorLines(error, width: area.width) where y < area.maxY {
                    grid.write(line, x: fieldX, y: y, style: theme["status.error"], maxWidth: area.maxX - fieldX)
                    y += 1
                }
            }
        }
    }
}
