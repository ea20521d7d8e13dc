extension String {
    /// Trims spaces, tabs and newlines at both ends (Unicode-aware).
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    var containsControlCharacters: Bool {
        unicodeScalars.contains {
            let category = $0.properties.generalCategory
            return category == .control || category == .lineSeparator || category == .paragraphSeparator
        }
    }
}

/// Validation of free text a person typed: names, descriptions, notes.
///
/// Lengths count Unicode scalars, as the store's `CHECK (length(…))`
/// constraints do: `e` + U+0301 is one character on screen but two in the
/// store, and a limit checked in a different unit lets a value pass here
/// that the store then refuses.
public enum TextRules {
    /// A required single-line text: trimmed, 1...maximum scalars, no control,
    /// bidirectional-override or only-invisible characters.
    public static func requiredLine(_ text: String, field: String, label: String, maximum: Int) throws(BackroomError) -> String {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .validation(field, "Enter a \(label).") }
        try checkLine(trimmed, field: field, label: label, maximum: maximum)
        return trimmed
    }

    /// An optional single-line text: trimmed, at most `maximum` scalars, the
    /// same characters refused as in `requiredLine`; empty is `nil`.
    public static func optionalLine(_ text: String?, field: String, label: String, maximum: Int) throws(BackroomError) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty { return nil }
        try checkLine(trimmed, field: field, label: label, maximum: maximum)
        return trimmed
    }

    /// Multi-line text: newlines and tabs allowed, other control characters
    /// and bidirectional overrides not.
    public static func paragraph(_ text: String, field: String, label: String, maximum: Int) throws(BackroomError) -> String {
        let trimmed = text.trimmingWhitespace()
        try checkLength(trimmed, field: field, label: label, maximum: maximum)
        let allowed: Set<Unicode.Scalar> = ["\n", "\t", "\r"]
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) else {
            throw .validation(field, "A \(label) cannot contain control characters.")
        }
        guard !trimmed.containsBidirectionalControls else {
            throw .validation(field, "A \(label) cannot contain bidirectional override characters.")
        }
        return trimmed
    }

    private static func checkLine(_ trimmed: String, field: String, label: String, maximum: Int) throws(BackroomError) {
        try checkLength(trimmed, field: field, label: label, maximum: maximum)
        guard !trimmed.containsControlCharacters else {
            throw .validation(field, "A \(label) cannot contain control characters or line breaks.")
        }
        guard !trimmed.containsBidirectionalControls else {
            throw .validation(field, "A \(label) cannot contain bidirectional override characters.")
        }
        guard !trimmed.isInvisible else {
            throw .validation(field, "A \(label) needs visible characters, not only invisible ones.")
        }
    }

    private static func checkLength(_ trimmed: String, field: String, label: String, maximum: Int) throws(BackroomError) {
        let length = trimmed.unicodeScalars.count
        guard length <= maximum else {
            throw .validation(field, "A \(label) has at most \(maximum) characters (this one has \(length) Unicode code points).")
        }
    }
}

extension String {
    /// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069):
    /// they reorder what follows them, so a name could display as something
    /// it is not (the "Trojan Source" trick).
    var containsBidirectionalControls: Bool {
        unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }
    }

    /// Only whitespace, format characters and code points that draw nothing
    /// (zero-width space, joiners, fillers): a name nobody can see.
    var isInvisible: Bool {
        unicodeScalars.allSatisfy { scalar in
            scalar.properties.isWhitespace || scalar.properties.isDefaultIgnorableCodePoint
                || scalar.properties.generalCategory == .format || scalar.value == 0x2800
        }
    }
}

/// Bounds on counts and quantities, in one place so the API, the console
/// and the store agree.
public enum QuantityRules {
    /// Largest quantity of one SKU in one cart line.
    public static let maximumLineQuantity: Int64 = 999
    /// Largest stock count or single adjustment.
    public static let maximumStock: Int64 = 1_000_000_000
    /// Largest reorder point.
    public static let maximumReorderPoint: Int64 = 1_000_000_000

    public static func lineQuantity(_ quantity: Int64, field: String = "quantity") throws(BackroomError) -> Int64 {
        guard quantity >= 1 else { throw .validation(field, "The quantity must be at least 1 (was \(quantity)).") }
        guard quantity <= maximumLineQuantity else {
            throw .validation(field, "The quantity can be at most \(maximumLineQuantity) (was \(quantity)).")
        }
        return quantity
    }

    public static func stockCount(_ count: Int64, field: String = "count") throws(BackroomError) -> Int64 {
        guard count >= 0 else { throw .validation(field, "A count cannot be negative (was \(count)).") }
        guard count <= maximumStock else {
            throw .validation(field, "A count can be at most \(maximumStock) (was \(count)).")
        }
        return count
    }

    public static func adjustment(_ delta: Int64, field: String = "delta") throws(BackroomError) -> Int64 {
        guard delta != 0 else { throw .validation(field, "The change cannot be zero.") }
        guard delta.magnitude <= UInt64(maximumStock) else {
            throw .validation(field, "A change can be at most ±\(maximumStock) (was \(delta)).")
        }
        return delta
    }

    public static func reorderPoint(_ value: Int64, field: String = "reorderPoint") throws(BackroomError) -> Int64 {
        guard value >= 0 else { throw .validation(field, "The reorder point cannot be negative (was \(value)).") }
        guard value <= maximumReorderPoint else {
            throw .validation(field, "The reorder point can be at most \(maximumReorderPoint).")
        }
        return value
    }
}
